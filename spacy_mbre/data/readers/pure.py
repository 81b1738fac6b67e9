"""PURE / DyGIE JSON lines (SciERC, ACE04, ACE05) → sentence-level Docs.

One JSON object per line is one document::

    {"doc_key": "X96-1001",
     "sentences": [["We", "parse", "English", "."], ["It", "works", "."]],
     "ner": [[[2, 2, "Material"]], []],
     "relations": [[], []],
     "clusters": []}

``ner`` and ``relations`` hold one list per sentence. Their token offsets
count over the whole document (not the sentence) and the end is
**inclusive**: an entity is ``[start, end, type]``, a relation
``[head start, head end, tail start, tail end, type]``. ``relations`` may be
absent (no relations); ``clusters`` and any other key are ignored.

Each sentence becomes one ``Doc`` (PURE's sentence-level setting), with the
offsets mapped into the sentence:

* ``doc.spans[spans_key]`` (default ``"sc"``): every entity, labelled with
  its type; ``doc.ents``: the same spans, except that where entities overlap
  only the longest (then earliest) is kept (:func:`spacy.util.filter_spans`;
  the count ``overlaps kept only in spans`` says how many).
* ``doc._.candidate_pairs``: every ordered pair of non-overlapping entities
  of the sentence (both directions), from
  :func:`spacy_mbre.pairs.generate.generate_pairs`; with a schema whose labels
  list allowed types, only the pairs of allowed types.
* ``doc._.relations``: one ``Relation(label=type, source="gold")`` per relation
  record, in the direction annotated (the symmetric SciERC types COMPARE and
  CONJUNCTION are annotated once, in either order). A relation between
  overlapping entities is kept but is no candidate pair (count ``relations
  off candidate pairs``; none in SciERC).
* ``doc.user_data["mbre_id"]``: ``"<doc_key>:<sentence index>"``;
  ``doc.user_data["mbre_meta"]``: ``{"doc_key", "sent", "line"}``.

Every problem raises :class:`DataError` with the file and line: invalid JSON,
missing keys, ``ner`` / ``relations`` lists that do not match the sentences,
entity offsets outside their sentence, relations whose spans are not
entities of the sentence, and labels unknown to the schemas.
"""
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple, Union

from spacy.tokens import Doc, Span
from spacy.util import filter_spans
from spacy.vocab import Vocab

from ...errors import DataError
from ...pairs.generate import PairSettings, generate_pairs
from ..relations import Relation, set_pairs, set_relations
from ..schema import Schema, load_schema
from .common import ID_KEY, META_KEY, ConversionStats, NlpOrVocab, get_vocab, json_lines

SPANS_KEY = "sc"


class _LineError(ValueError):
    """A problem in one document line; becomes a DataError with file:line."""


def read_pure(
    path: Union[str, Path],
    nlp: NlpOrVocab = None,
    schema: Optional[Union[str, Path, Schema]] = None,
    entity_schema: Optional[Union[str, Path, Schema]] = None,
    stats: Optional[ConversionStats] = None,
    spans_key: str = SPANS_KEY,
    keep_empty: bool = True,
) -> Iterator[Doc]:
    """Read a PURE / DyGIE JSON lines file as sentence-level docs.

    path (Union[str, Path]): The file (one document per line).
    nlp (Union[Language, Vocab, None]): Pipeline or vocab for the docs.
    schema (Optional[Union[str, Path, Schema]]): Relation types are checked
        against it ("scierc" for SciERC); its allowed types, if any, restrict
        the candidate pairs. None accepts any type.
    entity_schema (Optional[Union[str, Path, Schema]]): Entity types are
        checked against its labels ("scierc_entities"); None accepts any.
    stats (Optional[ConversionStats]): Filled with counts while reading.
    spans_key (str): The ``doc.spans`` key that holds every entity.
    keep_empty (bool): Also yield sentences without entities (SciERC's test
        set counts them).
    YIELDS (Doc): One doc per sentence.
    """
    path = Path(path)
    vocab = get_vocab(nlp)
    relation_schema = load_schema(schema) if schema is not None else None
    entity_types = load_schema(entity_schema) if entity_schema is not None else None
    stats = stats if stats is not None else ConversionStats()
    settings = PairSettings(
        both_directions=True,
        spans_key=spans_key,
        same_sentence=False,
        max_pairs=None,
        allowed_types=relation_schema.allowed_type_pairs() if relation_schema is not None else None,
    )
    for line_no, data in json_lines(path):
        try:
            sentences = _read_document(data, relation_schema, entity_types)
        except _LineError as err:
            raise DataError(path, line_no, str(err)) from None
        stats.add("documents")
        doc_key = str(data.get("doc_key", line_no))
        for sent_id, (words, entities, relations) in enumerate(sentences):
            if not entities:
                stats.add("sentences without entities")
                if not keep_empty:
                    continue
            doc = _make_doc(vocab, words, entities, relations, settings, stats)
            doc.user_data[ID_KEY] = f"{doc_key}:{sent_id}"
            doc.user_data[META_KEY] = {"doc_key": doc_key, "sent": sent_id, "line": line_no}
            stats.add("docs")
            yield doc


# (start, end exclusive, type), sentence-relative
_Entity = Tuple[int, int, str]
# (head start, head end, tail start, tail end, type), sentence-relative, ends exclusive
_Record = Tuple[int, int, int, int, str]


def _read_document(
    data: Any, schema: Optional[Schema], entity_schema: Optional[Schema]
) -> List[Tuple[List[str], List[_Entity], List[_Record]]]:
    """data (Any): One parsed line.
    schema (Optional[Schema]): Relation types to check against.
    entity_schema (Optional[Schema]): Entity types to check against.
    RETURNS (List[Tuple[List[str], List[_Entity], List[_Record]]]): Per
        sentence: words, entities and relations, in sentence offsets.
    """
    if not isinstance(data, dict) or "sentences" not in data or "ner" not in data:
        raise _LineError("expected a document object with 'sentences' and 'ner'")
    sentences, ner = data["sentences"], data["ner"]
    relations = data.get("relations")
    if relations is None:
        relations = [[] for _ in sentences]
    for name, value in (("sentences", sentences), ("ner", ner), ("relations", relations)):
        if not isinstance(value, list):
            raise _LineError(f"'{name}' must be a list, got {type(value).__name__}")
    if len(ner) != len(sentences) or len(relations) != len(sentences):
        raise _LineError(
            f"'ner' ({len(ner)}) and 'relations' ({len(relations)}) need one list per sentence ({len(sentences)})"
        )
    out = []
    offset = 0
    for sent_id, (words, sent_ner, sent_rels) in enumerate(zip(sentences, ner, relations)):
        where = f"sentence {sent_id}"
        if not isinstance(words, list) or not words or not all(isinstance(w, str) and w for w in words):
            raise _LineError(f"{where}: a sentence must be a non-empty list of non-empty strings")
        entities = _read_entities(sent_ner, offset, len(words), entity_schema, where)
        known = {(start, end) for start, end, _ in entities}
        records = _read_relations(sent_rels, offset, known, schema, where)
        out.append((words, entities, records))
        offset += len(words)
    return out


def _read_entities(
    raw: Any, offset: int, n_words: int, entity_schema: Optional[Schema], where: str
) -> List[_Entity]:
    if not isinstance(raw, list):
        raise _LineError(f"{where}: 'ner' must hold a list per sentence")
    entities: Dict[Tuple[int, int], str] = {}
    for i, item in enumerate(raw):
        loc = f"{where}, ner[{i}]"
        if not (isinstance(item, list) and len(item) == 3 and _is_int(item[0]) and _is_int(item[1])):
            raise _LineError(f"{loc}: expected [start, end, type], got {item!r}")
        start, end, label = item[0] - offset, item[1] - offset + 1, str(item[2])
        if not 0 <= start < end <= n_words:
            raise _LineError(
                f"{loc}: span {item[0]}-{item[1]} is outside the sentence (document tokens "
                f"{offset}-{offset + n_words - 1}; offsets count over the whole document, end inclusive)"
            )
        if entity_schema is not None and label not in entity_schema:
            raise _LineError(f"{loc}: unknown entity type {label!r} for schema {entity_schema.name!r}")
        if (start, end) in entities and entities[(start, end)] != label:
            raise _LineError(f"{loc}: span {item[0]}-{item[1]} is listed with two types")
        entities[(start, end)] = label
    return [(start, end, label) for (start, end), label in sorted(entities.items())]


def _read_relations(
    raw: Any, offset: int, known: set, schema: Optional[Schema], where: str
) -> List[_Record]:
    if not isinstance(raw, list):
        raise _LineError(f"{where}: 'relations' must hold a list per sentence")
    records = []
    for i, item in enumerate(raw):
        loc = f"{where}, relations[{i}]"
        if not (isinstance(item, list) and len(item) == 5 and all(_is_int(x) for x in item[:4])):
            raise _LineError(f"{loc}: expected [head start, head end, tail start, tail end, type], got {item!r}")
        head = (item[0] - offset, item[1] - offset + 1)
        tail = (item[2] - offset, item[3] - offset + 1)
        label = str(item[4])
        for role, span, (a, b) in (("head", head, item[0:2]), ("tail", tail, item[2:4])):
            if span not in known:
                raise _LineError(f"{loc}: the {role} {a}-{b} is not an entity of this sentence's 'ner'")
        if schema is not None and label not in schema:
            raise _LineError(f"{loc}: unknown relation {label!r} for schema {schema.name!r}")
        records.append((*head, *tail, label))
    return records


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _make_doc(
    vocab: Vocab,
    words: List[str],
    entities: List[_Entity],
    records: List[_Record],
    settings: PairSettings,
    stats: ConversionStats,
) -> Doc:
    doc = Doc(vocab, words=words)
    spans = [Span(doc, start, end, label=label) for start, end, label in entities]
    by_offsets = {(span.start, span.end): span for span in spans}
    doc.spans[settings.spans_key] = spans
    ents = filter_spans(spans)
    doc.ents = ents
    stats.add("entities", len(spans))
    stats.add("overlaps kept only in spans", len(spans) - len(ents))
    pairs = generate_pairs(doc, settings)
    set_pairs(doc, pairs)
    stats.add("candidate pairs", len(pairs))
    relations = [
        Relation(head=by_offsets[(hs, he)], tail=by_offsets[(ts, te)], label=label, source="gold")
        for hs, he, ts, te, label in records
    ]
    set_relations(doc, relations)
    records_out = doc.user_data["mbre"]["relations"]
    stats.add("relation records", len(records_out))
    candidates = {pair.key for pair in pairs}
    stats.add("relations off candidate pairs", sum(r.pair.key not in candidates for r in relations))
    for record in records_out:
        stats.labels[record["label"]] += 1
    return doc
