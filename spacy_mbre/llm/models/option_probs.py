"""Option probabilities from next-token distributions. Pure functions (numpy
only), so they are testable without a model; prefix-cache accounting and
prompt batching are in :mod:`.batching` (re-exported here).

How an option is scored (see :func:`plan_options`):

- **first token** — when the options' first tokens are pairwise distinct
  (yes/no, option letters, most short names), one forward pass over the
  prompt suffices: an option's mass is the summed next-token probability of
  the first tokens of its surface variants (as written, lower, Capitalised,
  UPPER, each with and without a leading space), leaving out any variant token
  that another option also claims. E.g. P(yes) = p("yes") + p("Yes") +
  p("YES") + p(" yes") + …
- **sequence** — otherwise (e.g. ``Cause-Effect(e1,e2)`` vs
  ``Cause-Effect(e2,e1)``), each option's probability is the product of its
  tokens' conditional probabilities, P(t1 | prompt) · P(t2 | prompt, t1) · …,
  for the option as written. If one option's tokens are a proper prefix of
  another's, the end-of-turn token is appended to the shorter one, so "A"
  does not also collect the mass of "AB". Shared token prefixes are computed
  once.

Either way the masses are renormalised over the options, so the returned
probabilities sum to 1; the unnormalised total ("option mass") says how much
of the model's distribution the allowed answers covered.
"""
from typing import Callable, Dict, List, Sequence, Tuple

import numpy as np

from .batching import common_prefix_len, order_by_prefix, planned_reuse, regroup

__all__ = [
    "AUTO", "FIRST_TOKEN", "SCORING_MODES", "SEQUENCE", "argmax_option", "common_prefix_len", "first_token_ids",
    "first_token_probs", "log_softmax", "order_by_prefix", "plan_options", "planned_reuse", "regroup", "renormalise",
    "sequence_probs", "surface_variants",
]

FIRST_TOKEN = "first_token"
SEQUENCE = "sequence"
AUTO = "auto"
SCORING_MODES = (AUTO, FIRST_TOKEN, SEQUENCE)


def log_softmax(logits: np.ndarray) -> np.ndarray:
    """Numerically stable log-softmax of a logit vector.

    logits (np.ndarray): Raw scores, shape (n_vocab,).
    RETURNS (np.ndarray): Log-probabilities, float64.
    """
    logits = np.asarray(logits, dtype=np.float64)
    shifted = logits - np.max(logits)
    return shifted - np.log(np.sum(np.exp(shifted)))


def surface_variants(option: str) -> List[str]:
    """Case and leading-space variants of an option, as written first.

    option (str): The option, e.g. "yes".
    RETURNS (List[str]): Distinct variants, e.g. ["yes", " yes", "Yes", …].
    """
    stripped = option.strip()
    forms = [option, stripped, stripped.lower(), stripped[:1].upper() + stripped[1:], stripped.upper()]
    out: List[str] = []
    for form in forms:
        for variant in (form, " " + form):
            if variant and variant not in out:
                out.append(variant)
    return out


def first_token_ids(
    options: Sequence[str], tokenize: Callable[[str], List[int]]
) -> Dict[str, List[int]]:
    """The first-token ids that count for each option (first-token scoring).
    Callers make sure the options' canonical first tokens (of the options as
    written) are pairwise distinct.

    options (Sequence[str]): The allowed answers.
    tokenize (Callable[[str], List[int]]): Tokenizes a string (no BOS).
    RETURNS (Dict[str, List[int]]): Option → distinct first-token ids: its
        canonical one first, then those of its surface variants that no other
        option claims.
    """
    claims: Dict[int, set] = {}
    per_option: Dict[str, List[int]] = {}
    for option in options:
        ids: List[int] = []
        for variant in surface_variants(option):
            toks = tokenize(variant)
            if toks and toks[0] not in ids:
                ids.append(toks[0])
        per_option[option] = ids
        for tok in ids:
            claims.setdefault(tok, set()).add(option)
    return {opt: ids[:1] + [t for t in ids[1:] if len(claims[t]) == 1] for opt, ids in per_option.items()}


def plan_options(
    options: Sequence[str], tokenize: Callable[[str], List[int]], end_token: int, mode: str = AUTO
) -> Tuple[str, Dict[str, List[int]]]:
    """Decide how to score a question's options, and with which tokens.

    options (Sequence[str]): The allowed answers (at least two, distinct).
    tokenize (Callable[[str], List[int]]): Tokenizes a string (no BOS).
    end_token (int): The end-of-turn token, appended where one option's
        tokens are a proper prefix of another's (sequence scoring).
    mode (str): "auto", "first_token" or "sequence".
    RETURNS (Tuple[str, Dict[str, List[int]]]): The mode used and, per
        option, its first-token ids (first_token mode) or its full token
        sequence (sequence mode).
    """
    if mode not in SCORING_MODES:
        raise ValueError(f"option scoring must be one of {SCORING_MODES}, not {mode!r}")
    if len(set(options)) != len(options) or len(options) < 2:
        raise ValueError(f"a question needs at least two distinct options, got {tuple(options)}")
    canonical = {opt: tokenize(opt) for opt in options}
    if any(not toks for toks in canonical.values()):
        raise ValueError(f"an option tokenizes to nothing: {tuple(options)}")
    firsts = [toks[0] for toks in canonical.values()]
    distinct = len(set(firsts)) == len(firsts)
    if mode == FIRST_TOKEN and not distinct:
        raise ValueError(f"first-token scoring needs options with distinct first tokens: {tuple(options)}")
    if mode != SEQUENCE and distinct:
        return FIRST_TOKEN, first_token_ids(options, tokenize)
    seqs: Dict[str, List[int]] = {}
    for opt, toks in canonical.items():
        is_prefix = any(
            other != opt and len(o_toks) > len(toks) and o_toks[: len(toks)] == toks
            for other, o_toks in canonical.items()
        )
        seqs[opt] = toks + [end_token] if is_prefix else list(toks)
    if len({tuple(s) for s in seqs.values()}) != len(seqs):
        raise ValueError(f"options tokenize identically: {tuple(options)}")
    return SEQUENCE, seqs


def first_token_probs(logprobs: np.ndarray, ids: Dict[str, List[int]]) -> Tuple[Dict[str, float], float]:
    """Option probabilities from one next-token distribution.

    logprobs (np.ndarray): Next-token log-probabilities, shape (n_vocab,).
    ids (Dict[str, List[int]]): Option → the token ids counting for it.
    RETURNS (Tuple[Dict[str, float], float]): Option → probability
        (renormalised over the options) and the unnormalised option mass.
    """
    masses = {opt: float(np.sum(np.exp(logprobs[toks]))) if toks else 0.0 for opt, toks in ids.items()}
    return renormalise(masses)


def sequence_probs(
    seqs: Dict[str, List[int]], next_logprobs: Callable[[Tuple[int, ...]], np.ndarray]
) -> Tuple[Dict[str, float], float, int]:
    """Option probabilities as products of conditional token probabilities.

    seqs (Dict[str, List[int]]): Option → its token sequence.
    next_logprobs (Callable[[Tuple[int, ...]], np.ndarray]): Returns the
        next-token log-probabilities after the prompt followed by the given
        option tokens (the empty tuple: right after the prompt).
    RETURNS (Tuple[Dict[str, float], float, int]): Option → probability
        (renormalised), the unnormalised option mass, and how many distinct
        continuations had to be evaluated beyond the prompt.
    """
    memo: Dict[Tuple[int, ...], np.ndarray] = {}

    def dist(prefix: Tuple[int, ...]) -> np.ndarray:
        if prefix not in memo:
            memo[prefix] = next_logprobs(prefix)
        return memo[prefix]

    logps: Dict[str, float] = {}
    for opt, toks in seqs.items():
        total = 0.0
        for i, tok in enumerate(toks):
            total += float(dist(tuple(toks[:i]))[tok])
        logps[opt] = total
    top = max(logps.values())
    masses = {opt: float(np.exp(lp - top)) for opt, lp in logps.items()}
    probs, scaled_mass = renormalise(masses)
    return probs, scaled_mass * float(np.exp(top)), sum(1 for key in memo if key)


def renormalise(masses: Dict[str, float]) -> Tuple[Dict[str, float], float]:
    """Scale non-negative masses to sum to 1.

    masses (Dict[str, float]): Option → unnormalised probability.
    RETURNS (Tuple[Dict[str, float], float]): Option → probability, and the
        total mass before scaling. All-zero masses give a uniform distribution.
    """
    total = float(sum(masses.values()))
    if total <= 0.0 or not np.isfinite(total):
        return {opt: 1.0 / len(masses) for opt in masses}, total
    return {opt: m / total for opt, m in masses.items()}, total


def argmax_option(probs: Dict[str, float], options: Sequence[str]) -> str:
    """The most probable option; ties go to the earlier option.

    probs (Dict[str, float]): Option → probability.
    options (Sequence[str]): The options in their given order.
    RETURNS (str): The chosen option.
    """
    return max(options, key=lambda opt: (probs[opt], -options.index(opt)))
