"""The Label Decision (M-BRe module 3), as pure functions over the stage
answers stored on a Doc (see :mod:`spacy_mbre.mining.record`).

Per pair, the *candidates* are the options answered "yes" by the binary stage
(or, when no binary stage ran — the ``multiclass`` strategy — the groups'
non-"none" answers), each with a confidence: P("yes") of the binary question,
or the probability of the chosen option. ``confidence`` says which one:

* "raw" (default, the paper's): the answer's probability under the model's
  whole next-token distribution, i.e. the renormalised option probability
  times the option mass the model reported; where a model reports no mass,
  the renormalised probability is used;
* "normalised": the probability renormalised over the question's options
  (P(yes) / (P(yes) + P(no))), so every "yes" has a confidence above 0.5.

* no candidate → no relation;
* one candidate → kept, unless its confidence is below ``min_confidence``;
* several → those with confidence ≥ ``theta`` (the paper: θ = 0.01).

The confidence becomes the relation's ``score``.

Without probabilities (plain spacy-llm models return text only) the score is
None; one candidate is kept (``min_confidence`` cannot apply), and several
are resolved by ``no_prob_policy``: "all" keeps them all (what a small θ such
as the paper's 0.01 does in practice) and "none" treats the ambiguity as no
relation (for precision). If any candidate of a pair lacks a probability, the
pair is decided as if none had one.

Note: with the shipped Qwen2.5-Coder-1.5B the yes/no tokens take 95–99% of the
next-token mass and a "yes" answer means P(yes) > P(no), so even the raw
confidence of a "yes" is above ~0.48: the paper's θ = 0.01 keeps every
candidate. θ starts to filter above 0.5 (see the θ sweep in the benchmarks).
"""
from typing import Any, Dict, List, Optional, Sequence, Tuple

from .tasks.binary.parser import YES
from .tasks.multiclass.parser import NONE

NO_PROB_POLICIES = ("all", "none")
RAW = "raw"
NORMALISED = "normalised"
CONFIDENCES = (RAW, NORMALISED)
Candidate = Tuple[str, Optional[float]]


def confidence_of(prob: Optional[float], mass: Optional[float], confidence: str = RAW) -> Optional[float]:
    """prob (Optional[float]): The option's renormalised probability.
    mass (Optional[float]): The option mass the model reported, if any.
    confidence (str): "raw" or "normalised".
    RETURNS (Optional[float]): The confidence (None without a probability).
    """
    if prob is None:
        return None
    if confidence == RAW and mass is not None:
        return float(prob) * float(mass)
    return float(prob)


def candidates(record: Dict[str, Any], confidence: str = RAW) -> List[Candidate]:
    """record (Dict[str, Any]): A pair's stored stage answers.
    confidence (str): "raw" or "normalised" (see the module docs).
    RETURNS (List[Candidate]): (option name, confidence or None) in order.
    """
    if confidence not in CONFIDENCES:
        raise ValueError(f"confidence must be one of {CONFIDENCES}, not {confidence!r}")
    if "bin" in record:
        return [
            (e["option"], confidence_of(e.get("p_yes"), e.get("mass"), confidence))
            for e in record["bin"]
            if e.get("choice") == YES
        ]
    out: List[Candidate] = []
    for entry in record.get("mc", []):
        choice = entry.get("choice")
        if choice is None or choice == NONE:
            continue
        probs = entry.get("probs")
        prob = float(probs[choice]) if probs is not None and choice in probs else None
        out.append((choice, confidence_of(prob, entry.get("mass"), confidence)))
    return out


def decide(
    cands: Sequence[Candidate],
    theta: float = 0.01,
    min_confidence: float = 0.0,
    no_prob_policy: str = "all",
) -> List[Candidate]:
    """cands (Sequence[Candidate]): The pair's candidates.
    theta (float): Threshold when several candidates remain.
    min_confidence (float): Threshold for a single candidate.
    no_prob_policy (str): "all" or "none" (several candidates, no probabilities).
    RETURNS (List[Candidate]): The kept options with their scores.
    """
    if not cands:
        return []
    has_probs = all(score is not None for _, score in cands)
    if len(cands) == 1:
        name, score = cands[0]
        if score is not None and score < min_confidence:
            return []
        return [(name, score)]
    if not has_probs:
        return [(name, None) for name, _ in cands] if no_prob_policy == "all" else []
    return [(name, score) for name, score in cands if score is not None and score >= theta]
