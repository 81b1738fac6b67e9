"""The data model's types: :class:`Pair` (a candidate pair, or a single span in
the typing mode), :class:`Relation`, and the record a relation is stored as
(:class:`RelationRecord`, token offsets that survive ``DocBin``); see
:mod:`.relations`."""

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple, TypedDict

from spacy.tokens import Doc, Span

# A span stored as (start token, end token, label) — all msgpack-friendly.
SpanKey = Tuple[int, int, str]
PairKey = Tuple[int, int, int, int]


class _RelationRecordFields(TypedDict):
    head: List[Any]
    tail: Optional[List[Any]]
    label: str
    score: Optional[float]
    source: str


class RelationRecord(_RelationRecordFields, total=False):
    """A :class:`Relation` as stored (msgpack- and JSON-safe): what
    :func:`relation_to_record` writes and the mining journal and report keep.

    head (List[Any]): [start token, end token, label] of the head span.
    tail (Optional[List[Any]]): The same for the tail; None for an entity type.
    label (str): The relation label (or the type).
    score (Optional[float]): A confidence, if known.
    source (str): "gold", "mined", "predicted", ...
    meta (Dict[str, Any]): Extra information; only present when not empty.
    """

    meta: Dict[str, Any]


@dataclass(frozen=True)
class Pair:
    """A candidate (head, tail) pair, or a single span in the typing mode.

    head (Span): The subject / head entity.
    tail (Optional[Span]): The object / tail entity; None for typing.
    """

    head: Span
    tail: Optional[Span] = None

    @property
    def key(self) -> PairKey:
        """RETURNS (PairKey): Token offsets (head start, head end, tail start,
        tail end); -1 for a missing tail."""
        return pair_key(self.head, self.tail)

    @property
    def is_typing(self) -> bool:
        """RETURNS (bool): Whether this is a single span (typing mode)."""
        return self.tail is None


@dataclass
class Relation:
    """A labelled, directional relation between two spans, or an entity type.

    head (Span): The head (subject) span.
    tail (Optional[Span]): The tail (object) span; None for an entity type.
    label (str): The relation label (or the fine-grained type).
    score (Optional[float]): A confidence, if known.
    source (str): Where the record comes from: "gold", "mined", "predicted"...
    meta (Dict[str, Any]): Any extra msgpack-serialisable information.
    """

    head: Span
    tail: Optional[Span]
    label: str
    score: Optional[float] = None
    source: str = "gold"
    meta: Dict[str, Any] = field(default_factory=dict)

    @property
    def pair(self) -> Pair:
        """RETURNS (Pair): The (head, tail) pair this relation labels."""
        return Pair(self.head, self.tail)

    @property
    def key(self) -> Tuple[int, int, int, int, str, str]:
        """RETURNS (tuple): Pair offsets, label and source: unique per doc, so
        a gold and a mined record of the same relation can coexist."""
        return (*pair_key(self.head, self.tail), self.label, self.source)


def pair_key(head: Span, tail: Optional[Span]) -> PairKey:
    """head (Span): The head span.
    tail (Optional[Span]): The tail span or None.
    RETURNS (PairKey): Token offsets identifying the pair within its doc.
    """
    if tail is None:
        return (head.start, head.end, -1, -1)
    return (head.start, head.end, tail.start, tail.end)


def span_to_record(span: Span) -> List[Any]:
    """span (Span): A span.
    RETURNS (List[Any]): It as stored: [start token, end token, label].
    """
    return [span.start, span.end, span.label_]


def span_from_record(doc: Doc, record: List[Any]) -> Span:
    """doc (Doc): The doc the span belongs to.
    record (List[Any]): A record written by :func:`span_to_record`.
    RETURNS (Span): The span.
    """
    start, end, label = record
    return Span(doc, int(start), int(end), label=str(label))


def relation_to_record(rel: Relation) -> RelationRecord:
    """rel (Relation): The relation.
    RETURNS (RelationRecord): Its msgpack-serialisable record.
    """
    record: RelationRecord = {
        "head": span_to_record(rel.head),
        "tail": span_to_record(rel.tail) if rel.tail is not None else None,
        "label": rel.label,
        "score": None if rel.score is None else float(rel.score),
        "source": rel.source,
    }
    if rel.meta:
        record["meta"] = dict(rel.meta)
    return record


def relation_from_record(doc: Doc, record: RelationRecord) -> Relation:
    """doc (Doc): The doc the record belongs to.
    record (RelationRecord): A record written by relation_to_record.
    RETURNS (Relation): The rebuilt relation.
    """
    tail = record.get("tail")
    return Relation(
        head=span_from_record(doc, record["head"]),
        tail=span_from_record(doc, tail) if tail is not None else None,
        label=record["label"],
        score=record.get("score"),
        source=record.get("source", "gold"),
        meta=dict(record.get("meta") or {}),
    )
