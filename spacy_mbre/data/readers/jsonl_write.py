"""Docs to JSONL records and files (see :mod:`.jsonl` for the format):
everything the data model holds, so that reading the file back gives the same
docs."""

from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Tuple, Union

import srsly
from spacy.tokens import Doc, Span

from ..relations import get_pairs, get_relations
from .common import ID_KEY, META_KEY, WEIGHT_KEY

TOKENS = "tokens"
CHARS = "chars"


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
