import pytest
import spacy
from spacy.tokens import Doc, DocBin, Span

from spacy_mbre.data.relations import (
    Pair,
    Relation,
    add_relations,
    get_pairs,
    get_relations,
    relations_by_pair,
    remove_relations,
    set_pairs,
    set_relations,
)


@pytest.fixture
def nlp():
    return spacy.blank("en")


@pytest.fixture
def doc(nlp) -> Doc:
    doc = nlp("Marie Curie was born in Warsaw and worked in Paris .")
    doc.ents = [Span(doc, 0, 2, "PER"), Span(doc, 5, 6, "LOC"), Span(doc, 9, 10, "LOC")]
    return doc


def test_relations_are_directional_and_multi_label(doc):
    marie, warsaw, _ = doc.ents
    doc._.relations = [
        Relation(marie, warsaw, "born_in", score=0.9, source="mined"),
        Relation(marie, warsaw, "lived_in", source="gold"),
        Relation(warsaw, marie, "birthplace_of", source="gold"),
    ]
    rels = doc._.relations
    assert [(r.head.text, r.tail.text, r.label) for r in rels] == [
        ("Marie Curie", "Warsaw", "born_in"),
        ("Marie Curie", "Warsaw", "lived_in"),
        ("Warsaw", "Marie Curie", "birthplace_of"),
    ]
    assert rels[0].score == pytest.approx(0.9) and rels[0].source == "mined"
    assert rels[0].head.label_ == "PER"
    grouped = relations_by_pair(doc)
    assert len(grouped[(0, 2, 5, 6)]) == 2 and len(grouped[(5, 6, 0, 2)]) == 1
    assert [r.label for r in get_relations(doc, source="gold")] == ["lived_in", "birthplace_of"]


def test_same_pair_label_and_source_is_replaced_not_duplicated(doc):
    marie, warsaw, _ = doc.ents
    set_relations(doc, [Relation(marie, warsaw, "born_in", score=0.2)])
    add_relations(doc, [Relation(marie, warsaw, "born_in", score=0.7)])
    assert [(r.label, r.score) for r in doc._.relations] == [("born_in", 0.7)]


def test_gold_and_mined_records_of_one_relation_coexist(doc):
    marie, warsaw, _ = doc.ents
    set_relations(doc, [Relation(marie, warsaw, "born_in", source="gold")])
    add_relations(doc, [Relation(marie, warsaw, "born_in", score=0.7, source="mined")])
    assert [(r.label, r.source) for r in doc._.relations] == [("born_in", "gold"), ("born_in", "mined")]


def test_remove_by_source(doc):
    marie, warsaw, paris = doc.ents
    set_relations(doc, [Relation(marie, warsaw, "born_in"), Relation(marie, paris, "worked_in", source="predicted")])
    remove_relations(doc, "predicted")
    assert [r.label for r in doc._.relations] == ["born_in"]


def test_typing_records_have_no_tail(doc):
    marie = doc.ents[0]
    doc._.relations = [Relation(marie, None, "scientist", score=0.5, source="predicted")]
    (rel,) = doc._.relations
    assert rel.tail is None and rel.pair.is_typing and rel.label == "scientist"


def test_span_from_another_doc_is_rejected(nlp, doc):
    other = nlp("Warsaw")
    with pytest.raises(ValueError, match="another Doc"):
        set_relations(doc, [Relation(doc.ents[0], other[0:1], "x")])


def test_pairs_deduplicate_and_keep_order(doc):
    marie, warsaw, paris = doc.ents
    set_pairs(doc, [Pair(marie, paris), Pair(marie, warsaw), Pair(marie, paris), Pair(warsaw)])
    assert [p.key for p in get_pairs(doc)] == [(0, 2, 9, 10), (0, 2, 5, 6), (5, 6, -1, -1)]


def test_relations_pairs_and_meta_survive_docbin(nlp, doc):
    marie, warsaw, paris = doc.ents
    doc._.candidate_pairs = [Pair(marie, warsaw), Pair(marie, paris)]
    doc._.relations = [Relation(marie, warsaw, "born_in", 0.25, "mined", meta={"strategy": "mbre"})]
    data = DocBin(docs=[doc], store_user_data=True).to_bytes()
    restored = next(DocBin(store_user_data=True).from_bytes(data).get_docs(nlp.vocab))
    (rel,) = restored._.relations
    assert (rel.head.text, rel.tail.text, rel.label, rel.score, rel.source, rel.meta) == (
        "Marie Curie",
        "Warsaw",
        "born_in",
        0.25,
        "mined",
        {"strategy": "mbre"},
    )
    assert [p.key for p in restored._.candidate_pairs] == [(0, 2, 5, 6), (0, 2, 9, 10)]


def test_doc_to_disk_round_trip(tmp_path, nlp, doc):
    doc._.relations = [Relation(doc.ents[0], doc.ents[2], "worked_in")]
    doc.to_disk(tmp_path / "doc")
    restored = Doc(nlp.vocab).from_disk(tmp_path / "doc")
    assert [(r.head.text, r.tail.text, r.label) for r in restored._.relations] == [
        ("Marie Curie", "Paris", "worked_in")
    ]
