"""SemEval-2010 Task 8 (``TRAIN_FILE.TXT``, ``TEST_FILE_FULL.TXT``) → Docs.

Each record of the file is::

    1<TAB>"The ... <e1>configuration</e1> of antenna <e2>elements</e2>."
    Component-Whole(e2,e1)
    Comment: ...
    <blank line>

and becomes one ``Doc`` of the sentence without the markers:

* ``doc.ents``: the two nominals, label ``ENTITY``. The text is tokenised
  piecewise so the marker positions are always token boundaries.
* ``doc._.candidate_pairs``: one pair, the two nominals in text order.
* ``doc._.relations``: ``X(e1,e2)`` gives ``Relation(head=e1, tail=e2,
  label="X", source="gold")``; ``X(e2,e1)`` gives the *same pair* with the
  relation reversed (head=e2, tail=e1). ``Other`` gives no record: no relation
  is implicit (the schema's ``no_relation``).
* ``doc.user_data["mbre_id"]``: the sentence id, e.g. ``"1"``.

A file without label lines (``TEST_FILE.txt``) gives docs without relations.
Missing, repeated or nested markers, empty nominals, label lines that do not
parse or name a label unknown to the schema raise :class:`DataError` with the
file and line.
"""
import re
from pathlib import Path
from typing import Iterator, List, Optional, Tuple, Union

from spacy.language import Language
from spacy.tokens import Doc, Span

from ...errors import DataError
from ..relations import Pair, Relation, set_pairs, set_relations
from ..schema import Schema, load_schema
from .common import ID_KEY, ConversionStats, NlpOrVocab, doc_from_segments, get_nlp, strip_space_tokens

ENTITY_LABEL = "ENTITY"
MARKERS = ("<e1>", "</e1>", "<e2>", "</e2>")
SENTENCE_RE = re.compile(r'^(\S+)\t"(.*)"\s*$')
LABEL_RE = re.compile(r"^([A-Za-z][\w-]*)\((e[12]),(e[12])\)$")


def read_semeval(
    path: Union[str, Path],
    nlp: NlpOrVocab = None,
    schema: Union[str, Path, Schema] = "semeval",
    stats: Optional[ConversionStats] = None,
) -> Iterator[Doc]:
    """Read a SemEval-2010 Task 8 file.

    path (Union[str, Path]): The file.
    nlp (Union[Language, Vocab, None]): Pipeline (or vocab) whose tokenizer is
        used; a blank English one by default.
    schema (Union[str, Path, Schema]): Labels are checked against it.
    stats (Optional[ConversionStats]): Filled with counts while reading.
    YIELDS (Doc): One doc per sentence.
    """
    path = Path(path)
    nlp = get_nlp(nlp)
    schema = load_schema(schema)
    stats = stats if stats is not None else ConversionStats()
    pending: Optional[Tuple[Doc, Span, Span, bool]] = None
    if not path.exists():
        raise DataError(path, None, "file not found")
    with path.open(encoding="utf8", newline=None) as file_:
        for line_no, raw in enumerate(file_, 1):
            line = raw.strip()
            if not line or line.startswith("Comment"):
                continue
            match = SENTENCE_RE.match(line)
            if match:
                if pending is not None:
                    yield _finish(pending, stats, schema)
                sid, sentence = match.groups()
                doc, e1, e2 = marked_doc(nlp, sentence, path, line_no)
                doc.user_data[ID_KEY] = sid
                first, second = (e1, e2) if e1.start < e2.start else (e2, e1)
                set_pairs(doc, [Pair(first, second)])
                pending = (doc, e1, e2, False)
                continue
            if pending is None or pending[3]:
                what = "a label line" if LABEL_RE.match(line) or line == schema.no_relation else "this line"
                raise DataError(
                    path, line_no, f"unexpected {what} {line!r}: expected a sentence line 'ID<TAB>\"text\"'"
                )
            doc, e1, e2, _ = pending
            set_relations(doc, _parse_label(line, e1, e2, schema, path, line_no))
            pending = (doc, e1, e2, True)
    if pending is not None:
        yield _finish(pending, stats, schema)


def _finish(pending: Tuple[Doc, Span, Span, bool], stats: ConversionStats, schema: Schema) -> Doc:
    doc, _, _, labelled = pending
    stats.add("docs")
    stats.add("entities", len(doc.ents))
    stats.add("candidate pairs", len(doc.user_data["mbre"]["pairs"]))
    if not labelled:
        stats.add("unlabelled docs")
        return doc
    records = doc.user_data["mbre"]["relations"]
    stats.add("gold labels (incl. no relation)", max(len(records), 1))
    stats.add("gold relation records", len(records))
    if records:
        for record in records:
            stats.labels[record["label"]] += 1
    else:
        stats.add(f"labelled {schema.no_relation} (no record)")
        stats.labels[schema.no_relation] += 1
    return doc


def marked_doc(nlp: Language, sentence: str, path: Path, line_no: int) -> Tuple[Doc, Span, Span]:
    """Parse a sentence with SemEval markers (``<e1>…</e1>``, ``<e2>…</e2>``).

    nlp (Language): Tokenizes the text without the markers.
    sentence (str): The marked sentence.
    path (Path): Its file, for errors.
    line_no (int): Its line, for errors.
    RETURNS (Tuple[Doc, Span, Span]): The doc and the e1 and e2 spans. Raises
        DataError unless there is exactly one of each marker, in order.
    """
    positions = {}
    for marker in MARKERS:
        count = sentence.count(marker)
        if count != 1:
            raise DataError(path, line_no, f"expected exactly one {marker} marker, found {count}")
        positions[marker] = sentence.index(marker)
    spans = sorted([(positions["<e1>"], positions["</e1>"], "e1"), (positions["<e2>"], positions["</e2>"], "e2")])
    (s1, e1, n1), (s2, e2, n2) = spans
    if not (s1 < e1 < s2 < e2):
        raise DataError(path, line_no, "the <e1> and <e2> markers are nested, overlapping or out of order")
    open1, close1 = len(f"<{n1}>"), len(f"</{n1}>")
    open2 = len(f"<{n2}>")
    segments = [
        sentence[:s1],
        sentence[s1 + open1 : e1],
        sentence[e1 + close1 : s2],
        sentence[s2 + open2 : e2],
        sentence[e2 + len(f"</{n2}>") :],
    ]
    if any("<e1>" in s or "<e2>" in s or "</e1>" in s or "</e2>" in s for s in segments):
        raise DataError(path, line_no, "malformed entity markers")
    # Fast path: tokenise the sentence once; if a nominal's edges are not
    # token boundaries, tokenise piece by piece so that they are.
    text = "".join(segments)
    doc = nlp.make_doc(text)
    offsets = [len(segments[0]), len("".join(segments[:2])), len("".join(segments[:3])), len("".join(segments[:4]))]
    found = [doc.char_span(offsets[0], offsets[1]), doc.char_span(offsets[2], offsets[3])]
    if all(span is not None for span in found):
        ranges = [(0, 0), (found[0].start, found[0].end), (0, 0), (found[1].start, found[1].end)]  # type: ignore[union-attr]
    else:
        doc, ranges = doc_from_segments(nlp, segments)
    entities = {}
    for name, (start, end) in ((n1, ranges[1]), (n2, ranges[3])):
        stripped = strip_space_tokens(doc, start, end)
        if stripped is None:
            raise DataError(path, line_no, f"the {name} nominal is empty")
        entities[name] = Span(doc, stripped[0], stripped[1], label=ENTITY_LABEL)
    doc.ents = [entities[n1], entities[n2]]
    return doc, entities["e1"], entities["e2"]


def _parse_label(line: str, e1: Span, e2: Span, schema: Schema, path: Path, line_no: int) -> List[Relation]:
    if line == schema.no_relation:
        return []
    match = LABEL_RE.match(line)
    if not match:
        raise DataError(
            path, line_no,
            f"cannot parse the relation label {line!r}: expected 'Label(e1,e2)', 'Label(e2,e1)' or "
            f"{schema.no_relation!r}",
        )
    label, first, second = match.groups()
    if label not in schema:
        raise DataError(path, line_no, f"unknown relation label {label!r} for schema {schema.name!r}")
    if first == second:
        raise DataError(path, line_no, f"relation {line!r} links a nominal to itself")
    head, tail = (e1, e2) if first == "e1" else (e2, e1)
    return [Relation(head=head, tail=tail, label=label, source="gold")]
