"""The HTML of `spacy_mbre.visualize`: entities, one arc view per source,
arcs head → tail with labels and scores."""
import re
from typing import Dict, List

import pytest
import spacy
from spacy.tokens import Doc, Span

from spacy_mbre.data.readers.common import ID_KEY
from spacy_mbre.data.relations import Pair, Relation, set_pairs, set_relations
from spacy_mbre.visualize import add_records_from, arc_view, entity_view, ordered_sources, render, render_doc

TEXT = "Marie Curie was born in Warsaw and later worked for many years in Paris ."


@pytest.fixture
def nlp():
    return spacy.blank("en")


def make_doc(nlp, relations=True) -> Doc:
    doc = nlp.make_doc(TEXT)
    # Marie Curie (0, 2), Warsaw (5, 6), Paris (13, 14)
    doc.ents = [Span(doc, 0, 2, "PER"), Span(doc, 5, 6, "LOC"), Span(doc, 13, 14, "LOC")]
    per, warsaw, paris = doc.ents
    set_pairs(doc, [Pair(per, warsaw), Pair(per, paris), Pair(paris, per)])
    doc.user_data[ID_KEY] = "d1"
    if relations:
        set_relations(
            doc,
            [
                Relation(per, warsaw, "born_in", source="gold"),
                Relation(per, warsaw, "born_in", score=0.93, source="mined"),
                Relation(per, paris, "works_in", score=0.41, source="mined"),
                Relation(per, paris, "lives_in", score=0.35, source="mined"),
                Relation(paris, per, "home_of", score=0.8, source="predicted"),
                Relation(per, None, "scientist", score=0.7, source="predicted"),
            ],
        )
    return doc


def source_blocks(markup: str) -> Dict[str, str]:
    """The markup of each source's arc view, by source."""
    parts = markup.split('<div class="mbre-source" ')[1:]
    return {re.search(r'data-source="([^"]+)"', part).group(1): part for part in parts}


def arc_labels(markup: str) -> List[str]:
    return re.findall(r'class="displacy-label"[^>]*>([^<]*)</textPath>', markup)


def test_ordered_sources(nlp):
    doc = make_doc(nlp)
    set_relations(doc, [*doc._.relations, Relation(doc.ents[0], doc.ents[1], "x", source="synthetic")])
    assert ordered_sources([doc]) == ["gold", "mined", "predicted", "synthetic"]


def test_arc_view_collapses_text_and_points_at_the_tail(nlp):
    doc = make_doc(nlp)
    mined = arc_view(doc, "mined", sources=["gold", "mined", "predicted"])
    words = [w["text"] for w in mined.parse["words"]]
    # spans and the text between them; the long gap is shortened
    assert words[0] == "Marie Curie" and words[2] == "Warsaw" and words[4] == "Paris" and words[5] == "."
    assert "…" in words[3]
    assert [w["tag"] for w in mined.parse["words"]][:3] == ["PER", "", "LOC"]
    # two labels on one pair share one arc; both arcs point right (head first)
    assert mined.n_records == 3
    arcs = sorted(mined.parse["arcs"], key=lambda a: a["end"])
    assert [(a["start"], a["end"], a["dir"]) for a in arcs] == [(0, 2, "right"), (0, 4, "right")]
    assert arcs[1]["label"] == "works_in 0.41 / lives_in 0.35"
    predicted = arc_view(doc, "predicted", sources=["gold", "mined", "predicted"])
    # head (Paris) after tail: the arrow points left, at Marie Curie; the typing record is no arc
    assert predicted.n_records == 1
    assert predicted.parse["arcs"] == [{"start": 0, "end": 4, "label": "home_of 0.80", "dir": "left"}]


def test_arc_view_without_collapse_has_one_word_per_token_outside_spans(nlp):
    doc = make_doc(nlp)
    view = arc_view(doc, "gold", collapse=False)
    assert len(view.parse["words"]) == len(doc) - 1  # "Marie Curie" is one word
    assert view.parse["arcs"][0]["start"] == 0 and view.parse["arcs"][0]["end"] == 4


def test_arc_view_counts_records_on_one_word(nlp):
    doc = make_doc(nlp, relations=False)
    per = doc.ents[0]
    # "Curie" overlaps the entity "Marie Curie": drawn at the word of its first token
    curie = Span(doc, 1, 2, "PER")
    set_relations(doc, [Relation(per, curie, "same_as", source="gold"), Relation(curie, doc.ents[1], "born_in")])
    view = arc_view(doc, "gold")
    assert view.n_records == 2 and view.n_hidden == 1
    assert [(a["start"], a["end"]) for a in view.parse["arcs"]] == [(0, 2)]


def test_entity_view_has_entities_and_typing_records(nlp):
    doc = make_doc(nlp)
    view = entity_view(doc, ["gold", "mined", "predicted"])
    assert view["tokens"] == [t.text for t in doc]
    labels = [(s["start_token"], s["end_token"], s["label"]) for s in view["spans"]]
    assert labels == [(0, 2, "PER"), (5, 6, "LOC"), (13, 14, "LOC"), (0, 2, "predicted: scientist 0.70")]
    assert entity_view(doc, ["gold"])["spans"][-1]["label"] == "LOC"


def test_render_doc_html_structure(nlp):
    markup = render_doc(make_doc(nlp))
    assert markup.startswith('<figure class="mbre-doc" data-id="d1">')
    assert "3 candidate pairs · 1 gold, 3 mined, 1 predicted" in markup
    blocks = source_blocks(markup)
    assert list(blocks) == ["gold", "mined", "predicted"]
    assert [blocks[s].count('class="displacy-arrow"') for s in blocks] == [1, 2, 1]
    assert 'data-records="3"' in blocks["mined"]
    assert arc_labels(blocks["gold"]) == ["born_in"]
    assert sorted(arc_labels(blocks["mined"])) == ["born_in 0.93", "works_in 0.41 / lives_in 0.35"]
    # each source is drawn in its own colour
    assert 'color: #1b7f3b' in blocks["gold"] and 'color: #1f5fbf' in blocks["mined"]
    # the entity view (displaCy "span" style) shows the typing record
    assert "predicted: scientist 0.70" in markup.split('<div class="mbre-sources">')[0]


def test_render_doc_listed_source_without_records(nlp):
    doc = make_doc(nlp)
    blocks = source_blocks(render_doc(doc, ["gold", "synthetic"]))
    assert list(blocks) == ["gold", "synthetic"]
    assert blocks["synthetic"].count('class="displacy-arrow"') == 0
    assert 'data-records="0"' in blocks["synthetic"]


def test_render_escapes_labels(nlp):
    doc = make_doc(nlp, relations=False)
    set_relations(doc, [Relation(doc.ents[0], doc.ents[1], "<b>born</b>", source="gold")])
    markup = render_doc(doc)
    assert "<b>born" not in markup and "&lt;b&gt;born&lt;/b&gt;" in markup


def test_render_page_and_notebook_return(nlp):
    docs = [make_doc(nlp), make_doc(nlp, relations=False)]
    page = render(docs, page=True, jupyter=False, title="My docs")
    assert page.startswith("<!DOCTYPE html>") and "<title>My docs</title>" in page
    assert page.count('<figure class="mbre-doc"') == 2
    # every doc gets the same views, so the doc without records has empty ones
    assert page.count('<div class="mbre-source" ') == 6
    assert 'class="mbre-legend"' in page
    fragment = render(docs[0], ["gold"], jupyter=False)
    assert fragment.startswith("<figure") and fragment.count('<div class="mbre-source" ') == 1


def test_add_records_from_matches_by_id(nlp):
    mined = make_doc(nlp, relations=False)
    set_relations(mined, [Relation(mined.ents[0], mined.ents[1], "born_in", score=0.9, source="mined")])
    gold = make_doc(nlp)
    other = nlp.make_doc("Something else entirely .")
    other.user_data[ID_KEY] = "d2"
    (out,) = add_records_from([mined], [other, gold])
    sources = sorted({r.source for r in out._.relations})
    # the mined source is kept as it was, gold and predicted are copied
    assert sources == ["gold", "mined", "predicted"]
    assert len([r for r in out._.relations if r.source == "mined"]) == 1
    assert [r.head.doc is out for r in out._.relations] == [True] * 4


def test_long_spans_are_shortened_and_spacing_fits_the_longest_word(nlp):
    doc = nlp.make_doc("The International Business Machines Corporation of America hired Ann .")
    doc.ents = [Span(doc, 1, 7, "ORG"), Span(doc, 8, 9, "PER")]
    set_relations(doc, [Relation(doc.ents[1], doc.ents[0], "employee_of", source="gold")])
    words = [w["text"] for w in arc_view(doc, "gold", max_span_chars=20).parse["words"]]
    # the first and last words are kept, the middle ones while they fit
    assert words[1] == "International … America"
    assert arc_view(doc, "gold", collapse=False).parse["words"][1]["text"] == doc.ents[0].text
    # the longest word (23 characters) sets the spacing, 23 * 8 + 24 pixels;
    # the first word sits half a spacing (+ 10) from the left
    assert re.search(r'x="(\d+)"', render_doc(doc)).group(1) == str((23 * 8 + 24) // 2 + 10)
    short = nlp.make_doc("A b .")
    assert re.search(r'x="(\d+)"', render_doc(short, ["gold"])).group(1) == str(110 // 2 + 10)
