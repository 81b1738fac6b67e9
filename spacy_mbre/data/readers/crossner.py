"""CrossNER BIO files (``<domain>/{train,dev,test}.txt``) → Docs for typing.

The format is one ``token<TAB>tag`` line per token (a space also separates the
two columns), sentences separated by blank lines, tags ``O``, ``B-type`` and
``I-type``. Each sentence becomes one ``Doc``:

* ``doc.ents``: the entities with their fine-grained type as label;
* ``doc._.relations``: one typing record per entity,
  ``Relation(head=entity, tail=None, label=type, source="gold")``;
* ``doc._.candidate_pairs``: one single-span ``Pair(entity)`` per entity;
* ``doc.user_data["mbre_id"]``: ``"<file stem>:<sentence index>"``, and
  ``doc.user_data["mbre_meta"]["line"]`` the sentence's first line.

BIO errors: an ``I-type`` that does not continue an entity of the same type
raises :class:`DataError` (file:line) by default; with ``repair=True`` it
starts a new entity instead (the count ``repaired I- tags`` says how often).
Lines without exactly two columns, tags other than O/B-/I- and types unknown
to the schema raise :class:`DataError`. The shipped CrossNER data has no BIO
errors.
"""
from pathlib import Path
from typing import Iterator, List, Optional, Tuple, Union

from spacy.tokens import Doc, Span

from ...errors import DataError
from ..relations import Pair, Relation, set_pairs, set_relations
from ..schema import SCHEMA_DIR, Schema, load_schema
from .common import ID_KEY, META_KEY, ConversionStats, NlpOrVocab, get_vocab

AUTO = "auto"


def crossner_schema_for(path: Union[str, Path]) -> Optional[Schema]:
    """path (Union[str, Path]): A CrossNER file, e.g. ``crossner/ai/dev.txt``.
    RETURNS (Optional[Schema]): The shipped schema named after the file's
        directory (``crossner_ai``), or None if there is none.
    """
    name = f"crossner_{Path(path).resolve().parent.name}"
    return load_schema(name) if (SCHEMA_DIR / f"{name}.json").exists() else None


def read_crossner(
    path: Union[str, Path],
    nlp: NlpOrVocab = None,
    schema: Optional[Union[str, Path, Schema]] = AUTO,
    stats: Optional[ConversionStats] = None,
    repair: bool = False,
) -> Iterator[Doc]:
    """Read a BIO file.

    path (Union[str, Path]): The file.
    nlp (Union[Language, Vocab, None]): Pipeline or vocab for the docs.
    schema (Optional[Union[str, Path, Schema]]): Entity types are checked
        against it. "auto" uses the shipped ``crossner_<directory>`` schema if
        it exists (no check otherwise); None checks nothing.
    stats (Optional[ConversionStats]): Filled with counts while reading.
    repair (bool): Turn a stray ``I-`` tag into the start of an entity
        instead of raising DataError.
    YIELDS (Doc): One doc per sentence.
    """
    path = Path(path)
    vocab = get_vocab(nlp)
    known = crossner_schema_for(path) if schema == AUTO else (load_schema(schema) if schema is not None else None)
    stats = stats if stats is not None else ConversionStats()
    if not path.exists():
        raise DataError(path, None, "file not found")
    rows: List[Tuple[int, str, str]] = []
    index = 0
    with path.open(encoding="utf8") as file_:
        for line_no, raw in enumerate(file_, 1):
            line = raw.rstrip("\r\n")
            if not line.strip():
                if rows:
                    yield _make_doc(rows, vocab, known, repair, stats, path, index)
                    index += 1
                    rows = []
                continue
            parts = line.split("\t") if "\t" in line else line.split()
            if len(parts) != 2 or not parts[0]:
                raise DataError(path, line_no, f"expected 'token<TAB>tag', got {line!r}")
            rows.append((line_no, parts[0], parts[1].strip()))
    if rows:
        yield _make_doc(rows, vocab, known, repair, stats, path, index)


def _make_doc(
    rows: List[Tuple[int, str, str]],
    vocab,
    schema: Optional[Schema],
    repair: bool,
    stats: ConversionStats,
    path: Path,
    index: int,
) -> Doc:
    doc = Doc(vocab, words=[word for _, word, _ in rows])
    spans: List[Tuple[int, int, str]] = []
    current: Optional[List] = None  # [start, end, label]
    for i, (line_no, _, tag) in enumerate(rows):
        if tag == "O":
            current = None
            continue
        prefix, _, label = tag.partition("-")
        if prefix not in ("B", "I") or not label:
            raise DataError(path, line_no, f"invalid tag {tag!r}: expected O, B-type or I-type")
        if schema is not None and label not in schema:
            raise DataError(path, line_no, f"unknown entity type {label!r} for schema {schema.name!r}")
        if prefix == "I" and current is not None and current[2] == label:
            current[1] = i + 1
            continue
        if prefix == "I":
            if not repair:
                after = "O" if current is None else f"an entity of type {current[2]!r}"
                raise DataError(
                    path, line_no,
                    f"{tag!r} after {after}: an I- tag must continue an entity of its type "
                    "(repair=True starts a new entity)",
                )
            stats.add("repaired I- tags")
        current = [i, i + 1, label]
        spans.append(current)  # type: ignore[arg-type]
    ents = [Span(doc, start, end, label=label) for start, end, label in spans]
    doc.ents = ents
    set_relations(doc, [Relation(head=ent, tail=None, label=ent.label_, source="gold") for ent in ents])
    set_pairs(doc, [Pair(ent) for ent in ents])
    doc.user_data[ID_KEY] = f"{path.stem}:{index}"
    doc.user_data[META_KEY] = {"line": rows[0][0]}
    stats.add("docs")
    stats.add("tokens", len(rows))
    stats.add("entities", len(ents))
    for ent in ents:
        stats.labels[ent.label_] += 1
    return doc
