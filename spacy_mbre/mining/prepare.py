"""The per-doc data of a mining run: the input docs prepared for mining (gold
hidden, candidate pairs fixed, the pair limit applied) and the journal entry
each mined doc becomes."""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Iterator, List, Optional, TypedDict

from spacy.tokens import Doc, Span

from ..data.relations import Pair, RelationRecord, get_relations, relation_to_record, set_pairs, set_relations
from ..data.schema import TYPING, Schema
from ..llm.journal import doc_fingerprint
from ..pairs import PairCounts
from ..pairs.options import mining_pairs
from .record import clear as clear_record
from .report import StageStats

if TYPE_CHECKING:
    from .record import MiningRecord


HIDDEN_LABEL = "ENT"


class JournalEntry(TypedDict):
    """One mined doc as the journal (``journal.jsonl``) holds it.

    i (int): The doc's index in the input.
    doc (str): Its fingerprint (see journal.doc_fingerprint).
    mining (MiningRecord): Its stage answers (see :mod:`.record`).
    relations (List[RelationRecord]): The mined relation records.
    stats (StageStats): Its per-stage accounting.
    """

    i: int
    doc: str
    mining: "MiningRecord"
    relations: List[RelationRecord]
    stats: StageStats


@dataclass
class Prepared:
    """One input doc ready for mining.

    i (int): Its index in the input.
    doc (Doc): The doc, gold hidden, candidate pairs fixed.
    gold (List[RelationRecord]): Its hidden gold relation records.
    fingerprint (str): See journal.doc_fingerprint.
    """

    i: int
    doc: Doc
    gold: List[RelationRecord]
    fingerprint: str = ""
    n_pairs: int = field(default=0)


def prepare_docs(
    docs: Iterable[Doc], schema: Schema, limit: Optional[int] = None, counts: Optional[PairCounts] = None
) -> Iterator[Prepared]:
    """docs (Iterable[Doc]): Input docs with entities (and maybe gold).
    schema (Schema): The schema.
    limit (Optional[int]): Max number of pairs in total (the last doc's pairs
        are cut); None = all.
    counts (Optional[PairCounts]): Filled with each doc's number of candidate
        pairs under the schema (before the limit), so that docs with entities
        but no pair are reported.
    YIELDS (Prepared): The docs in input order.
    """
    remaining = limit
    for i, doc in enumerate(docs):
        if remaining is not None and remaining <= 0:
            break
        gold = [relation_to_record(r) for r in get_relations(doc) if r.source == "gold"]
        pairs = mining_pairs(doc, schema)
        if counts is not None:
            counts.add(doc, len(pairs))
        if schema.kind == TYPING:
            doc.ents = [Span(doc, e.start, e.end, label=HIDDEN_LABEL) for e in doc.ents]
            pairs = [Pair(Span(doc, p.head.start, p.head.end, label=HIDDEN_LABEL)) for p in pairs]
        set_relations(doc, [])
        clear_record(doc)
        if remaining is not None:
            pairs = pairs[:remaining]
            remaining -= len(pairs)
        set_pairs(doc, pairs)
        yield Prepared(i, doc, gold, doc_fingerprint(doc), len(pairs))
