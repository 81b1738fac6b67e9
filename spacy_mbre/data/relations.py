"""The one data model every spacy-mbre component shares.

Relations live on the ``Doc`` as *records* keyed by token offsets in
``doc.user_data["mbre"]``, so they survive ``DocBin`` and ``nlp.to_disk``
(``Span`` objects do not serialise). The ``Doc._.relations`` and
``Doc._.candidate_pairs`` extensions rebuild ``Span`` objects on access.

* A relation is directional: ``head`` → ``tail`` with a ``label``, an optional
  ``score`` and a ``source`` ("gold", "mined", "predicted", ...). Several
  labels per pair are allowed, and records from different sources (a gold and
  a mined one) coexist. "No relation" is implicit: a candidate pair with
  no record has no relation.
* Fine-grained entity typing uses the same record with ``tail=None``: the
  ``label`` is the type of the ``head`` span.
* Candidate pairs (what ``mbre_pairs`` proposes) are stored the same way, with
  ``tail=None`` for the typing mode's single spans.

Mutating the list returned by ``doc._.relations`` does not write back: assign
a new list (``doc._.relations = rels``) or use :func:`add_relations`.
"""
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Tuple, TypedDict

from spacy.tokens import Doc, Span

USER_DATA_KEY = "mbre"
RELATIONS_KEY = "relations"
PAIRS_KEY = "pairs"

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


def _span_to_record(span: Span) -> List[Any]:
    return [span.start, span.end, span.label_]


def _span_from_record(doc: Doc, record: List[Any]) -> Span:
    start, end, label = record
    return Span(doc, int(start), int(end), label=str(label))


def _store(doc: Doc) -> Dict[str, Any]:
    return doc.user_data.setdefault(USER_DATA_KEY, {RELATIONS_KEY: [], PAIRS_KEY: []})


def _check_span(doc: Doc, span: Optional[Span], what: str) -> None:
    if span is None:
        return
    if span.doc is not doc:
        raise ValueError(f"The {what} span {span.text!r} belongs to another Doc.")


def relation_to_record(rel: Relation) -> RelationRecord:
    """rel (Relation): The relation.
    RETURNS (RelationRecord): Its msgpack-serialisable record.
    """
    record: RelationRecord = {
        "head": _span_to_record(rel.head),
        "tail": _span_to_record(rel.tail) if rel.tail is not None else None,
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
        head=_span_from_record(doc, record["head"]),
        tail=_span_from_record(doc, tail) if tail is not None else None,
        label=record["label"],
        score=record.get("score"),
        source=record.get("source", "gold"),
        meta=dict(record.get("meta") or {}),
    )


def get_relations(doc: Doc, source: Optional[str] = None) -> List[Relation]:
    """doc (Doc): The doc.
    source (Optional[str]): Only return relations from this source.
    RETURNS (List[Relation]): The doc's relations, in insertion order.
    """
    records = doc.user_data.get(USER_DATA_KEY, {}).get(RELATIONS_KEY, [])
    rels = [relation_from_record(doc, r) for r in records]
    if source is not None:
        rels = [r for r in rels if r.source == source]
    return rels


def set_relations(doc: Doc, relations: Iterable[Relation]) -> None:
    """Replace all relations on the doc. Duplicates (same pair, label and
    source) keep the last record.

    doc (Doc): The doc.
    relations (Iterable[Relation]): The new relations.
    """
    by_key: Dict[Tuple, Dict[str, Any]] = {}
    for rel in relations:
        _check_span(doc, rel.head, "head")
        _check_span(doc, rel.tail, "tail")
        by_key[rel.key] = relation_to_record(rel)
    _store(doc)[RELATIONS_KEY] = list(by_key.values())


def add_relations(doc: Doc, relations: Iterable[Relation]) -> None:
    """Add relations to the doc, replacing existing ones with the same pair,
    label and source.

    doc (Doc): The doc.
    relations (Iterable[Relation]): The relations to add.
    """
    set_relations(doc, [*get_relations(doc), *relations])


def remove_relations(doc: Doc, source: str) -> None:
    """Remove every relation from one source, e.g. before predicting again.

    doc (Doc): The doc.
    source (str): The source whose records are dropped.
    """
    set_relations(doc, [r for r in get_relations(doc) if r.source != source])


def get_pairs(doc: Doc) -> List[Pair]:
    """doc (Doc): The doc.
    RETURNS (List[Pair]): The candidate pairs stored on the doc.
    """
    records = doc.user_data.get(USER_DATA_KEY, {}).get(PAIRS_KEY, [])
    return [
        Pair(
            _span_from_record(doc, r["head"]),
            _span_from_record(doc, r["tail"]) if r.get("tail") is not None else None,
        )
        for r in records
    ]


def set_pairs(doc: Doc, pairs: Iterable[Pair]) -> None:
    """Replace the candidate pairs on the doc (duplicates are dropped, order
    is kept).

    doc (Doc): The doc.
    pairs (Iterable[Pair]): The pairs.
    """
    seen = set()
    records = []
    for pair in pairs:
        _check_span(doc, pair.head, "head")
        _check_span(doc, pair.tail, "tail")
        if pair.key in seen:
            continue
        seen.add(pair.key)
        records.append(
            {
                "head": _span_to_record(pair.head),
                "tail": _span_to_record(pair.tail) if pair.tail is not None else None,
            }
        )
    _store(doc)[PAIRS_KEY] = records


def relations_by_pair(doc: Doc, source: Optional[str] = None) -> Dict[PairKey, List[Relation]]:
    """doc (Doc): The doc.
    source (Optional[str]): Only use relations from this source.
    RETURNS (Dict[PairKey, List[Relation]]): Relations grouped by pair.
    """
    out: Dict[PairKey, List[Relation]] = {}
    for rel in get_relations(doc, source=source):
        out.setdefault(pair_key(rel.head, rel.tail), []).append(rel)
    return out


def register_extensions() -> None:
    """Register ``Doc._.relations`` and ``Doc._.candidate_pairs`` (idempotent)."""
    if not Doc.has_extension("relations"):
        Doc.set_extension("relations", getter=get_relations, setter=set_relations)
    if not Doc.has_extension("candidate_pairs"):
        Doc.set_extension("candidate_pairs", getter=get_pairs, setter=set_pairs)


register_extensions()
