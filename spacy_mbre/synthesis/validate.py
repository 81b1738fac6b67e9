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
import re
from typing import Iterable, List, Optional, Sequence, Set, Tuple

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..data.readers.semeval import MARKERS, marked_doc  # marked_doc: the converter's marker parsing
from ..data.relations import Pair, Relation, set_pairs, set_relations
from ..data.schema import Schema
from ..errors import DataError
from .diversity import GoldOverlap, doc_tokens
from .examples import TypePair
from .parse import MARKER_TAG_RE, UNPARSEABLE, SchemaRecord

UNKNOWN_MARKER = "unknown_marker"
MARKER_COUNT = "marker_count"
MARKER_ORDER = "marker_order"
EMPTY_ENTITY = "empty_entity"
WRONG_RELATION = "wrong_relation"
TYPE_NOT_IN_SCHEMA = "type_not_in_schema"
ENTITY_NOT_IN_CONTEXT = "entity_not_in_context"
ENTITIES_OVERLAP = "entities_overlap"
COPY_OF_GOLD = "copy_of_gold"
NEAR_COPY_OF_GOLD = "near_copy_of_gold"
DUPLICATE = "duplicate"
REASONS = (
    UNPARSEABLE,
    UNKNOWN_MARKER,
    MARKER_COUNT,
    MARKER_ORDER,
    EMPTY_ENTITY,
    WRONG_RELATION,
    TYPE_NOT_IN_SCHEMA,
    ENTITY_NOT_IN_CONTEXT,
    ENTITIES_OVERLAP,
    COPY_OF_GOLD,
    NEAR_COPY_OF_GOLD,
    DUPLICATE,
)
SOURCE = "synthetic"
SYNTHETIC_PATH = "<synthetic sample>"


class Rejected(Exception):
    """A candidate failed validation.

    reason (str): One of REASONS.
    detail (str): What exactly was wrong.
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def normalise(text: str) -> str:
    """text (str): A sentence.
    RETURNS (str): Lower-cased, whitespace collapsed: the dedupe key.
    """
    return " ".join(text.split()).lower()


def strip_markers(text: str) -> str:
    """text (str): Text with marker tags.
    RETURNS (str): The text without them.
    """
    return MARKER_TAG_RE.sub("", text)


def parse_marked(nlp: Language, marked: str) -> Tuple[Doc, Span, Span]:
    """Turn a marked sentence into a doc with the two entities.

    nlp (Language): Its tokenizer splits the text.
    marked (str): The sentence with <e1>…</e1> and <e2>…</e2>.
    RETURNS (Tuple[Doc, Span, Span]): The doc (text without markers), the e1
        span and the e2 span. Raises Rejected.
    """
    tags = MARKER_TAG_RE.findall(marked)
    unknown = sorted({t for t in tags if t not in MARKERS})
    if unknown:
        raise Rejected(UNKNOWN_MARKER, ", ".join(unknown))
    try:
        return marked_doc(nlp, marked, SYNTHETIC_PATH, 0)
    except DataError as err:
        message = err.message
        if "expected exactly one" in message:
            raise Rejected(MARKER_COUNT, message) from None
        if "empty" in message:
            raise Rejected(EMPTY_ENTITY, message) from None
        raise Rejected(MARKER_ORDER, message) from None


def _occurrences(context: str, entity: str) -> List[Tuple[int, int]]:
    """Whole-word occurrences of entity in context: exact case, else any case."""
    for haystack, needle in ((context, entity), (context.lower(), entity.lower())):
        found = []
        for match in re.finditer(re.escape(needle), haystack):
            start, end = match.span()
            before = haystack[start - 1] if start > 0 else " "
            after = haystack[end] if end < len(haystack) else " "
            if not before.isalnum() and not after.isalnum():
                found.append((start, end))
        if found:
            return found
    return []


def mark_record(fields: dict) -> str:
    """Insert markers for the head (e1) and tail (e2) into the context.

    fields (dict): The record's context, head and tail.
    RETURNS (str): The marked context. Raises Rejected.
    """
    context = " ".join(strip_markers(fields["context"]).split())
    head = " ".join(strip_markers(fields["head"]).split())
    tail = " ".join(strip_markers(fields["tail"]).split())
    if not head or not tail:
        raise Rejected(EMPTY_ENTITY, "head or tail is empty")
    heads = _occurrences(context, head)
    tails = _occurrences(context, tail)
    missing = [name for name, found in (("head", heads), ("tail", tails)) if not found]
    if missing:
        raise Rejected(ENTITY_NOT_IN_CONTEXT, f"{' and '.join(missing)} not found as whole words")
    for hs, he in heads:
        for ts, te in tails:
            if he <= ts or te <= hs:
                marks = sorted([(hs, he, "e1"), (ts, te, "e2")])
                out, pos = [], 0
                for start, end, tag in marks:
                    out.append(f"{context[pos:start]}<{tag}>{context[start:end]}</{tag}>")
                    pos = end
                out.append(context[pos:])
                return "".join(out)
    raise Rejected(ENTITIES_OVERLAP, f"{head!r} and {tail!r} overlap")


def check_types(record: SchemaRecord, allowed: Set[TypePair]) -> TypePair:
    """record (SchemaRecord): A parsed record.
    allowed (Set[TypePair]): The relation's allowed (head, tail) type pairs.
    RETURNS (TypePair): The types in the schema's spelling. Raises Rejected.
    """
    lookup = {(normalise(h), normalise(t)): (h, t) for h, t in allowed}
    key = (normalise(record.fields["head_type"]), normalise(record.fields["tail_type"]))
    if key not in lookup:
        raise Rejected(TYPE_NOT_IN_SCHEMA, f"({record.fields['head_type']}, {record.fields['tail_type']})")
    return lookup[key]


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
