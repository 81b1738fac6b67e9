"""Forward passes of a loaded ``llama_cpp.Llama`` with prefix reuse: bringing
the token cache to the state a prompt continues from (optionally in aligned
chunks, so a prompt's probabilities do not depend on what was cached) and
reading the next-token log-probabilities after a prompt."""
from typing import Any, Callable, Dict, List, Sequence, Tuple

import numpy as np

from . import batching, option_probs
from .llamacpp_load import LlamaCppError


def cached_tokens(llm: Any) -> List[int]:
    """llm (Any): The loaded ``llama_cpp.Llama``.
    RETURNS (List[int]): The tokens currently in its context.
    """
    return [int(t) for t in llm.input_ids[: llm.n_tokens]]


def prefill(llm: Any, tokens: Sequence[int], eval_chunk: int) -> Tuple[int, int]:
    """Bring the cache to the state from which ``Llama.generate`` will
    evaluate the rest of `tokens`, and count reused/evaluated tokens.

    With `eval_chunk` B > 0, positions are always computed in the same
    B-aligned chunks: the cache is kept only up to the last B boundary
    within the common prefix, the chunks up to the one holding the last
    token are evaluated here, and ``generate`` evaluates that final chunk.
    So every prompt's logits are computed the same way whatever was cached.

    llm (Any): The loaded ``llama_cpp.Llama``.
    tokens (Sequence[int]): The prompt tokens.
    eval_chunk (int): The chunk size B; 0 mirrors llama.cpp's own prefix reuse.
    RETURNS (Tuple[int, int]): Tokens reused from the cache, tokens
        evaluated for this prompt (here and in the following generate).
    """
    cached = cached_tokens(llm)
    if eval_chunk == 0:
        return batching.planned_reuse(cached, tokens, requires_eval=llm.n_tokens == 0)
    if cached == list(tokens):  # exact hit: generate samples from the live logits
        return len(tokens), 0
    chunk = eval_chunk
    final = ((len(tokens) - 1) // chunk) * chunk
    keep = min((batching.common_prefix_len(cached, tokens) // chunk) * chunk, final)
    llm.n_tokens = keep  # Llama.eval/generate drop the cache beyond n_tokens
    for start in range(keep, final, chunk):
        llm.eval(list(tokens[start : start + chunk]))
    return keep, len(tokens) - keep


def next_logprobs(llm: Any, tokens: Sequence[int], eval_chunk: int) -> Tuple[np.ndarray, int, int]:
    """One forward pass: the next-token log-probabilities after `tokens`.

    Runs ``Llama.generate`` for one greedy step with a logits processor
    that copies the last position's logits (public API, works with
    ``logits_all=False``); the cached prefix is reused (see :func:`prefill`).

    llm (Any): The loaded ``llama_cpp.Llama``.
    tokens (Sequence[int]): The prompt tokens.
    eval_chunk (int): See :func:`prefill`.
    RETURNS (Tuple[np.ndarray, int, int]): Log-probabilities over the
        vocabulary, tokens reused from the cache, tokens evaluated.
    """
    from llama_cpp import LogitsProcessorList

    reused, evaluated = prefill(llm, tokens, eval_chunk)
    captured: List[np.ndarray] = []

    def capture(_input_ids: Any, logits: np.ndarray) -> np.ndarray:
        captured.append(np.array(logits, dtype=np.float32, copy=True))
        return logits

    steps = llm.generate(list(tokens), temp=0.0, repeat_penalty=1.0, logits_processor=LogitsProcessorList([capture]))
    try:
        next(steps)
    finally:
        steps.close()
    if not captured:
        raise LlamaCppError("llama.cpp returned no logits for the prompt")
    return option_probs.log_softmax(captured[-1]), reused, evaluated


def option_scores(
    forward: Callable[[Sequence[int]], Tuple[np.ndarray, int, int]],
    tokens: Sequence[int],
    logprobs: np.ndarray,
    mode: str,
    plan: Dict[str, List[int]],
) -> Tuple[Dict[str, float], float, int]:
    """A question's option probabilities from the forward pass over its prompt
    and, in sequence mode, further passes over the options' token prefixes.

    forward (Callable[[Sequence[int]], Tuple[np.ndarray, int, int]]): One
        forward pass (as :func:`next_logprobs`) over the given tokens.
    tokens (Sequence[int]): The prompt tokens.
    logprobs (np.ndarray): The next-token log-probabilities after the prompt.
    mode (str): "first_token" or "sequence" (see :func:`.option_probs.plan_options`).
    plan (Dict[str, List[int]]): Per option, its first-token ids or its token sequence.
    RETURNS (Tuple[Dict[str, float], float, int]): Option → probability
        (summing to 1), the option mass, and the tokens evaluated for the
        options' continuations.
    """
    if mode == option_probs.FIRST_TOKEN:
        probs, mass = option_probs.first_token_probs(logprobs, plan)
        return probs, mass, 0
    extra = 0

    def continuation(prefix: Tuple[int, ...]) -> np.ndarray:
        nonlocal extra
        if not prefix:
            return logprobs
        dist, _, n_eval = forward(list(tokens) + list(prefix))
        extra += n_eval
        return dist

    probs, mass, _ = option_probs.sequence_probs(plan, continuation)
    return probs, mass, extra
