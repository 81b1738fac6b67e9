"""The checks a synthetic candidate must pass, each failing with one named
reason (:class:`Rejected`): marker parsing of a marked sentence (the SemEval
converter's), marking a TKRE record's head and tail in its context, and its
entity types against the schema. :mod:`.validate` lists the reasons in the
order they are checked and applies them.
"""
import re
from typing import List, Set, Tuple

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..data.readers.semeval import MARKERS, marked_doc  # marked_doc: the converter's marker parsing
from ..errors import DataError
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
