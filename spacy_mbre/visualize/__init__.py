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

The package: :mod:`.views` lays out the displaCy data, :mod:`.page` builds
the HTML (one figure per doc, the page, the file) and :mod:`.records` copies
records from other docs.

Use :func:`render` in a notebook (it displays the HTML through displaCy's
Jupyter support) and :func:`write_html` (or ``python -m spacy_mbre
visualize``) for a file.
"""

from .page import OTHER_COLOR, SOURCE_COLORS, TPL_PAGE, render, render_doc, write_html
from .records import add_records_from
from .views import SOURCE_ORDER, ArcView, arc_view, entity_view, format_label, ordered_sources

__all__ = [
    "ArcView",
    "OTHER_COLOR",
    "SOURCE_COLORS",
    "SOURCE_ORDER",
    "TPL_PAGE",
    "add_records_from",
    "arc_view",
    "entity_view",
    "format_label",
    "ordered_sources",
    "render",
    "render_doc",
    "write_html",
]
