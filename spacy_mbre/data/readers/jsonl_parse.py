"""One JSONL record to a doc (see :mod:`.jsonl` for the format): every field
checked, entities, relations and candidate pairs set on the doc."""

from typing import Any, Dict, List, Optional, Tuple

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..relations import Pair, Relation, set_pairs, set_relations
from ..schema import Schema
from .common import ID_KEY, META_KEY, WEIGHT_KEY

KEYS = {"id", "text", "tokens", "spaces", "entities", "relations", "pairs", "weight", "meta"}
ENTITY_KEYS = {"start", "end", "label", "kb_id", "ent"}
RELATION_KEYS = {"head", "tail", "label", "score", "source", "meta"}


class RecordError(ValueError):
    """A problem with one record; becomes a DataError with file and line."""


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
        raise RecordError(f"expected a JSON object, got {type(data).__name__}")
    unknown = set(data) - KEYS
    if unknown:
        raise RecordError(f"unknown keys {sorted(unknown)}; allowed: {sorted(KEYS)}")
    doc, by_tokens = _make_doc(data, nlp)
    spans, ent_flags = _read_entities(doc, data.get("entities") or [], by_tokens, alignment_mode)
    ents = [span for span, is_ent in zip(spans, ent_flags) if is_ent]
    try:
        doc.ents = ents
    except ValueError:
        raise RecordError("entities overlap; mark all but one of the overlapping spans with \"ent\": false") from None
    set_relations(doc, _read_relations(data.get("relations") or [], spans, schema))
    if "pairs" in data:
        set_pairs(doc, _read_pairs(data["pairs"], spans))
    if "id" in data:
        doc.user_data[ID_KEY] = str(data["id"])
    if "weight" in data:
        if not isinstance(data["weight"], (int, float)) or isinstance(data["weight"], bool):
            raise RecordError(f"'weight' must be a number, got {data['weight']!r}")
        doc.user_data[WEIGHT_KEY] = float(data["weight"])
    if "meta" in data:
        if not isinstance(data["meta"], dict):
            raise RecordError("'meta' must be an object")
        doc.user_data[META_KEY] = data["meta"]
    return doc


def _make_doc(data: Dict[str, Any], nlp: Language) -> Tuple[Doc, bool]:
    text = data.get("text")
    tokens = data.get("tokens")
    if text is not None and not isinstance(text, str):
        raise RecordError("'text' must be a string")
    if tokens is None:
        if text is None:
            raise RecordError("a record needs 'text' or 'tokens'")
        if "spaces" in data:
            raise RecordError("'spaces' is only allowed with 'tokens'")
        return nlp.make_doc(text), False
    if not isinstance(tokens, list) or not all(isinstance(t, str) and t for t in tokens):
        raise RecordError("'tokens' must be a list of non-empty strings")
    spaces = data.get("spaces")
    if spaces is not None and (
        not isinstance(spaces, list) or len(spaces) != len(tokens) or not all(isinstance(s, bool) for s in spaces)
    ):
        raise RecordError("'spaces' must be a list of booleans, one per token")
    doc = Doc(nlp.vocab, words=tokens, spaces=spaces)
    if text is not None and text != doc.text:
        raise RecordError("'text' does not match the text rebuilt from 'tokens' and 'spaces'")
    return doc, True


def _read_entities(
    doc: Doc, entities: Any, by_tokens: bool, alignment_mode: str
) -> Tuple[List[Span], List[bool]]:
    if not isinstance(entities, list):
        raise RecordError("'entities' must be a list")
    unit = "token" if by_tokens else "character"
    limit = len(doc) if by_tokens else len(doc.text)
    spans: List[Span] = []
    flags: List[bool] = []
    for i, ent in enumerate(entities):
        where = f"entities[{i}]"
        if not isinstance(ent, dict) or not {"start", "end", "label"} <= set(ent):
            raise RecordError(f"{where}: an entity needs 'start', 'end' and 'label'")
        extra = set(ent) - ENTITY_KEYS
        if extra:
            raise RecordError(f"{where}: unknown keys {sorted(extra)}")
        start, end, label = ent["start"], ent["end"], ent["label"]
        if not all(isinstance(x, int) and not isinstance(x, bool) for x in (start, end)):
            raise RecordError(f"{where}: 'start' and 'end' must be integers")
        if not isinstance(label, str) or not label:
            raise RecordError(f"{where}: 'label' must be a non-empty string")
        if not 0 <= start < end <= limit:
            raise RecordError(f"{where}: {unit} offsets {start}-{end} are out of range (0-{limit}, end exclusive)")
        kb_id = str(ent.get("kb_id") or "")
        if by_tokens:
            span = Span(doc, start, end, label=label, kb_id=kb_id)
        else:
            found = doc.char_span(start, end, label=label, kb_id=kb_id, alignment_mode=alignment_mode)
            if found is None or len(found) == 0:
                raise RecordError(
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
        raise RecordError(f"{where}: entity index {value!r} is out of range ({len(spans)} entities)")
    return spans[value]


def _read_relations(relations: Any, spans: List[Span], schema: Optional[Schema]) -> List[Relation]:
    if not isinstance(relations, list):
        raise RecordError("'relations' must be a list")
    out = []
    for i, rel in enumerate(relations):
        where = f"relations[{i}]"
        if not isinstance(rel, dict) or not {"head", "label"} <= set(rel):
            raise RecordError(f"{where}: a relation needs 'head', 'label' (and 'tail', null for a type)")
        extra = set(rel) - RELATION_KEYS
        if extra:
            raise RecordError(f"{where}: unknown keys {sorted(extra)}")
        label = rel["label"]
        if not isinstance(label, str) or not label:
            raise RecordError(f"{where}: 'label' must be a non-empty string")
        if schema is not None and label not in schema:
            raise RecordError(f"{where}: unknown label {label!r} for schema {schema.name!r}")
        score = rel.get("score")
        if score is not None and (not isinstance(score, (int, float)) or isinstance(score, bool)):
            raise RecordError(f"{where}: 'score' must be a number or null")
        meta = rel.get("meta") or {}
        if not isinstance(meta, dict):
            raise RecordError(f"{where}: 'meta' must be an object")
        head = _entity_index(rel["head"], spans, f"{where}.head", nullable=False)
        tail = _entity_index(rel.get("tail"), spans, f"{where}.tail", nullable=True)
        if tail is not None and (head.start, head.end) == (tail.start, tail.end):  # type: ignore[union-attr]
            raise RecordError(f"{where}: head and tail are the same span")
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
        raise RecordError("'pairs' must be a list of [head, tail] entity indices")
    out = []
    for i, pair in enumerate(pairs):
        where = f"pairs[{i}]"
        if not isinstance(pair, list) or len(pair) != 2:
            raise RecordError(f"{where}: a pair is [head index, tail index or null]")
        head = _entity_index(pair[0], spans, where, nullable=False)
        tail = _entity_index(pair[1], spans, where, nullable=True)
        out.append(Pair(head, tail))  # type: ignore[arg-type]
    return out
