"""Parsing grouped multi-class answers and proposing options for the binary
stage.

Parsing is strict: after :func:`~spacy_mbre.mining.tasks.base.normalise_answer`
the answer must equal an option key (exactly, or case-insensitively if that is
unambiguous) or "none"; anything else is unparseable (None) and counted.
"""
from typing import Dict, List, Optional, Sequence

from ...record import NONE
from ..base import normalise_answer


def parse_choice(answer: str, allowed: Sequence[str]) -> Optional[str]:
    """answer (str): The model's answer.
    allowed (Sequence[str]): The allowed answers (option keys and "none").
    RETURNS (Optional[str]): The allowed answer given, or None if unparseable.
    """
    text = normalise_answer(answer)
    if text in allowed:
        return text
    folded = [a for a in allowed if a.lower() == text.lower()]
    return folded[0] if len(folded) == 1 else None


def propose(
    choice: Optional[str],
    probs: Optional[Dict[str, float]],
    names: Sequence[str],
    max_proposals: int = 1,
    min_option_prob: float = 0.05,
    none_cutoff: float = 0.5,
) -> List[str]:
    """The options a group proposes for binary verification.

    With option probabilities (the proposer is meant for high recall; the
    binary stage filters): nothing if P(none) ≥ ``none_cutoff``; otherwise the
    group's options ranked by probability, those with probability ≥
    ``min_option_prob``, at most ``max_proposals`` — even when "none" was the
    single most likely answer. Without probabilities: the parsed answer
    unless it is "none". An unparseable answer proposes nothing.

    choice (Optional[str]): The parsed answer (an option name, "none" or None).
    probs (Optional[Dict[str, float]]): Option name → probability, incl. "none".
    names (Sequence[str]): The group's option names, in order.
    max_proposals (int): Max options proposed per group.
    min_option_prob (float): Min probability of a proposed option.
    none_cutoff (float): P("none") at or above which nothing is proposed.
    RETURNS (List[str]): Proposed option names.
    """
    if choice is None:
        return []
    if probs is None:
        return [] if choice == NONE else [choice]
    if probs.get(NONE, 0.0) >= none_cutoff:
        return []
    ranked = sorted(names, key=lambda n: (-probs.get(n, 0.0), names.index(n)))
    return [n for n in ranked if probs.get(n, 0.0) >= min_option_prob][:max_proposals]
