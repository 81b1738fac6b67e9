"""The θ sweep (behind ``python -m spacy_mbre report`` and
``bench/theta_sweep.py``): the Label Decision
(:mod:`spacy_mbre.mining.decision`) re-run on the stage answers stored in
``mined.spacy`` for a grid of thresholds, the mined labels scored against the
gold of the pool docs they were mined from (same order; ``mine`` keeps the
input order). Two rules are swept: "theta" (the paper's: θ only filters pairs
with several "yes" labels) and "theta_all" (θ also filters a single "yes",
i.e. ``min_confidence = θ``).
"""
from typing import Any, Dict, List, Optional, Sequence, TypedDict

from spacy.tokens import Doc

from ..data.relations import get_relations, relation_to_record
from ..data.schema import Schema
from ..errors import ConfigError
from .decision import candidates
from .record import pair_records

THETAS = (0.0, 0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99)
SWEEP_RULES = ("theta", "theta_all")


class SweepRow(TypedDict):
    """One θ of a sweep: the mined labels' scores (None without gold) and count."""

    theta: float
    p: Optional[float]
    r: Optional[float]
    f1: Optional[float]
    mined: int


class _ThetaSweepFields(TypedDict):
    thetas: List[float]
    confidence: str
    pairs_with_several_scored_yes: int
    theta: List[SweepRow]
    theta_all: List[SweepRow]


class ThetaSweep(_ThetaSweepFields, total=False):
    """A θ sweep (see :func:`theta_sweep`); ``report`` adds where it came from.

    thetas (List[float]): The thresholds. confidence (str): "raw" or "normalised".
    pairs_with_several_scored_yes (int): Pairs where the paper's θ applies.
    theta (List[SweepRow]): θ on several "yes" (the paper's rule).
    theta_all (List[SweepRow]): θ on every "yes".
    source (str), gold (str): The mined and gold docs' files.
    strategy (str): The mining strategy.
    """

    source: str
    gold: str
    strategy: str


def theta_sweep(
    mined_docs: Sequence[Doc],
    gold_docs: Sequence[Doc],
    schema: Schema,
    no_prob_policy: str = "all",
    thetas: Sequence[float] = THETAS,
    confidence: str = "raw",
) -> ThetaSweep:
    """Re-run the Label Decision over stored stage answers for each θ and
    score the result against the gold (see the module docs).

    mined_docs (Sequence[Doc]): ``mined.spacy`` docs with their stage answers.
    gold_docs (Sequence[Doc]): The pool docs they were mined from, in order
        (at least as many; extra docs are ignored).
    schema (Schema): The schema.
    no_prob_policy (str): As in the mining run.
    thetas (Sequence[float]): The thresholds.
    confidence (str): "raw" or "normalised", as in the mining run.
    RETURNS (ThetaSweep): "thetas", "confidence",
        "pairs_with_several_scored_yes" (pairs with several "yes" answers,
        all scored) and per rule a list of {"theta", "p", "r", "f1", "mined"}.
    """
    from .decider import LabelDecider
    from .miner import Prepared, score_mined

    if len(gold_docs) < len(mined_docs):
        raise ConfigError(f"θ sweep: {len(mined_docs)} mined docs but only {len(gold_docs)} gold docs.")
    gold = [[relation_to_record(r) for r in get_relations(doc, source="gold")] for doc in gold_docs[: len(mined_docs)]]
    for i, (mined, ref) in enumerate(zip(mined_docs, gold_docs)):
        if mined.text != ref.text:
            raise ConfigError(f"θ sweep: mined doc {i} does not match gold doc {i}; pass the pool `mine` read.")
    several = 0
    for doc in mined_docs:
        for record in pair_records(doc).values():
            cands = candidates(record, confidence)
            if len(cands) > 1 and all(score is not None for _, score in cands):
                several += 1
    out: Dict[str, Any] = {"thetas": list(thetas), "confidence": confidence, "pairs_with_several_scored_yes": several}
    for rule in SWEEP_RULES:
        rows: List[SweepRow] = []
        for theta in thetas:
            decider = LabelDecider(
                "sweep", schema, theta=theta, min_confidence=theta if rule == "theta_all" else 0.0,
                no_prob_policy=no_prob_policy, confidence=confidence,
            )
            items = []
            n_mined = 0
            for i, (doc, gold_records) in enumerate(zip(mined_docs, gold)):
                mined = [relation_to_record(r) for r in decider.decide(doc)]
                n_mined += len(mined)
                items.append((Prepared(i, doc, gold_records), mined))
            scores = score_mined(items, schema)
            micro: Dict[str, Any] = dict(scores["micro"]) if scores is not None else {}
            rows.append({"theta": theta, "p": micro.get("p"), "r": micro.get("r"), "f1": micro.get("f1"),
                         "mined": n_mined})
        out[rule] = rows
    return out  # type: ignore[return-value]
