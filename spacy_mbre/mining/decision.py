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

**The combined rule** (``rule="combined"``, for the classifier proposer):
every *verified* option of the pair — answered yes or no — gets the score

    s(o) = P_yes(o) ** (1 - alpha) * P_clf(o) ** alpha

a weighted geometric mean of the judge's normalised P(yes) for o and the
classifier proposer's probability of o (alpha = 0: the judge alone; 1: the
classifier alone). The ``max_labels`` best options with s ≥ ``theta`` are
kept. Options without a classifier probability (proposed only by the groups)
use ``P_clf = 1 - P(no relation)``; an answer without probabilities counts
as P_yes = 1 for "yes" and 0 otherwise. ``theta`` and ``alpha`` are not
meant to be set by hand: ``python -m spacy_mbre calibrate`` fits them on
the few-shot gold (:mod:`spacy_mbre.mining.calibration`).

Note: with the shipped Qwen2.5-Coder-1.5B the yes/no tokens take 95–99% of the
next-token mass and a "yes" answer means P(yes) > P(no), so even the raw
confidence of a "yes" is above ~0.48: the paper's θ = 0.01 keeps every
candidate. θ starts to filter above 0.5 (see the θ sweep in the benchmarks).

The θ sweep over stored answers is in :mod:`spacy_mbre.mining.sweep`.
"""
from dataclasses import asdict, dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ..errors import ConfigError
from .record import BIN, CLF, MC, NONE, YES, PairRecord

NO_PROB_POLICIES = ("all", "none")
PAPER = "paper"
COMBINED = "combined"
RULES = (PAPER, COMBINED)
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


def candidates(record: PairRecord, confidence: str = RAW) -> List[Candidate]:
    """record (PairRecord): A pair's stored stage answers.
    confidence (str): "raw" or "normalised" (see the module docs).
    RETURNS (List[Candidate]): (option name, confidence or None) in order.
    """
    if confidence not in CONFIDENCES:
        raise ValueError(f"confidence must be one of {CONFIDENCES}, not {confidence!r}")
    if BIN in record:
        return [
            (e["option"], confidence_of(e.get("p_yes"), e.get("mass"), confidence))
            for e in record[BIN]
            if e.get("choice") == YES
        ]
    out: List[Candidate] = []
    for entry in record.get(MC, []):
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


@dataclass(frozen=True)
class DecisionRule:
    """The Label Decision's settings.

    rule (str): "paper" (M-BRe's rule, above) or "combined".
    theta (float): The threshold (paper: for several "yes"; combined: on s).
    min_confidence (float): Paper rule: threshold for a single "yes".
    no_prob_policy (str): Paper rule: several "yes" without probabilities.
    confidence (str): Paper rule: "raw" or "normalised".
    alpha (float): Combined rule: the classifier's weight in s, in [0, 1].
    max_labels (int): Combined rule: labels kept per pair (at most).
    """

    rule: str = PAPER
    theta: float = 0.01
    min_confidence: float = 0.0
    no_prob_policy: str = "all"
    confidence: str = RAW
    alpha: float = 0.5
    max_labels: int = 1

    def __post_init__(self) -> None:
        if self.rule not in RULES:
            raise ConfigError(f"The decision rule must be one of {RULES}, got {self.rule!r}.")
        if self.no_prob_policy not in NO_PROB_POLICIES:
            raise ConfigError(f"no_prob_policy must be one of {NO_PROB_POLICIES}, got {self.no_prob_policy!r}.")
        if self.confidence not in CONFIDENCES:
            raise ConfigError(f"confidence must be one of {CONFIDENCES}, got {self.confidence!r}.")
        for name in ("theta", "min_confidence", "alpha"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ConfigError(f"{name} must be in [0, 1], got {getattr(self, name)}.")
        if self.max_labels < 1:
            raise ConfigError(f"max_labels must be >= 1, got {self.max_labels}.")

    def to_dict(self) -> Dict[str, Any]:
        """RETURNS (Dict[str, Any]): The settings."""
        return asdict(self)


def combined_scores(record: PairRecord, alpha: float) -> List[Candidate]:
    """record (PairRecord): A pair's stored stage answers.
    alpha (float): The classifier's weight.
    RETURNS (List[Candidate]): Every verified option with its combined score
        s (see the module docs), best first (ties: question order).
    """
    clf = (record.get(CLF) or [{}])[0]
    probs = clf.get("probs") or {}
    none = clf.get("none")
    out: List[Candidate] = []
    for entry in record.get(BIN, []):
        name = entry["option"]
        p_yes = entry.get("p_yes")
        if p_yes is None:
            p_yes = 1.0 if entry.get("choice") == YES else 0.0
        p_clf = probs.get(name)
        if p_clf is None:
            p_clf = 1.0 - float(none) if none is not None else 1.0
        score = float(p_yes) ** (1.0 - alpha) * float(p_clf) ** alpha
        out.append((name, score))
    order = sorted(range(len(out)), key=lambda i: (-(out[i][1] or 0.0), i))
    return [out[i] for i in order]


def decide_record(record: PairRecord, rule: DecisionRule) -> List[Candidate]:
    """record (PairRecord): A pair's stored stage answers.
    rule (DecisionRule): The settings.
    RETURNS (List[Candidate]): The kept options with their scores.
    """
    if rule.rule == COMBINED:
        kept = [(name, score) for name, score in combined_scores(record, rule.alpha) if (score or 0.0) >= rule.theta]
        return kept[: rule.max_labels]
    return decide(candidates(record, rule.confidence), rule.theta, rule.min_confidence, rule.no_prob_policy)


_SWEEP_NAMES = ("THETAS", "SWEEP_RULES", "SweepRow", "ThetaSweep", "theta_sweep")


def __getattr__(name: str) -> Any:
    """The θ sweep's names, importable from here as before they moved to
    :mod:`spacy_mbre.mining.sweep` (imported lazily: the sweep imports this
    module).

    name (str): The attribute.
    RETURNS (Any): The sweep's attribute of that name.
    """
    if name in _SWEEP_NAMES:
        from . import sweep

        return getattr(sweep, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
