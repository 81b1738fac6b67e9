"""Prodigy's relation tasks (the ``rel.manual`` recipe's JSON) to and from docs.

A task, one JSON object per line::

    {"text": "He packed the sandwiches into a knapsack.",
     "tokens": [{"text": "He", "start": 0, "end": 2, "id": 0, "ws": true}, ...],
     "spans": [{"text": "sandwiches", "start": 14, "end": 24,
                "token_start": 3, "token_end": 3, "label": "ENTITY"}, ...],
     "relations": [{"head": 3, "child": 6,
                    "head_span": {"start": 14, "end": 24, "token_start": 3, "token_end": 3,
                                  "label": "ENTITY"},
                    "child_span": {...}, "label": "Entity-Destination"}],
     "meta": {"id": "1368", "scores": "Entity-Destination 0.60"},
     "mbre": {...}}

``token_end`` is inclusive, and a relation's ``head`` / ``child`` are the
indices of the *last* token of its head / child span, as Prodigy writes
them. ``meta`` is shown in Prodigy's interface; ``mbre`` is carried through
unchanged (see :mod:`spacy_mbre.review.common`).

A reviewed file (``prodigy db-out DATASET > reviewed.jsonl``) has an
``answer`` per task: "accept" (the relations in the task, as edited, are
the truth), "reject" (the relations shown are wrong) or "ignore" (skipped).
"""
from typing import Any, Dict, List, Optional, Tuple

from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from ..data.readers.common import ID_KEY
from .common import (
    ANSWERS,
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


def doc_to_task(doc: Doc, source: str = "mined", score_digits: int = 2) -> Dict[str, Any]:
    """doc (Doc): The doc.
    source (str): The record source shown for review.
    score_digits (int): Decimals of the scores listed in ``meta``.
    RETURNS (Dict[str, Any]): The Prodigy relations task.
    """
    relations = shown_relations(doc, source)
    tokens = [
        {"text": t.text, "start": t.idx, "end": t.idx + len(t.text), "id": t.i, "ws": bool(t.whitespace_)}
        for t in doc
    ]
    meta: Dict[str, Any] = {}
    if doc.user_data.get(ID_KEY) is not None:
        meta["id"] = str(doc.user_data[ID_KEY])
    if any(rel.score is not None for rel in relations):
        meta["scores"] = "; ".join(
            f"{rel.label} {rel.score:.{score_digits}f}" for rel in relations if rel.score is not None
        )
    return {
        "text": doc.text,
        "tokens": tokens,
        "spans": [{"text": span.text, **_span_json(span)} for span in task_spans(doc, relations)],
        "relations": [
            {
                "head": rel.head.end - 1,
                "child": rel.tail.end - 1,  # type: ignore[union-attr]
                "head_span": _span_json(rel.head),
                "child_span": _span_json(rel.tail),  # type: ignore[arg-type]
                "label": rel.label,
            }
            for rel in relations
        ],
        "meta": meta,
        MBRE_KEY: carried_for(doc, relations, source).to_json(),
    }


def task_to_reviewed(task: Any, vocab: Vocab) -> ReviewedTask:
    """task (Any): One parsed line of a reviewed file.
    vocab (Vocab): The vocab of the doc made.
    RETURNS (ReviewedTask): The doc (Prodigy's tokens, its spans as
        entities) and the relations as the reviewer left them. Raises
        TaskError describing the problem.
    """
    if not isinstance(task, dict):
        raise TaskError(f"expected a JSON object, got {type(task).__name__}")
    answer = task.get("answer")
    if answer not in ANSWERS:
        raise TaskError(
            f"'answer' must be one of {list(ANSWERS)}, got {answer!r} "
            "(export the reviewed dataset with `prodigy db-out`)"
        )
    doc = _make_doc(task, vocab)
    spans = task.get("spans") or []
    if not isinstance(spans, list):
        raise TaskError("'spans' must be a list")
    set_entities(doc, [_span(doc, span, f"spans[{i}]") for i, span in enumerate(spans)])
    relations = task.get("relations") or []
    if not isinstance(relations, list):
        raise TaskError("'relations' must be a list")
    return ReviewedTask(
        doc=doc,
        relations=[_relation(doc, rel, spans, f"relations[{i}]") for i, rel in enumerate(relations)],
        answer=answer,
        carried=Carried.from_json(task[MBRE_KEY]) if task.get(MBRE_KEY) is not None else None,
    )


# ------------------------------------------------------------------ helpers
def _span_json(span: Span) -> Dict[str, Any]:
    return {
        "start": span.start_char,
        "end": span.end_char,
        "token_start": span.start,
        "token_end": span.end - 1,
        "label": span.label_ or None,
    }


def _make_doc(task: Dict[str, Any], vocab: Vocab) -> Doc:
    text, tokens = task.get("text"), task.get("tokens")
    if not isinstance(text, str):
        raise TaskError("a task needs a 'text' string")
    if not isinstance(tokens, list) or not tokens:
        raise TaskError("a task needs 'tokens' (Prodigy adds them; export with `prodigy db-out`)")
    words: List[str] = []
    spaces: List[bool] = []
    for i, token in enumerate(tokens):
        if not isinstance(token, dict) or not isinstance(token.get("text"), str) or not token["text"]:
            raise TaskError(f"tokens[{i}]: a token needs a non-empty 'text'")
        words.append(token["text"])
        spaces.append(bool(token.get("ws", True)))
    doc = Doc(vocab, words=words, spaces=spaces)
    if doc.text != text:
        raise TaskError("'text' does not match the text rebuilt from 'tokens' and their 'ws'")
    return doc


def _token_range(doc: Doc, span: Any, where: str) -> Tuple[int, int]:
    if not isinstance(span, dict):
        raise TaskError(f"{where}: a span must be an object")
    start, last = span.get("token_start"), span.get("token_end")
    if not all(isinstance(x, int) and not isinstance(x, bool) for x in (start, last)):
        raise TaskError(f"{where}: a span needs integer 'token_start' and 'token_end'")
    if not 0 <= start <= last < len(doc):
        raise TaskError(f"{where}: tokens {start}-{last} are out of range (0-{len(doc) - 1}, token_end inclusive)")
    return start, last + 1


def _span(doc: Doc, span: Any, where: str) -> Span:
    start, end = _token_range(doc, span, where)
    label = span.get("label")
    if not isinstance(label, str) or not label:
        raise TaskError(f"{where}: a span needs a 'label'")
    return Span(doc, start, end, label=label)


def _relation(doc: Doc, rel: Any, spans: List[Dict[str, Any]], where: str) -> Tuple[Span, Span, str]:
    if not isinstance(rel, dict):
        raise TaskError(f"{where}: a relation must be an object")
    label = rel.get("label")
    if not isinstance(label, str) or not label:
        raise TaskError(f"{where}: a relation needs a 'label'")
    head = _end_span(doc, rel, "head", spans, where)
    tail = _end_span(doc, rel, "child", spans, where)
    if (head.start, head.end) == (tail.start, tail.end):
        raise TaskError(f"{where}: head and child are the same span")
    return head, tail, label


def _end_span(doc: Doc, rel: Dict[str, Any], side: str, spans: List[Dict[str, Any]], where: str) -> Span:
    """The relation's head or child span: its ``head_span`` / ``child_span``,
    else the task span whose last token is ``head`` / ``child``."""
    found: Optional[Dict[str, Any]] = rel.get(f"{side}_span")
    if found is None:
        last = rel.get(side)
        found = next((s for s in spans if isinstance(s, dict) and s.get("token_end") == last), None)
        if found is None:
            raise TaskError(f"{where}: no '{side}_span' and no span ends at token {last!r}")
    start, end = _token_range(doc, found, f"{where}.{side}_span")
    return entity_or_span(doc, start, end, label=found.get("label") or "")
