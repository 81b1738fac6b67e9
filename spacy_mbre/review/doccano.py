"""doccano's relation-extraction JSONL to and from docs.

One JSON object per line, as doccano imports and exports a sequence
labelling project with relations::

    {"text": "He packed the sandwiches into a knapsack.",
     "entities": [{"id": 0, "label": "ENTITY", "start_offset": 14, "end_offset": 24},
                  {"id": 1, "label": "ENTITY", "start_offset": 32, "end_offset": 40}],
     "relations": [{"id": 0, "from_id": 0, "to_id": 1, "type": "Entity-Destination"}],
     "mbre": {...}}

Offsets are characters, end exclusive; ``from_id`` is the head, ``to_id``
the tail. doccano keeps other keys of an imported line as the example's
metadata and writes them back on export; the spacy-mbre data (``mbre``, see
:mod:`spacy_mbre.review.common`) is read from the top level or from a
``meta`` object. doccano has no accept / reject answer: a reviewed file is
taken as the truth, so every relation in it is gold and every relation that
was shown but is missing was rejected.
"""
from itertools import count
from typing import Any, Dict, Iterator, List, Optional, Tuple

from spacy.language import Language
from spacy.tokens import Doc, Span

from .common import (
    ACCEPT,
    MBRE_KEY,
    Carried,
    ReviewedTask,
    TaskError,
    carried_for,
    entity_or_span,
    set_entities,
    shown_relations,
    task_spans,
)

NO_LABEL = "SPAN"


def doc_to_task(doc: Doc, source: str = "mined", ids: Optional[Iterator[int]] = None) -> Dict[str, Any]:
    """doc (Doc): The doc.
    source (str): The record source shown for review.
    ids (Optional[Iterator[int]]): Where entity and relation ids come from,
        so that they are unique in a file; per doc from 0 if None.
    RETURNS (Dict[str, Any]): The doccano line. A span without a label (one
        only a relation refers to) is labelled "SPAN".
    """
    ids = ids if ids is not None else count()
    relations = shown_relations(doc, source)
    entities = []
    by_span: Dict[Tuple[int, int], int] = {}
    for span in task_spans(doc, relations):
        by_span[(span.start, span.end)] = next(ids)
        entities.append(
            {
                "id": by_span[(span.start, span.end)],
                "label": span.label_ or NO_LABEL,
                "start_offset": span.start_char,
                "end_offset": span.end_char,
            }
        )
    return {
        "text": doc.text,
        "entities": entities,
        "relations": [
            {
                "id": next(ids),
                "from_id": by_span[(rel.head.start, rel.head.end)],
                "to_id": by_span[(rel.tail.start, rel.tail.end)],  # type: ignore[union-attr]
                "type": rel.label,
            }
            for rel in relations
        ],
        MBRE_KEY: carried_for(doc, relations, source).to_json(),
    }


def task_to_reviewed(task: Any, nlp: Language) -> ReviewedTask:
    """task (Any): One parsed line of a reviewed file.
    nlp (Language): Its tokenizer splits the text.
    RETURNS (ReviewedTask): The doc (entities set) and the relations, with
        answer "accept". Raises TaskError describing the problem.
    """
    if not isinstance(task, dict):
        raise TaskError(f"expected a JSON object, got {type(task).__name__}")
    text = task.get("text")
    if not isinstance(text, str):
        raise TaskError("a line needs a 'text' string")
    entities = task.get("entities")
    if not isinstance(entities, list):
        raise TaskError("a line needs an 'entities' list: export the doccano project as JSONL with relations")
    doc = nlp.make_doc(text)
    spans: Dict[Any, Span] = {}
    for i, ent in enumerate(entities):
        ent_id, span = _entity(doc, ent, f"entities[{i}]")
        if ent_id in spans:
            raise TaskError(f"entities[{i}]: id {ent_id!r} is used twice")
        spans[ent_id] = span
    set_entities(doc, [s for s in spans.values() if s.label_ != NO_LABEL])
    relations = task.get("relations") or []
    if not isinstance(relations, list):
        raise TaskError("'relations' must be a list")
    return ReviewedTask(
        doc=doc,
        relations=[_relation(doc, rel, spans, f"relations[{i}]") for i, rel in enumerate(relations)],
        answer=ACCEPT,
        carried=_carried(task),
    )


# ------------------------------------------------------------------ helpers
def _entity(doc: Doc, ent: Any, where: str) -> Tuple[Any, Span]:
    if not isinstance(ent, dict) or not {"id", "label", "start_offset", "end_offset"} <= set(ent):
        raise TaskError(f"{where}: an entity needs 'id', 'label', 'start_offset' and 'end_offset'")
    start, end, label = ent["start_offset"], ent["end_offset"], ent["label"]
    if not all(isinstance(x, int) and not isinstance(x, bool) for x in (start, end)):
        raise TaskError(f"{where}: 'start_offset' and 'end_offset' must be integers")
    if not isinstance(label, str) or not label:
        raise TaskError(f"{where}: 'label' must be a non-empty string")
    if not 0 <= start < end <= len(doc.text):
        raise TaskError(f"{where}: characters {start}-{end} are out of range (0-{len(doc.text)}, end exclusive)")
    span = doc.char_span(start, end, label=label)
    if span is None:
        raise TaskError(f"{where}: characters {start}-{end} ({doc.text[start:end]!r}) do not fall on token boundaries")
    return ent["id"], span


def _relation(doc: Doc, rel: Any, spans: Dict[Any, Span], where: str) -> Tuple[Span, Span, str]:
    if not isinstance(rel, dict) or not {"from_id", "to_id", "type"} <= set(rel):
        raise TaskError(f"{where}: a relation needs 'from_id', 'to_id' and 'type'")
    label = rel["type"]
    if not isinstance(label, str) or not label:
        raise TaskError(f"{where}: 'type' must be a non-empty string")
    ends: List[Span] = []
    for key in ("from_id", "to_id"):
        if rel[key] not in spans:
            raise TaskError(f"{where}: {key} {rel[key]!r} is no entity id of this line")
        span = spans[rel[key]]
        ends.append(entity_or_span(doc, span.start, span.end, label=span.label_))
    if (ends[0].start, ends[0].end) == (ends[1].start, ends[1].end):
        raise TaskError(f"{where}: from_id and to_id are the same span")
    return ends[0], ends[1], label


def _carried(task: Dict[str, Any]) -> Optional[Carried]:
    data = task.get(MBRE_KEY)
    meta = task.get("meta")
    if data is None and isinstance(meta, dict):
        data = meta.get(MBRE_KEY)
    return None if data is None else Carried.from_json(data)
