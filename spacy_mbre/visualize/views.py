"""The displaCy layout of one doc: the entity view ("span" style) and one arc
view ("dep" style) per record source, in displaCy's manual formats."""

import html
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from spacy.tokens import Doc, Span

from ..data.relations import Relation, get_relations

SOURCE_ORDER: Tuple[str, ...] = ("gold", "mined", "predicted")
GAP = "…"


@dataclass(frozen=True)
class ArcView:
    """One source's relations of one doc, in displaCy's manual "dep" format.

    source (str): The record source ("gold", "mined", ...).
    parse (Dict[str, Any]): ``{"words": [{"text", "tag"}], "arcs": [{"start",
        "end", "label", "dir"}]}`` for ``displacy.render(..., manual=True)``.
    n_records (int): Relation records of this source (typing records excluded).
    n_hidden (int): Records not drawn: head and tail on the same word.
    """

    source: str
    parse: Dict[str, Any]
    n_records: int
    n_hidden: int


def ordered_sources(docs: Iterable[Doc]) -> List[str]:
    """docs (Iterable[Doc]): The docs.
    RETURNS (List[str]): The record sources present, "gold", "mined" and
        "predicted" first, then the others alphabetically.
    """
    found = {rel.source for doc in docs for rel in get_relations(doc)}
    return [s for s in SOURCE_ORDER if s in found] + sorted(found - set(SOURCE_ORDER))


def format_label(rel: Relation, score_digits: int = 2) -> str:
    """rel (Relation): A record.
    score_digits (int): Decimals of the score.
    RETURNS (str): "label score", or the label alone for a record without score.
    """
    if rel.score is None:
        return rel.label
    return f"{rel.label} {rel.score:.{score_digits}f}"


def entity_view(doc: Doc, sources: Sequence[str], score_digits: int = 2) -> Dict[str, Any]:
    """doc (Doc): The doc.
    sources (Sequence[str]): The sources whose typing records are shown.
    score_digits (int): Decimals of scores.
    RETURNS (Dict[str, Any]): The doc in displaCy's manual "span" format:
        ``{"text", "tokens", "spans": [{"start_token", "end_token", "label"}]}``
        with the entities, the other spans relations refer to and the typing
        records.
    """
    spans: List[Dict[str, Any]] = []
    seen = set()
    for span in [*doc.ents, *_relation_spans(doc, sources)]:
        if (span.start, span.end) not in seen:
            seen.add((span.start, span.end))
            spans.append({"start_token": span.start, "end_token": span.end, "label": span.label_ or "SPAN"})
    for rel in get_relations(doc):
        if rel.tail is None and rel.source in sources:
            label = f"{rel.source}: {format_label(rel, score_digits)}"
            spans.append({"start_token": rel.head.start, "end_token": rel.head.end, "label": label})
    return {"text": doc.text, "tokens": [t.text for t in doc], "spans": spans}


def arc_view(
    doc: Doc,
    source: str,
    *,
    sources: Optional[Sequence[str]] = None,
    collapse: bool = True,
    max_gap_chars: int = 16,
    max_span_chars: int = 20,
    score_digits: int = 2,
) -> ArcView:
    """Lay out one source's relations as displaCy words and arcs.

    doc (Doc): The doc.
    source (str): The record source drawn.
    sources (Optional[Sequence[str]]): All sources shown for the doc: the
        words are made from their spans, so every source's view has the same
        words. None uses ``[source]``.
    collapse (bool): Make the text between two spans one word (shortened to
        ``max_gap_chars``); False keeps one word per token.
    max_gap_chars (int): Longest text of a collapsed word; longer text keeps
        its first and last words around "…".
    max_span_chars (int): Longest text of a span's word, shortened the same
        way (with ``collapse``).
    score_digits (int): Decimals of scores in arc labels.
    RETURNS (ArcView): The words and arcs.
    """
    words, token_word = _words(doc, sources or [source], collapse, max_gap_chars, max_span_chars)
    labels: Dict[Tuple[int, int], List[str]] = {}
    n_records = n_hidden = 0
    for rel in get_relations(doc, source=source):
        if rel.tail is None:
            continue
        n_records += 1
        head, tail = token_word[rel.head.start], token_word[rel.tail.start]
        if head == tail:
            n_hidden += 1
            continue
        labels.setdefault((head, tail), []).append(format_label(rel, score_digits))
    arcs = [
        {
            "start": min(head, tail),
            "end": max(head, tail),
            "label": html.escape(" / ".join(texts)),
            "dir": "right" if head < tail else "left",
        }
        for (head, tail), texts in labels.items()
    ]
    return ArcView(source=source, parse={"words": words, "arcs": arcs}, n_records=n_records, n_hidden=n_hidden)





def _relation_spans(doc: Doc, sources: Sequence[str]) -> List[Span]:
    spans: List[Span] = []
    for rel in get_relations(doc):
        if rel.source in sources and rel.tail is not None:
            spans.extend([rel.head, rel.tail])
    return spans


def _words(
    doc: Doc, sources: Sequence[str], collapse: bool, max_gap_chars: int, max_span_chars: int
) -> Tuple[List[Dict[str, str]], List[int]]:
    """The arc view's words (spans, and the text between them) and the word
    index of every token."""
    placed: List[Span] = []
    taken = [False] * len(doc)
    for span in sorted(doc.ents, key=lambda s: s.start) + _relation_spans(doc, sources):
        if not any(taken[span.start : span.end]):
            placed.append(span)
            for i in range(span.start, span.end):
                taken[i] = True
    starts = {span.start: span for span in placed}
    words: List[Dict[str, str]] = []
    token_word = [0] * len(doc)
    i = 0
    while i < len(doc):
        if i in starts:
            span = starts[i]
            text = _shorten(span, max_span_chars) if collapse else span.text
            words.append({"text": text, "tag": html.escape(span.label_ or _ent_label(doc, span))})
            end = span.end
        else:
            end = i + 1
            if collapse:
                while end < len(doc) and not taken[end]:
                    end += 1
            words.append({"text": _shorten(doc[i:end], max_gap_chars) if collapse else doc[i].text, "tag": ""})
        for j in range(i, end):
            token_word[j] = len(words) - 1
        i = end
    return words, token_word


def _ent_label(doc: Doc, span: Span) -> str:
    for ent in doc.ents:
        if ent.start == span.start and ent.end == span.end:
            return ent.label_
    return ""


def _shorten(tokens: Span, max_chars: int) -> str:
    """The text of the tokens, or its first and last whole words around "…"
    when it is longer than max_chars."""
    if len(tokens.text) <= max_chars:
        return tokens.text
    budget = max(1, (max_chars - 1) // 2)
    left, right = [tokens[0].text], [tokens[-1].text]
    i, j = 1, len(tokens) - 2
    while i < j and len(" ".join(left)) + len(tokens[i].text) < budget:
        left.append(tokens[i].text)
        i += 1
    while j > i and len(" ".join(right)) + len(tokens[j].text) < budget:
        right.insert(0, tokens[j].text)
        j -= 1
    return f"{' '.join(left)} {GAP} {' '.join(right)}"

