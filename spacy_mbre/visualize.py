"""See the relations: docs with entities and relation arcs, drawn by displaCy.

Each doc becomes one HTML ``<figure class="mbre-doc">`` holding

* a header: the doc's id (``doc.user_data["mbre_id"]``), its number of
  candidate pairs and of relation records per source;
* the **entity view**: the text with ``doc.ents`` (and the spans relations
  refer to) highlighted, by displaCy's ``"span"`` style in manual mode. Entity
  type records (typing mode, ``tail=None``) are shown there too, as spans
  labelled ``"source: type score"``;
* one **arc view per record source**, side by side in the order ``gold``,
  ``mined``, ``predicted``, then any other source (``synthetic``...): the
  entities as words with their label underneath and every relation as an arc
  from head to tail (the arrowhead points at the tail) labelled
  ``"label score"``, by displaCy's ``"dep"`` style in manual mode. Several
  labels on one pair share one arc (``"A 0.91 / B 0.55"``).

Why sources are drawn side by side and not as coloured arcs in one SVG:
displaCy's dependency renderer has one colour per SVG (its ``color``
option), not per arc. Rendering each source as its own SVG, coloured by
source, shows gold / mined / predicted records apart without writing any SVG
here; only the HTML around displaCy's output (header, legend) is our own.

With ``collapse=True`` (the default) the text between two entities becomes
one word of the arc view, shortened to ``max_gap_chars`` characters (and a
span's text to ``max_span_chars``), so that a sentence fits in a screen's
width: displaCy gives every word the same width, which is set from the
longest word. The entity view above keeps the full text. Spans that overlap one
already placed (``doc.ents`` first) are drawn at the word holding their first
token; a record whose head and tail fall on the same word is counted in the
header as not drawn.

Use :func:`render` in a notebook (it displays the HTML through displaCy's
Jupyter support) and :func:`write_html` (or ``python -m spacy_mbre
visualize``) for a file.
"""
import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple, Union

from spacy import displacy
from spacy.tokens import Doc, Span
from spacy.util import is_in_jupyter

from .data.readers.common import ID_KEY
from .data.relations import Relation, add_relations, get_pairs, get_relations

SOURCE_ORDER: Tuple[str, ...] = ("gold", "mined", "predicted")
SOURCE_COLORS: Dict[str, str] = {
    "gold": "#1b7f3b",
    "mined": "#1f5fbf",
    "predicted": "#b03a2e",
    "synthetic": "#7d3c98",
}
OTHER_COLOR = "#555555"
# Pixels per character of an arc-view word (16px sans-serif) and the least
# distance between two words, for the automatic ``distance``.
CHAR_WIDTH = 8.0
MIN_DISTANCE = 110
GAP = "…"

TPL_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", Helvetica, Arial, sans-serif; margin: 1.5rem; }}
.mbre-legend span {{ display: inline-block; margin-right: 1.2rem; font-weight: bold; }}
.mbre-doc {{ border-top: 1px solid #ddd; margin: 1rem 0 2rem 0; padding-top: 0.5rem; }}
.mbre-doc h3 {{ font-size: 1rem; margin: 0.2rem 0; }}
.mbre-sources {{ display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-end; }}
.mbre-source {{ overflow-x: auto; max-width: 100%; }}
.mbre-source h4 {{ margin: 0.4rem 0 0 0; font-size: 0.9rem; }}
.mbre-note {{ color: #777; font-size: 0.85rem; }}
</style>
</head>
<body>
<h2>{title}</h2>
{legend}
{content}
</body>
</html>
"""


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


def render_doc(
    doc: Doc,
    sources: Optional[Sequence[str]] = None,
    *,
    collapse: bool = True,
    max_gap_chars: int = 16,
    max_span_chars: int = 20,
    score_digits: int = 2,
    compact: bool = True,
    distance: Optional[int] = None,
    colors: Optional[Dict[str, str]] = None,
) -> str:
    """Render one doc: header, entity view and one arc view per source.

    doc (Doc): The doc.
    sources (Optional[Sequence[str]]): The record sources to draw, in order;
        None draws every source the doc has ("gold", "mined", "predicted"
        first). A listed source without records gets an empty view, so
        views line up across docs.
    collapse (bool): See :func:`arc_view`.
    max_gap_chars (int): See :func:`arc_view`.
    max_span_chars (int): See :func:`arc_view`.
    score_digits (int): Decimals of scores.
    compact (bool): displaCy's compact arcs (square, lower).
    distance (Optional[int]): Pixels between two words of the arc view
        (displaCy's ``distance``); None fits the doc's longest word.
    colors (Optional[Dict[str, str]]): Colour per source, over
        :data:`SOURCE_COLORS`.
    RETURNS (str): The doc's ``<figure class="mbre-doc">`` markup.
    """
    shown = list(sources) if sources is not None else ordered_sources([doc])
    palette = {**SOURCE_COLORS, **(colors or {})}
    doc_id = doc.user_data.get(ID_KEY)
    views = [
        arc_view(
            doc,
            s,
            sources=shown,
            collapse=collapse,
            max_gap_chars=max_gap_chars,
            max_span_chars=max_span_chars,
            score_digits=score_digits,
        )
        for s in shown
    ]
    if distance is None:
        longest = max((len(w["text"]) for v in views for w in v.parse["words"]), default=0)
        distance = max(MIN_DISTANCE, int(longest * CHAR_WIDTH) + 24)
    counts = ", ".join(f"{v.n_records} {v.source}" for v in views) or "no relation records"
    title = f"{html.escape(str(doc_id))} · " if doc_id is not None else ""
    header = f"<h3>{title}{len(get_pairs(doc))} candidate pairs · {counts}</h3>"
    ents = displacy.render(entity_view(doc, shown, score_digits), style="span", manual=True, jupyter=False)
    parts = []
    for view in views:
        options = {
            "compact": compact,
            "color": palette.get(view.source, OTHER_COLOR),
            "distance": distance,
            "offset_x": distance // 2 + 10,
        }
        svg = displacy.render(view.parse, style="dep", manual=True, jupyter=False, options=options)
        note = f'<div class="mbre-note">{view.n_hidden} not drawn: head and tail on one word</div>'
        parts.append(
            f'<div class="mbre-source" data-source="{html.escape(view.source)}" data-records="{view.n_records}">'
            f'<h4 style="color: {palette.get(view.source, OTHER_COLOR)}">{html.escape(view.source)}'
            f" ({view.n_records})</h4>{svg}{note if view.n_hidden else ''}</div>"
        )
    id_attr = f' data-id="{html.escape(str(doc_id))}"' if doc_id is not None else ""
    return f'<figure class="mbre-doc"{id_attr}>{header}{ents}<div class="mbre-sources">{"".join(parts)}</div></figure>'


def render(
    docs: Union[Doc, Iterable[Doc]],
    sources: Optional[Sequence[str]] = None,
    *,
    page: bool = False,
    jupyter: Optional[bool] = None,
    title: str = "spacy-mbre relations",
    **options: Any,
) -> Optional[str]:
    """Render docs with their entities and relation arcs, like
    ``displacy.render``: in a Jupyter notebook the HTML is displayed (and
    None returned), elsewhere it is returned.

    docs (Union[Doc, Iterable[Doc]]): A doc or docs.
    sources (Optional[Sequence[str]]): The record sources to draw, the same
        for every doc; None draws every source present in the docs.
    page (bool): Return a full HTML page with a colour legend.
    jupyter (Optional[bool]): Override Jupyter auto-detection.
    title (str): The page title.
    options (Any): Passed to :func:`render_doc` (``collapse``,
        ``max_gap_chars``, ``max_span_chars``, ``score_digits``, ``compact``, ``distance``,
        ``colors``).
    RETURNS (Optional[str]): The HTML, or None when displayed in Jupyter.
    """
    docs = [docs] if isinstance(docs, Doc) else list(docs)
    shown = list(sources) if sources is not None else ordered_sources(docs)
    content = "".join(render_doc(doc, shown, **options) for doc in docs)
    if page:
        palette = {**SOURCE_COLORS, **(options.get("colors") or {})}
        legend = "".join(
            f'<span style="color: {palette.get(s, OTHER_COLOR)}">{html.escape(s)}</span>' for s in shown
        )
        content = TPL_PAGE.format(
            title=html.escape(title), legend=f'<div class="mbre-legend">{legend}</div>', content=content
        )
    if jupyter or (jupyter is None and is_in_jupyter()):
        from IPython.display import HTML, display

        display(HTML(content))
        return None
    return content


def write_html(
    docs: Iterable[Doc],
    path: Union[str, Path],
    sources: Optional[Sequence[str]] = None,
    *,
    title: str = "spacy-mbre relations",
    **options: Any,
) -> None:
    """Write docs as one HTML page (see :func:`render`).

    docs (Iterable[Doc]): The docs.
    path (Union[str, Path]): The .html file; its directory is created.
    sources (Optional[Sequence[str]]): See :func:`render`.
    title (str): The page title.
    options (Any): Passed to :func:`render_doc`.
    """
    markup = render(docs, sources, page=True, jupyter=False, title=title, **options)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(markup or "", encoding="utf8")


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


__all__ = [
    "ArcView",
    "SOURCE_COLORS",
    "add_records_from",
    "arc_view",
    "entity_view",
    "ordered_sources",
    "render",
    "render_doc",
    "write_html",
]
