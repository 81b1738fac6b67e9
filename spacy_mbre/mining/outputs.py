"""The outputs of a mining run: the mined docs restored from the journal in
input order, written as ``mined.spacy`` and ``mined.jsonl``, their summed
accounting and their scores against the hidden gold."""

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterable, List, Optional, Sequence, Set, Tuple

from spacy.tokens import Doc

from ..data.keys import MINING_KEY
from ..data.readers.corpus import write_docs
from ..data.relations import PairKey, RelationRecord, pair_key, relation_from_record, set_relations
from ..data.schema import Schema
from ..pairs.options import mining_pairs
from .prepare import JournalEntry, Prepared
from .report import MiningSummary, StageStats, add_stats

if TYPE_CHECKING:
    from ..scoring.mined import GoldScores


def restore(item: Prepared, entry: JournalEntry) -> Doc:
    """Put a journal entry's answers and relations on its (prepared) doc.

    item (Prepared): The prepared doc.
    entry (JournalEntry): Its journal entry.
    RETURNS (Doc): The doc as written to the outputs.
    """
    doc = item.doc
    doc.user_data[MINING_KEY] = entry["mining"]
    set_relations(doc, [relation_from_record(doc, r) for r in entry["relations"]])
    return doc


def score_mined(
    items: Sequence[Tuple[Prepared, List[RelationRecord]]], schema: Schema
) -> Optional["GoldScores"]:
    """Micro P/R/F1 of mined relations against the hidden gold, over the
    pairs that were mined ("no relation" excluded; gold relations of pairs
    that were not asked about are not counted); see
    :func:`spacy_mbre.scoring.mined.score_mined_records`.

    items (Sequence[Tuple[Prepared, List[RelationRecord]]]): Docs with their
        mined relation records.
    schema (Schema): The schema.
    RETURNS (Optional[GoldScores]): The scores, or None without gold.
    """
    from ..scoring.mined import score_mined_records

    if not any(item.gold for item, _ in items):
        return None
    return score_mined_records(((asked_keys(item.doc, schema), item.gold, mined) for item, mined in items), schema)


def asked_keys(doc: Doc, schema: Schema) -> Set[PairKey]:
    """doc (Doc): A mined doc.
    schema (Schema): The schema.
    RETURNS (Set[PairKey]): The keys of the pairs mining asked about, in both directions.
    """
    asked: Set[PairKey] = set()
    for p in mining_pairs(doc, schema):
        asked.add(p.key)
        if p.tail is not None:
            asked.add(pair_key(p.tail, p.head))
    return asked


def _candidate_pair(record: RelationRecord, schema: Schema) -> Tuple[Tuple[int, ...], ...]:
    """The candidate pair a mined record labels: with expanded directions
    (SemEval) an ``X(e2,e1)`` record has head and tail swapped but labels the
    same text-ordered pair."""
    ends = (tuple(record["head"][:2]), tuple(record["tail"][:2]) if record["tail"] is not None else ())
    return tuple(sorted(ends)) if schema.expand_directions else ends


def write_outputs(
    prepared: Sequence[Prepared],
    entries: Dict[int, JournalEntry],
    schema: Schema,
    output_dir: Path,
    write_jsonl: Callable[[Iterable[Doc], Path], Any],
) -> Tuple[MiningSummary, Optional["GoldScores"]]:
    """Write mined.spacy and mined.jsonl from the journal, in input order.

    prepared (Sequence[Prepared]): The docs.
    entries (Dict[int, JournalEntry]): Journal entries by input index.
    schema (Schema): The schema.
    output_dir (Path): The output directory.
    write_jsonl (Callable): Writes docs as JSONL.
    RETURNS (Tuple[MiningSummary, Optional[GoldScores]]): The summed
        accounting and label distribution, and the gold scores (or None).
    """
    docs: List[Doc] = []
    stages: StageStats = {}
    labels: Counter = Counter()
    pairs_with_relation = 0
    scored: List[Tuple[Prepared, List[RelationRecord]]] = []
    for item in prepared:
        entry = entries[item.i]
        doc = restore(item, entry)
        docs.append(doc)
        for stage, counts in entry["stats"].items():
            add_stats(stages, stage, counts)
        for record in entry["relations"]:
            labels[record["label"]] += 1
        pairs_with_relation += len({_candidate_pair(r, schema) for r in entry["relations"]})
        scored.append((item, entry["relations"]))
    write_docs(docs, output_dir / "mined.spacy")
    write_jsonl(docs, output_dir / "mined.jsonl")
    n_pairs = sum(item.n_pairs for item in prepared)
    summary: MiningSummary = {
        "docs": len(prepared),
        "pairs": n_pairs,
        "stages": stages,
        "mined": {
            "relations": sum(labels.values()),
            "pairs_with_relation": pairs_with_relation,
            "no_relation_pairs": n_pairs - pairs_with_relation,
            "labels": dict(sorted(labels.items(), key=lambda kv: (-kv[1], kv[0]))),
        },
    }
    return summary, score_mined(scored, schema)
