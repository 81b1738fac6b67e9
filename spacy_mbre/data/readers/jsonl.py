"""Generic JSONL import / export of docs with entities, relations and pairs.

One JSON object per line (blank lines are skipped)::

    {"id": "s1",
     "text": "Marie Curie was born in Warsaw.",
     "entities": [{"start": 0, "end": 11, "label": "PER"},
                  {"start": 24, "end": 30, "label": "LOC"}],
     "relations": [{"head": 0, "tail": 1, "label": "P19",
                    "score": 0.93, "source": "mined", "meta": {"strategy": "mbre"}}],
     "pairs": [[0, 1], [1, 0]],
     "weight": 0.5,
     "meta": {"origin": "wiki"}}

Fields:

* ``text`` (str) **or** ``tokens`` (list of str), one is required.
  ``spaces`` (list of bool, optional with ``tokens``): whether each token is
  followed by a space; all true if absent. With ``tokens`` the doc has exactly
  those tokens; a ``text`` given as well must equal the text they rebuild.
  Without ``tokens``, ``text`` is split by the pipeline's tokenizer.
* ``entities`` (list, optional): spans, ``{"start", "end", "label"}``, end
  exclusive. Offsets are **token indices when** ``tokens`` **is given, and
  character offsets otherwise** (they must fall on token boundaries unless
  another ``alignment_mode`` is chosen). Optional ``kb_id`` (str). Optional
  ``ent`` (bool, default true): false for a span that is only referred to by
  relations or pairs and is not part of ``doc.ents`` (e.g. it overlaps one).
  Spans with ``ent`` true must not overlap.
* ``relations`` (list, optional): ``head`` (entity index), ``tail`` (entity
  index, or null for an entity type in the typing mode), ``label``, and
  optionally ``score`` (number or null), ``source`` (default ``"gold"``) and
  ``meta`` (object). No record for a pair means no relation.
* ``pairs`` (list, optional): candidate pairs as ``[head index, tail index]``
  or ``[index, null]`` (typing mode). Absent means no candidate pairs stored.
* ``id`` (str) → ``doc.user_data["mbre_id"]``; ``weight`` (number) →
  ``doc.user_data["mbre_weight"]``; ``meta`` (object) →
  ``doc.user_data["mbre_meta"]``. Other keys are an error.

:func:`write_jsonl` writes everything the data model holds (``doc.ents`` with
kb ids, every relation with score/source/meta, the candidate pairs, id,
weight, meta) so that reading the file back gives the same docs. Other
``doc.user_data`` keys are not exported. Every problem raises
:class:`DataError` naming the file and line.
"""
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional, Tuple, Union

import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span

from ...errors import DataError
from ..relations import Pair, Relation, get_pairs, get_relations, set_pairs, set_relations
from ..schema import Schema, load_schema
from .common import ID_KEY, META_KEY, WEIGHT_KEY, ConversionStats, NlpOrVocab, get_nlp, json_lines

TOKENS = "tokens"
CHARS = "chars"
KEYS = {"id", "text", "tokens", "spaces", "entities", "relations", "pairs", "weight", "meta"}
ENTITY_KEYS = {"start", "end", "label", "kb_id", "ent"}
RELATION_KEYS = {"head", "tail", "label", "score", "source", "meta"}


class _RecordError(ValueError):
    """A problem with one record; becomes a DataError with file and line."""


# --------------------------------------------------------------------- reading
def read_jsonl(
    path: Union[str, Path],
    nlp: NlpOrVocab = None,
    schema: Optional[Union[str, Path, Schema]] = None,
    stats: Optional[ConversionStats] = None,
    alignment_mode: str = "strict",
) -> Iterator[Doc]:
    """Read docs from a JSONL file in the format of the module docs.

    path (Union[str, Path]): The file.
    nlp (Union[Language, Vocab, None]): Pipeline (its tokenizer splits
        ``text``) or vocab; a blank English pipeline by default.
    schema (Optional[Union[str, Path, Schema]]): Relation labels (types in
        the typing mode) are checked against it; None checks nothing.
    stats (Optional[ConversionStats]): Filled with counts while reading.
    alignment_mode (str): How character offsets that are not on token
        boundaries are handled: "strict" (error), "contract" or "expand", as in
        ``Doc.char_span``.
    YIELDS (Doc): One doc per non-blank line.
    """
    path = Path(path)
    nlp = get_nlp(nlp)
    known = load_schema(schema) if schema is not None else None
    stats = stats if stats is not None else ConversionStats()
    for line_no, data in json_lines(path):
        try:
            doc = record_to_doc(data, nlp, schema=known, alignment_mode=alignment_mode)
        except _RecordError as err:
            raise DataError(path, line_no, str(err)) from None
        _count(doc, stats)
        yield doc


def _count(doc: Doc, stats: ConversionStats) -> None:
    relations = get_relations(doc)
    stats.add("docs")
    stats.add("entities", len(doc.ents))
    stats.add("candidate pairs", len(get_pairs(doc)))
    stats.add("relation records", len(relations))
    for rel in relations:
        stats.labels[rel.label] += 1


def record_to_doc(
    data: Any,
    nlp: Language,
    schema: Optional[Schema] = None,
    alignment_mode: str = "strict",
) -> Doc:
    """Build a doc from one JSONL record.

    data (Any): The parsed JSON object.
    nlp (Language): Its tokenizer splits ``text``.
    schema (Optional[Schema]): Check relation labels against it.
    alignment_mode (str): "strict", "contract" or "expand" for char offsets.
    RETURNS (Doc): The doc. Raises ValueError (a subclass) describing the
        problem.
    """
    if not isinstance(data, dict):
        raise _RecordError(f"expected a JSON object, got {type(data).__name__}")
    unknown = set(data) - KEYS
    if unknown:
        raise _RecordError(f"unknown keys {sorted(unknown)}; allowed: {sorted(KEYS)}")
    doc, by_tokens = _make_doc(data, nlp)
    spans, ent_flags = _read_entities(doc, data.get("entities") or [], by_tokens, alignment_mode)
    ents = [span for span, is_ent in zip(spans, ent_flags) if is_ent]
    try:
        doc.ents = ents
    except ValueError:
        raise _RecordError("entities overlap; mark all but one of the overlapping spans with \"ent\": false") from None
    set_relations(doc, _read_relations(data.get("relations") or [], spans, schema))
    if "pairs" in data:
        set_pairs(doc, _read_pairs(data["pairs"], spans))
    if "id" in data:
        doc.user_data[ID_KEY] = str(data["id"])
    if "weight" in data:
        if not isinstance(data["weight"], (int, float)) or isinstance(data["weight"], bool):
            raise _RecordError(f"'weight' must be a number, got {data['weight']!r}")
        doc.user_data[WEIGHT_KEY] = float(data["weight"])
    if "meta" in data:
        if not isinstance(data["meta"], dict):
            raise _RecordError("'meta' must be an object")
        doc.user_data[META_KEY] = data["meta"]
    return doc


def _make_doc(data: Dict[str, Any], nlp: Language) -> Tuple[Doc, bool]:
    text = data.get("text")
    tokens = data.get("tokens")
    if text is not None and not isinstance(text, str):
        raise _RecordError("'text' must be a string")
    if tokens is None:
        if text is None:
            raise _RecordError("a record needs 'text' or 'tokens'")
        if "spaces" in data:
            raise _RecordError("'spaces' is only allowed with 'tokens'")
        return nlp.make_doc(text), False
    if not isinstance(tokens, list) or not all(isinstance(t, str) and t for t in tokens):
        raise _RecordError("'tokens' must be a list of non-empty strings")
    spaces = data.get("spaces")
    if spaces is not None and (
        not isinstance(spaces, list) or len(spaces) != len(tokens) or not all(isinstance(s, bool) for s in spaces)
    ):
        raise _RecordError("'spaces' must be a list of booleans, one per token")
    doc = Doc(nlp.vocab, words=tokens, spaces=spaces)
    if text is not None and text != doc.text:
        raise _RecordError("'text' does not match the text rebuilt from 'tokens' and 'spaces'")
    return doc, True


def _read_entities(
    doc: Doc, entities: Any, by_tokens: bool, alignment_mode: str
) -> Tuple[List[Span], List[bool]]:
    if not isinstance(entities, list):
        raise _RecordError("'entities' must be a list")
    unit = "token" if by_tokens else "character"
    limit = len(doc) if by_tokens else len(doc.text)
    spans: List[Span] = []
    flags: List[bool] = []
    for i, ent in enumerate(entities):
        where = f"entities[{i}]"
        if not isinstance(ent, dict) or not {"start", "end", "label"} <= set(ent):
            raise _RecordError(f"{where}: an entity needs 'start', 'end' and 'label'")
        extra = set(ent) - ENTITY_KEYS
        if extra:
            raise _RecordError(f"{where}: unknown keys {sorted(extra)}")
        start, end, label = ent["start"], ent["end"], ent["label"]
        if not all(isinstance(x, int) and not isinstance(x, bool) for x in (start, end)):
            raise _RecordError(f"{where}: 'start' and 'end' must be integers")
        if not isinstance(label, str) or not label:
            raise _RecordError(f"{where}: 'label' must be a non-empty string")
        if not 0 <= start < end <= limit:
            raise _RecordError(f"{where}: {unit} offsets {start}-{end} are out of range (0-{limit}, end exclusive)")
        kb_id = str(ent.get("kb_id") or "")
        if by_tokens:
            span = Span(doc, start, end, label=label, kb_id=kb_id)
        else:
            found = doc.char_span(start, end, label=label, kb_id=kb_id, alignment_mode=alignment_mode)
            if found is None or len(found) == 0:
                raise _RecordError(
                    f"{where}: characters {start}-{end} ({doc.text[start:end]!r}) do not fall on token boundaries"
                )
            span = found
        spans.append(span)
        flags.append(bool(ent.get("ent", True)))
    return spans, flags


def _entity_index(value: Any, spans: List[Span], where: str, nullable: bool) -> Optional[Span]:
    if value is None and nullable:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < len(spans):
        raise _RecordError(f"{where}: entity index {value!r} is out of range ({len(spans)} entities)")
    return spans[value]


def _read_relations(relations: Any, spans: List[Span], schema: Optional[Schema]) -> List[Relation]:
    if not isinstance(relations, list):
        raise _RecordError("'relations' must be a list")
    out = []
    for i, rel in enumerate(relations):
        where = f"relations[{i}]"
        if not isinstance(rel, dict) or not {"head", "label"} <= set(rel):
            raise _RecordError(f"{where}: a relation needs 'head', 'label' (and 'tail', null for a type)")
        extra = set(rel) - RELATION_KEYS
        if extra:
            raise _RecordError(f"{where}: unknown keys {sorted(extra)}")
        label = rel["label"]
        if not isinstance(label, str) or not label:
            raise _RecordError(f"{where}: 'label' must be a non-empty string")
        if schema is not None and label not in schema:
            raise _RecordError(f"{where}: unknown label {label!r} for schema {schema.name!r}")
        score = rel.get("score")
        if score is not None and (not isinstance(score, (int, float)) or isinstance(score, bool)):
            raise _RecordError(f"{where}: 'score' must be a number or null")
        meta = rel.get("meta") or {}
        if not isinstance(meta, dict):
            raise _RecordError(f"{where}: 'meta' must be an object")
        head = _entity_index(rel["head"], spans, f"{where}.head", nullable=False)
        tail = _entity_index(rel.get("tail"), spans, f"{where}.tail", nullable=True)
        if tail is not None and (head.start, head.end) == (tail.start, tail.end):  # type: ignore[union-attr]
            raise _RecordError(f"{where}: head and tail are the same span")
        out.append(
            Relation(
                head=head,  # type: ignore[arg-type]
                tail=tail,
                label=label,
                score=None if score is None else float(score),
                source=str(rel.get("source", "gold")),
                meta=meta,
            )
        )
    return out


def _read_pairs(pairs: Any, spans: List[Span]) -> List[Pair]:
    if not isinstance(pairs, list):
        raise _RecordError("'pairs' must be a list of [head, tail] entity indices")
    out = []
    for i, pair in enumerate(pairs):
        where = f"pairs[{i}]"
        if not isinstance(pair, list) or len(pair) != 2:
            raise _RecordError(f"{where}: a pair is [head index, tail index or null]")
        head = _entity_index(pair[0], spans, where, nullable=False)
        tail = _entity_index(pair[1], spans, where, nullable=True)
        out.append(Pair(head, tail))  # type: ignore[arg-type]
    return out


# --------------------------------------------------------------------- writing
def doc_to_record(doc: Doc, offsets: str = TOKENS) -> Dict[str, Any]:
    """doc (Doc): The doc.
    offsets (str): "tokens" writes ``tokens``/``spaces`` and token offsets
        (exact round trip); "chars" writes ``text`` and character offsets
        (easier to edit; re-tokenised on reading).
    RETURNS (Dict[str, Any]): The JSONL record.
    """
    if offsets not in (TOKENS, CHARS):
        raise ValueError(f"offsets must be 'tokens' or 'chars', got {offsets!r}")
    spans: List[Span] = []
    index: Dict[Tuple[int, int, str], int] = {}
    entities: List[Dict[str, Any]] = []

    def add(span: Span, is_ent: bool) -> int:
        key = (span.start, span.end, span.label_)
        if key not in index:
            index[key] = len(spans)
            spans.append(span)
            start, end = (span.start, span.end) if offsets == TOKENS else (span.start_char, span.end_char)
            entity: Dict[str, Any] = {"start": start, "end": end, "label": span.label_}
            if span.kb_id_:
                entity["kb_id"] = span.kb_id_
            if not is_ent:
                entity["ent"] = False
            entities.append(entity)
        return index[key]

    for ent in doc.ents:
        add(ent, True)
    relations = []
    for rel in get_relations(doc):
        record: Dict[str, Any] = {
            "head": add(rel.head, False),
            "tail": None if rel.tail is None else add(rel.tail, False),
            "label": rel.label,
            "score": rel.score,
            "source": rel.source,
        }
        if rel.meta:
            record["meta"] = rel.meta
        relations.append(record)
    pairs = [[add(p.head, False), None if p.tail is None else add(p.tail, False)] for p in get_pairs(doc)]
    out: Dict[str, Any] = {}
    if ID_KEY in doc.user_data:
        out["id"] = doc.user_data[ID_KEY]
    out["text"] = doc.text
    if offsets == TOKENS:
        out["tokens"] = [t.text for t in doc]
        out["spaces"] = [bool(t.whitespace_) for t in doc]
    out["entities"] = entities
    out["relations"] = relations
    out["pairs"] = pairs
    if WEIGHT_KEY in doc.user_data:
        out["weight"] = doc.user_data[WEIGHT_KEY]
    if META_KEY in doc.user_data:
        out["meta"] = doc.user_data[META_KEY]
    return out


def write_jsonl(docs: Iterable[Doc], path: Union[str, Path], offsets: str = TOKENS) -> int:
    """Write docs as JSONL (see the module docs for the format).

    docs (Iterable[Doc]): The docs.
    path (Union[str, Path]): The output file.
    offsets (str): "tokens" (exact round trip) or "chars".
    RETURNS (int): The number of docs written.
    """
    count = 0

    def records() -> Iterator[Dict[str, Any]]:
        nonlocal count
        for doc in docs:
            count += 1
            yield doc_to_record(doc, offsets=offsets)

    srsly.write_jsonl(path, records())
    return count
