"""Batching a model call's prompts: the order that runs prompts sharing a
prefix back to back, llama.cpp's prefix-cache accounting (how many prompt
tokens come from the cache), and splitting flat answers back per doc.
Pure functions, testable without a model."""
from typing import Any, Dict, List, Optional, Sequence, Tuple


def common_prefix_len(a: Sequence[int], b: Sequence[int]) -> int:
    """Length of the longest common prefix of two token sequences.

    a (Sequence[int]): Tokens.
    b (Sequence[int]): Tokens.
    RETURNS (int): The number of leading tokens that are equal.
    """
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def planned_reuse(cached: Sequence[int], tokens: Sequence[int], requires_eval: bool = False) -> Tuple[int, int]:
    """How many prompt tokens llama-cpp-python's ``Llama.generate`` takes from
    its cache and how many it evaluates, mirroring its prefix-match rule
    (0.3.x): the longest common prefix with the tokens in the context is kept;
    if the new prompt is entirely cached, one token is re-run to refresh the
    logits, unless the cached prompt is exactly the new one and its logits
    are live.

    cached (Sequence[int]): The tokens currently in the context.
    tokens (Sequence[int]): The new prompt.
    requires_eval (bool): Whether the context's logits are stale.
    RETURNS (Tuple[int, int]): (reused, evaluated) token counts.
    """
    if not cached:
        return 0, len(tokens)
    prefix = common_prefix_len(cached, tokens)
    consumed = prefix == len(tokens)
    if len(cached) == len(tokens) and consumed and not requires_eval:
        return len(tokens), 0
    reuse = prefix - 1 if consumed else prefix
    if reuse > 0:
        return reuse, len(tokens) - reuse
    return 0, len(tokens)


def order_by_prefix(keys: Sequence[Optional[str]], first: Optional[str] = None) -> List[int]:
    """An order that runs items with equal keys back to back.

    Groups appear in order of their first occurrence (the group whose key is
    `first` goes first, to continue a prefix left in the cache), items keep
    their relative order inside a group.

    keys (Sequence[Optional[str]]): One key per item.
    first (Optional[str]): A key to run first, if present.
    RETURNS (List[int]): Item indices in run order.
    """
    groups: Dict[Optional[str], List[int]] = {}
    for i, key in enumerate(keys):
        groups.setdefault(key, []).append(i)
    ordered = list(groups)
    if first is not None and first in groups:
        ordered.remove(first)
        ordered.insert(0, first)
    return [i for key in ordered for i in groups[key]]


def regroup(flat: Sequence[Any], nested: Sequence[Sequence[Any]]) -> List[List[Any]]:
    """Split answers to the flattened prompts of several docs back per doc
    (spacy-llm's model interface: prompts and answers are nested per doc).

    flat (Sequence[Any]): One answer per prompt, in flattened input order.
    nested (Sequence[Sequence[Any]]): The prompts per doc.
    RETURNS (List[List[Any]]): The answers per doc.
    """
    out: List[List[Any]] = []
    pos = 0
    for doc_prompts in nested:
        out.append(list(flat[pos : pos + len(doc_prompts)]))
        pos += len(doc_prompts)
    return out
