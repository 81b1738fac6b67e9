"""Calibration of the Label Decision on the few-shot gold.

The paper fixes θ = 0.01; with a small judge that filters nothing (every
"yes" has P(yes) > 0.5). Instead, the decision's parameters are *fitted*:
the few-shot gold is split into k folds; each fold is mined — gold hidden —
with the same settings as the pool, taking its in-context examples (and, for
the classifier proposer, a proposer trained) from the other folds only; the
combined rule's ``alpha`` and ``theta`` (:mod:`spacy_mbre.mining.decision`)
are then chosen on these out-of-fold answers, where the gold is known:

* ``objective="f1"``: the micro-F1 of the kept labels is maximal;
* ``objective="precision"``: the recall is maximal among the settings whose
  precision reaches ``target_precision`` (if none does: the best F1, and
  the result says so).

Ties go to the larger theta. No test data is involved. The result is
written as ``calibration.json`` and read by ``mine --calibration``; the grid
of every (alpha, theta) tried is kept in it.
"""
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Set, Tuple, TypedDict, Union

import srsly

from ..errors import ConfigError
from ..scoring.mined import PRF, prf
from .decision import COMBINED, combined_scores
from .record import PairRecord

ALPHAS = (0.0, 0.25, 0.5, 0.75, 1.0)
OBJECTIVES = ("f1", "precision")

# One calibration pair: its stored stage answers and its gold options (empty = no relation).
Item = Tuple[PairRecord, Set[str]]


class FittedDecision(TypedDict):
    """The Label Decision a calibration chose (fields of ``StrategySettings``)."""

    rule: str
    theta: float
    alpha: float
    max_labels: int


class CalibrationSummary(TypedDict):
    """What ``mine --calibration`` records of a calibration in report.json's settings."""

    decision: FittedDecision
    objective: str
    target_precision: Optional[float]
    reached: bool
    calibration_scores: Dict[str, float]
    n_pairs: int
    n_gold: int


@dataclass
class Calibration:
    """A fitted Label Decision.

    decision (FittedDecision): rule, theta, alpha, max_labels.
    objective (str): "f1" or "precision".
    target_precision (Optional[float]): The precision target, if any.
    reached (bool): Whether the target was reached (always True for "f1").
    scores (Dict[str, float]): p, r, f1 of the chosen setting on the calibration pairs.
    n_pairs (int): Calibration pairs.
    n_gold (int): Their gold labels.
    grid (List[Dict[str, float]]): The best setting per alpha.
    origin (Dict[str, Any]): How the calibration data was made (folds, settings).
    """

    decision: FittedDecision
    objective: str
    target_precision: Optional[float]
    reached: bool
    scores: Dict[str, float]
    n_pairs: int
    n_gold: int
    grid: List[Dict[str, float]] = field(default_factory=list)
    origin: Dict[str, Any] = field(default_factory=dict)

    def summary(self) -> CalibrationSummary:
        """RETURNS (CalibrationSummary): What ``mine`` records of it in report.json."""
        return {"decision": self.decision, "objective": self.objective, "target_precision": self.target_precision,
                "reached": self.reached, "calibration_scores": self.scores, "n_pairs": self.n_pairs,
                "n_gold": self.n_gold}


def evaluate(items: Sequence[Item], alpha: float, theta: float, max_labels: int = 1) -> PRF:
    """items (Sequence[Item]): Calibration pairs.
    alpha (float): The classifier's weight.
    theta (float): The threshold.
    max_labels (int): Labels kept per pair.
    RETURNS (PRF): p, r, f1 (not rounded), tp, fp, fn of the kept labels.
    """
    tp = fp = fn = 0
    for record, gold in items:
        kept = {name for name, s in combined_scores(record, alpha)[:max_labels] if (s or 0.0) >= theta}
        tp += len(kept & gold)
        fp += len(kept - gold)
        fn += len(gold - kept)
    return prf(tp, fp, fn, digits=None)


def fit_decision(
    items: Sequence[Item],
    alphas: Sequence[float] = ALPHAS,
    objective: str = "f1",
    target_precision: float = 0.6,
    max_labels: int = 1,
) -> Calibration:
    """Choose alpha and theta of the combined rule on calibration pairs.

    items (Sequence[Item]): Calibration pairs (record, gold options).
    alphas (Sequence[float]): The alphas to try (use (0.0,) without a
        classifier proposer: the score is then the judge's P(yes)).
    objective (str): "f1" or "precision" (see the module docs).
    target_precision (float): The precision target of "precision".
    max_labels (int): Labels kept per pair.
    RETURNS (Calibration): The fitted decision.
    """
    if objective not in OBJECTIVES:
        raise ConfigError(f"objective must be one of {OBJECTIVES}, got {objective!r}.")
    n_gold = sum(len(gold) for _, gold in items)
    if not items or not n_gold:
        raise ConfigError("Calibration needs mined pairs with gold labels; the calibration set has none.")
    best: Optional[Tuple[Tuple[float, ...], float, float, Dict[str, float]]] = None
    grid: List[Dict[str, float]] = []
    for alpha in alphas:
        thetas = sorted({round(s or 0.0, 6) for record, _ in items for _, s in combined_scores(record, alpha)})
        best_alpha: Optional[Tuple[Tuple[float, ...], float, Dict[str, float]]] = None
        for theta in thetas:
            if theta <= 0.0:
                continue
            scores = evaluate(items, alpha, theta, max_labels)
            reached = scores["p"] >= target_precision
            if objective == "precision":
                key: Tuple[float, ...] = (float(reached), scores["r"] if reached else scores["f1"], theta)
            else:
                key = (1.0, scores["f1"], theta)
            if best_alpha is None or key > best_alpha[0]:
                best_alpha = (key, theta, scores)
            if best is None or key > best[0]:
                best = (key, alpha, theta, scores)
        if best_alpha is not None:
            grid.append({"alpha": alpha, "theta": best_alpha[1], **best_alpha[2]})
    if best is None:
        raise ConfigError("Calibration found no verified option with a positive score.")
    key, alpha, theta, scores = best
    return Calibration(
        decision={"rule": COMBINED, "theta": theta, "alpha": alpha, "max_labels": max_labels},
        objective=objective,
        target_precision=target_precision if objective == "precision" else None,
        reached=bool(key[0]) if objective == "precision" else True,
        scores=scores,
        n_pairs=len(items),
        n_gold=n_gold,
        grid=grid,
    )


def write_calibration(path: Union[str, Path], calibration: Calibration) -> None:
    """path (Union[str, Path]): The JSON file. calibration (Calibration): The result."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    srsly.write_json(path, asdict(calibration))


def read_calibration(path: Union[str, Path]) -> Calibration:
    """path (Union[str, Path]): A calibration.json written by ``calibrate``.
    RETURNS (Calibration): The fitted decision.
    RAISES (ConfigError): The file is missing or not a calibration.
    """
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"No calibration file at {path}: run `python -m spacy_mbre calibrate` first.")
    try:
        data = srsly.read_json(path)
        return Calibration(**data)
    except (ValueError, TypeError) as err:
        raise ConfigError(f"{path}: not a calibration written by `calibrate` ({err}).") from None
