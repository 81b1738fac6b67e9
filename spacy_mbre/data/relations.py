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

The types (:class:`Pair`, :class:`Relation`, :class:`RelationRecord`) are in
:mod:`.types`; this module stores them on docs.
"""
from typing import Any, Dict, Iterable, List, Optional, Tuple

from spacy.tokens import Doc, Span

from .types import (
    Pair,
    PairKey,
    Relation,
    RelationRecord,
    SpanKey,
    pair_key,
    relation_from_record,
    relation_to_record,
    span_from_record,
    span_to_record,
)

USER_DATA_KEY = "mbre"
RELATIONS_KEY = "relations"
PAIRS_KEY = "pairs"


def _store(doc: Doc) -> Dict[str, Any]:
    return doc.user_data.setdefault(USER_DATA_KEY, {RELATIONS_KEY: [], PAIRS_KEY: []})


def _check_span(doc: Doc, span: Optional[Span], what: str) -> None:
    if span is None:
        return
    if span.doc is not doc:
        raise ValueError(f"The {what} span {span.text!r} belongs to another Doc.")


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
            span_from_record(doc, r["head"]),
            span_from_record(doc, r["tail"]) if r.get("tail") is not None else None,
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
                "head": span_to_record(pair.head),
                "tail": span_to_record(pair.tail) if pair.tail is not None else None,
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


__all__ = [
    "PAIRS_KEY",
    "RELATIONS_KEY",
    "USER_DATA_KEY",
    "Pair",
    "PairKey",
    "Relation",
    "RelationRecord",
    "SpanKey",
    "add_relations",
    "get_pairs",
    "get_relations",
    "pair_key",
    "register_extensions",
    "relation_from_record",
    "relation_to_record",
    "relations_by_pair",
    "remove_relations",
    "set_pairs",
    "set_relations",
]
