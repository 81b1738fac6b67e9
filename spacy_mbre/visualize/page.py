"""The HTML around displaCy's output: one doc's figure (header, entity view,
arc views side by side, coloured by source), the page with its legend, and the
.html file."""

import html
from pathlib import Path
from typing import Any, Dict, Iterable, Optional, Sequence, Union

from spacy import displacy
from spacy.tokens import Doc
from spacy.util import is_in_jupyter

from ..data.readers.common import ID_KEY
from ..data.relations import get_pairs
from .views import arc_view, entity_view, ordered_sources

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
