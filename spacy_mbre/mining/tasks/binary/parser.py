"""Parsing binary verification answers (strict: "yes" or "no" after
:func:`~spacy_mbre.mining.tasks.base.normalise_answer`, case-insensitive;
anything else is unparseable)."""
from typing import Any, Dict, Optional

from ...record import NO, YES, BinEntry
from ..base import normalise_answer, option_mass


def parse_yes_no(answer: str) -> Optional[str]:
    """answer (str): The model's answer.
    RETURNS (Optional[str]): "yes", "no", or None if unparseable.
    """
    text = normalise_answer(answer).lower()
    return text if text in (YES, NO) else None


def parse_binary(option: str, answer: Any) -> BinEntry:
    """option (str): The option the question verified.
    answer (Any): The model's answer (an Answer with probs, or a str).
    RETURNS (BinEntry): The stored entry (see spacy_mbre.mining.record).
    """
    probs: Optional[Dict[str, float]] = getattr(answer, "probs", None)
    return {
        "option": option,
        "answer": str(answer),
        "choice": parse_yes_no(answer),
        "p_yes": float(probs.get(YES, 0.0)) if probs is not None else None,
        "mass": option_mass(answer) if probs is not None else None,
    }
