"""Records from other docs: copy the relation records of matching docs (by id,
else by text) onto the docs drawn, e.g. the pool's gold beside the mined labels."""

from typing import Dict, Iterable, List, Optional, Tuple

from spacy.tokens import Doc, Span

from ..data.readers.common import ID_KEY
from ..data.relations import Relation, add_relations, get_relations


def add_records_from(docs: Iterable[Doc], others: Iterable[Doc]) -> List[Doc]:
    """Copy the relation records of matching docs onto the docs, e.g. the
    gold records of the pool next to the mined ones. Docs match by
    ``doc.user_data["mbre_id"]`` where both have one, else by text; spans are
    mapped by character offsets. Records of a source the doc already has are
    not copied.

    docs (Iterable[Doc]): The docs to draw.
    others (Iterable[Doc]): Docs holding more records.
    RETURNS (List[Doc]): The docs, with the records added.
    """
    by_key: Dict[Tuple[str, str], Doc] = {}
    for other in others:
        by_key.setdefault(_match_key(other), other)
    out = []
    for doc in docs:
        other = by_key.get(_match_key(doc))
        if other is not None:
            have = {rel.source for rel in get_relations(doc)}
            extra = [_moved(doc, rel) for rel in get_relations(other) if rel.source not in have]
            kept = [rel for rel in extra if rel is not None]
            if kept:
                add_relations(doc, kept)
        out.append(doc)
    return out


# ------------------------------------------------------------------- helpers
def _match_key(doc: Doc) -> Tuple[str, str]:
    doc_id = doc.user_data.get(ID_KEY)
    return ("id", str(doc_id)) if doc_id is not None else ("text", doc.text)


def _moved(doc: Doc, rel: Relation) -> Optional[Relation]:
    head = _char_span(doc, rel.head)
    tail = _char_span(doc, rel.tail) if rel.tail is not None else None
    if head is None or (rel.tail is not None and tail is None):
        return None
    return Relation(head=head, tail=tail, label=rel.label, score=rel.score, source=rel.source, meta=rel.meta)


def _char_span(doc: Doc, span: Span) -> Optional[Span]:
    return doc.char_span(span.start_char, span.end_char, label=span.label_, alignment_mode="expand")
