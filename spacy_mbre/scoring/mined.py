"""Scoring of mined labels against the hidden gold, in relation-record form
(the ``head``/``tail``/``label`` dicts of the mining journal), and the
``{"p", "r", "f1", "tp", "fp", "fn"}`` form that ``mine``'s report.json,
calibration and the benchmarks share. Counting is spaCy's :class:`PRFScore`.
"""
from collections import Counter
from typing import Any, Dict, Iterable, Optional, Sequence, Set, Tuple, TypedDict

from spacy.scorer import PRFScore

from ..data.relations import PairKey, RelationRecord
from ..data.schema import Schema

# (head start, head end, tail start, tail end, label); tail (-1, -1) in typing mode.
MinedKey = Tuple[Any, ...]
# One scored doc: the pair keys asked about (both directions), its gold and
# its mined relation records.
MinedItem = Tuple[Set[PairKey], Sequence[RelationRecord], Sequence[RelationRecord]]


class PRF(TypedDict):
    """Precision, recall and F1 with their counts."""

    p: float
    r: float
    f1: float
    tp: int
    fp: int
    fn: int


class GoldScores(TypedDict):
    """Mined labels against the hidden gold: micro and per label."""

    micro: PRF
    per_label: Dict[str, PRF]


def prf(tp: int, fp: int, fn: int, digits: Optional[int] = 4) -> PRF:
    """tp (int): True positives. fp (int): False positives. fn (int): False negatives.
    digits (Optional[int]): Round p, r and f1 to this many digits; None = no rounding.
    RETURNS (PRF): p, r, f1 (0.0 where undefined), tp, fp, fn.
    """
    return prf_of(PRFScore(tp=tp, fp=fp, fn=fn), digits)


def prf_of(score: PRFScore, digits: Optional[int] = 4) -> PRF:
    """score (PRFScore): Counts.
    digits (Optional[int]): Round p, r and f1 to this many digits; None = no rounding.
    RETURNS (PRF): p, r, f1, tp, fp, fn.
    """
    values = (score.precision, score.recall, score.fscore)
    p, r, f1 = (round(v, digits) for v in values) if digits is not None else values
    return {"p": p, "r": r, "f1": f1, "tp": score.tp, "fp": score.fp, "fn": score.fn}


def mined_key(record: RelationRecord, schema: Schema) -> MinedKey:
    """record (RelationRecord): A relation record (head, tail, label).
    schema (Schema): The schema.
    RETURNS (MinedKey): Its key; an undirected label's ends in text order.
    """
    head = tuple(record["head"][:2])
    tail = tuple(record["tail"][:2]) if record.get("tail") is not None else (-1, -1)
    label = record["label"]
    if label in schema and not schema.get(label).directed and tail < head:
        head, tail = tail, head
    return (*head, *tail, label)


def score_mined_records(items: Iterable[MinedItem], schema: Schema) -> GoldScores:
    """Micro and per-label P/R/F1 of mined relation records against gold
    records, over the pairs that were asked about ("no relation" excluded;
    gold relations of pairs that were not asked about, or with labels outside
    the schema, are not counted).

    items (Iterable[MinedItem]): Per doc: the asked pair keys, the gold and
        the mined records.
    schema (Schema): The schema.
    RETURNS (GoldScores): The scores, rounded to 4 digits.
    """
    micro = PRFScore()
    per_label: Dict[str, Counter] = {}
    for asked, gold_records, mined in items:
        gold = set()
        for r in gold_records:
            if r["label"] not in schema:
                continue
            tail = r.get("tail")
            key = (r["head"][0], r["head"][1], tail[0] if tail else -1, tail[1] if tail else -1)
            if key in asked:
                gold.add(mined_key(r, schema))
        pred = {mined_key(r, schema) for r in mined}
        for key in pred | gold:
            counts = per_label.setdefault(key[-1], Counter())
            outcome = "tp" if key in pred and key in gold else "fp" if key in pred else "fn"
            counts[outcome] += 1
            setattr(micro, outcome, getattr(micro, outcome) + 1)
    return {
        "micro": prf_of(micro),
        "per_label": {k: prf(c["tp"], c["fp"], c["fn"]) for k, c in sorted(per_label.items())},
    }
