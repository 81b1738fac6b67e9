"""Strict validation of synthetic samples: a candidate either becomes a
``Doc`` in the shared data model or is rejected with one named reason.

Unconditional candidates (marked sentences):

* ``unknown_marker``: a marker tag other than ``<e1> </e1> <e2> </e2>``
  (``<e3>``, ``<E1>``, ``< e1>``);
* ``marker_count``: not exactly one of each of the four markers;
* ``marker_order``: a closing marker before its opening one, or nested /
  overlapping entities;
* ``empty_entity``: nothing (or only space) between a pair of markers.

The marker parsing is the SemEval converter's
(:mod:`spacy_mbre.data.readers.semeval`), so synthetic sentences are
tokenised exactly like the gold ones (marker positions are token
boundaries; the entities are labelled ``ENTITY`` there and relabelled here).

Schema-constrained candidates (TKRE records), in this order:

* ``unparseable``: a field is missing or repeated (see :mod:`.parse`);
* ``wrong_relation``: the record names another relation than the one asked
  for (case-insensitive);
* ``type_not_in_schema``: (head type, tail type) is not allowed for the
  relation (see :func:`.examples.allowed_types`; case-insensitive, stored in
  the schema's spelling);
* ``empty_entity``: the head or tail is empty once marker tags are removed;
* ``entity_not_in_context``: the head or tail does not occur in the context
  as whole words (exact case first, then case-insensitive; the first
  occurrence is used, like TKRE's reference code);
* ``entities_overlap``: head and tail only occur overlapping each other.

Then for both modes:

* ``copy_of_gold``: the sentence, markers removed, equals a few-shot gold
  text (whitespace and case ignored): it adds no new text;
* ``near_copy_of_gold`` (only with ``max_gold_overlap`` set): more than
  that share of the sample's 3-grams occur in one gold text (see
  :class:`.diversity.GoldOverlap`);
* ``duplicate``: the same marked sentence was accepted before in this run
  (whitespace and case ignored). For schema samples the key is the marked
  sentence whatever its label, so one pair never gets two synthetic labels.
"""
from typing import Iterable, List, Optional, Sequence, Set

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..data.relations import Pair, Relation, set_pairs, set_relations
from ..data.schema import Schema
from .checks import (
    COPY_OF_GOLD,
    DUPLICATE,
    EMPTY_ENTITY,
    ENTITIES_OVERLAP,
    ENTITY_NOT_IN_CONTEXT,
    MARKER_COUNT,
    MARKER_ORDER,
    NEAR_COPY_OF_GOLD,
    REASONS,
    SOURCE,
    SYNTHETIC_PATH,
    TYPE_NOT_IN_SCHEMA,
    UNKNOWN_MARKER,
    WRONG_RELATION,
    Rejected,
    check_types,
    mark_record,
    normalise,
    parse_marked,
    strip_markers,
)
from .diversity import GoldOverlap, doc_tokens
from .examples import TypePair
from .parse import UNPARSEABLE, SchemaRecord

__all__ = [
    "COPY_OF_GOLD", "DUPLICATE", "EMPTY_ENTITY", "ENTITIES_OVERLAP", "ENTITY_NOT_IN_CONTEXT", "MARKER_COUNT",
    "MARKER_ORDER", "NEAR_COPY_OF_GOLD", "REASONS", "SOURCE", "SYNTHETIC_PATH", "TYPE_NOT_IN_SCHEMA",
    "UNKNOWN_MARKER", "UNPARSEABLE", "WRONG_RELATION", "Rejected", "SampleValidator", "candidate_pairs",
    "check_types", "gold_texts", "mark_record", "normalise", "parse_marked", "strip_markers",
]


def candidate_pairs(schema: Schema, head: Span, tail: Span) -> List[Pair]:
    """schema (Schema): The schema.
    head (Span): The subject / head.
    tail (Span): The object / tail.
    RETURNS (List[Pair]): The pair in text order for schemas with
        ``expand_directions`` (SemEval), both directions otherwise — the
        candidate pairs the converters store for such a doc.
    """
    if schema.expand_directions:
        first, second = (head, tail) if head.start < tail.start else (tail, head)
        return [Pair(first, second)]
    return [Pair(head, tail), Pair(tail, head)]


class SampleValidator:
    """Validates candidates, dedupes them and builds their docs.

    schema (Schema): The schema.
    nlp (Language): Its tokenizer splits the synthetic text.
    gold_texts (Iterable[str]): Texts of the few-shot gold (for copy_of_gold).
    entity_label (str): The label of unconditional samples' entities.
    max_gold_overlap (Optional[float]): Reject samples with a larger share of
        3-grams from one gold text; None checks only exact copies.
    """

    def __init__(
        self,
        schema: Schema,
        nlp: Language,
        gold_texts: Iterable[str],
        entity_label: str = "ENTITY",
        max_gold_overlap: Optional[float] = None,
    ) -> None:
        self.schema = schema
        self.nlp = nlp
        texts = list(gold_texts)
        self.gold = {normalise(t) for t in texts}
        self.entity_label = entity_label
        self.max_gold_overlap = max_gold_overlap
        self.overlap = GoldOverlap(doc_tokens(nlp.make_doc(t)) for t in texts) if max_gold_overlap is not None else None
        self.seen: Set[str] = set()

    def unconditional(self, marked: str) -> Doc:
        """marked (str): A candidate sentence.
        RETURNS (Doc): Its doc: two entities, candidate pairs, no relation.
            Raises Rejected.
        """
        doc, e1, e2 = parse_marked(self.nlp, marked)
        self._dedupe(doc, marked)
        head = Span(doc, e1.start, e1.end, label=self.entity_label)
        tail = Span(doc, e2.start, e2.end, label=self.entity_label)
        doc.ents = sorted([head, tail], key=lambda s: s.start)
        set_pairs(doc, candidate_pairs(self.schema, head, tail))
        return doc

    def schema_sample(self, record: SchemaRecord, label: str, allowed: Set[TypePair]) -> Doc:
        """record (SchemaRecord): A candidate record.
        label (str): The relation that was asked for.
        allowed (Set[TypePair]): Its allowed type pairs.
        RETURNS (Doc): Its doc: two typed entities, candidate pairs and the
            relation (source "synthetic"). Raises Rejected.
        """
        if record.error is not None:
            raise Rejected(UNPARSEABLE, record.error)
        written = record.fields["relation"]
        if normalise(written) != normalise(label):
            raise Rejected(WRONG_RELATION, f"{written!r} instead of {label!r}")
        head_type, tail_type = check_types(record, allowed)
        marked = mark_record(record.fields)
        doc, e1, e2 = parse_marked(self.nlp, marked)
        self._dedupe(doc, marked)
        head = Span(doc, e1.start, e1.end, label=head_type)
        tail = Span(doc, e2.start, e2.end, label=tail_type)
        doc.ents = sorted([head, tail], key=lambda s: s.start)
        set_pairs(doc, candidate_pairs(self.schema, head, tail))
        set_relations(doc, [Relation(head=head, tail=tail, label=label, score=None, source=SOURCE)])
        return doc

    def _dedupe(self, doc: Doc, marked: str) -> None:
        if normalise(doc.text) in self.gold:
            raise Rejected(COPY_OF_GOLD, doc.text)
        if self.overlap is not None and self.max_gold_overlap is not None:
            share = self.overlap(doc_tokens(doc))
            if share > self.max_gold_overlap:
                raise Rejected(NEAR_COPY_OF_GOLD, f"{share:.2f} of its 3-grams come from one gold text")
        key = normalise(marked)
        if key in self.seen:
            raise Rejected(DUPLICATE, marked)
        self.seen.add(key)


def gold_texts(docs: Sequence[Doc], extra: Iterable[str] = ()) -> List[str]:
    """docs (Sequence[Doc]): The few-shot gold docs.
    extra (Iterable[str]): More gold texts (e.g. the prompts' contexts).
    RETURNS (List[str]): Texts a synthetic sample must not copy.
    """
    return [doc.text for doc in docs] + [t for t in extra if t]
