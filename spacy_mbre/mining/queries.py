"""What one mining question looks like: a pair (or a single span in typing
mode) on a doc, shown to the LLM as a sentence with marked entities.

Which pairs are asked and what their options mean (directions, type
constraints, gold options) is :mod:`spacy_mbre.pairs.options`; this module
only turns a pair and an option into prompt text:

* In relation mode the pair's ``head`` is marked ``<e1>`` and its ``tail``
  ``<e2>``.
* In typing mode the single span is marked ``<e>``.
* The context shown is the sentence(s) covering both spans when the doc has
  sentence boundaries, else the whole doc.
"""
from typing import Dict, List, Optional, Tuple

from spacy.tokens import Doc

from ..data.keys import MINING_KEY
from ..data.relations import Pair
from ..data.schema import LabelOption, Schema
from ..pairs.options import gold_options, mining_pairs, option_relation, pair_from_key, pair_options

# MINING_KEY (spacy_mbre.data.keys) and gold_options ... pair_options (spacy_mbre.pairs.options) are re-exported.
__all__ = [
    "MINING_KEY",
    "context_span",
    "fill",
    "generic",
    "gold_options",
    "marked_text",
    "mining_pairs",
    "none_statement",
    "option_relation",
    "pair_from_key",
    "pair_options",
    "statement",
]


def context_span(doc: Doc, pair: Pair) -> Tuple[int, int]:
    """doc (Doc): The doc.
    pair (Pair): The pair.
    RETURNS (Tuple[int, int]): Token range (start, end) of the text shown.
    """
    spans = [pair.head] if pair.tail is None else [pair.head, pair.tail]
    if not doc.has_annotation("SENT_START"):
        return 0, len(doc)
    start = min(s.sent.start for s in spans)
    end = max(s.sent.end for s in spans)
    return start, end


def marked_text(doc: Doc, pair: Pair) -> str:
    """doc (Doc): The doc.
    pair (Pair): The pair; head marked <e1>, tail <e2> (typing: <e>).
    RETURNS (str): The context with the entities marked.
    """
    start, end = context_span(doc, pair)
    if pair.tail is None:
        marks = [(pair.head, "e")]
    else:
        marks = [(pair.head, "e1"), (pair.tail, "e2")]
    opens: Dict[int, List[str]] = {}
    closes: Dict[int, List[str]] = {}
    for span, tag in marks:
        opens.setdefault(span.start, []).append(f"<{tag}>")
        closes.setdefault(span.end - 1, []).append(f"</{tag}>")
    parts: List[str] = []
    for token in doc[start:end]:
        text = "".join(opens.get(token.i, [])) + token.text + "".join(closes.get(token.i, []))
        parts.append(text + (token.whitespace_ if token.i < end - 1 else ""))
    return "".join(parts).strip()


def statement(option: LabelOption, pair: Pair) -> str:
    """The option's description with the entity texts filled in.

    option (LabelOption): The option.
    pair (Pair): The pair (or single span).
    RETURNS (str): E.g. '"storm" causes, produces or brings about "damage"'.
    """
    return fill(option, pair.head.text, pair.tail.text if pair.tail is not None else None)


def fill(option: LabelOption, head: str, tail: Optional[str]) -> str:
    """option (LabelOption): The option.
    head (str): The text of the pair's first span (e1), or the typed span.
    tail (Optional[str]): The text of the pair's second span (e2), or None.
    RETURNS (str): The option's description with the quoted texts filled in.
    """
    qhead = f'"{head}"'
    qtail = f'"{tail}"' if tail is not None else ""
    text = option.describe(qhead, qtail)
    if "{head}" not in option.template and "{tail}" not in option.template:
        text = f"{qhead}: {text}" if tail is None else f"{qhead} → {qtail}: {text}"
    return text


def generic(option: LabelOption, typing: bool) -> str:
    """option (LabelOption): The option.
    typing (bool): Whether this is an entity type.
    RETURNS (str): The description with "e1"/"e2" (or "the entity") filled in.
    """
    return option.describe("the entity", "") if typing else option.describe("e1", "e2")


def none_statement(schema: Schema, pair: Pair) -> str:
    """schema (Schema): The schema.
    pair (Pair): The pair.
    RETURNS (str): The schema's "no relation" description, entities filled in.
    """
    head = f'"{pair.head.text}"'
    tail = f'"{pair.tail.text}"' if pair.tail is not None else ""
    return schema.no_relation_description.replace("{head}", head).replace("{tail}", tail)






