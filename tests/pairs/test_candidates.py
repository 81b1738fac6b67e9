"""The shared pairing function: candidate pairs under a (typed) schema."""
from typing import List

import pytest
import spacy
from spacy.tokens import Doc, Span
from wasabi import Printer

from spacy_mbre.data.readers import read_jsonl
from spacy_mbre.data.relations import Pair, get_pairs, set_pairs
from spacy_mbre.data.schema import Schema, load_schema
from spacy_mbre.pairs import PairCounts, PairSettings, candidate_pairs, store_candidate_pairs

TYPED_PAIRS = [3, 4, 2, 1, 0, 1]
UNTYPED_PAIRS = [6, 6, 2, 2, 2, 2]


def texts(pairs: List[Pair]) -> List[tuple]:
    return [(p.head.text, p.tail.text if p.tail is not None else None) for p in pairs]


@pytest.fixture()
def typed_docs(typed_jsonl) -> List[Doc]:
    return list(read_jsonl(typed_jsonl))


def test_typed_schema_pairs_only_allowed_type_pairs(typed_docs, typed_schema_path):
    schema = load_schema(typed_schema_path)
    assert [len(candidate_pairs(doc, schema)) for doc in typed_docs] == TYPED_PAIRS
    assert [len(candidate_pairs(doc, None)) for doc in typed_docs] == UNTYPED_PAIRS
    assert texts(candidate_pairs(typed_docs[0], schema)) == [
        ("John Smith", "Boston"),
        ("John Smith", "IBM"),
        ("IBM", "Boston"),
    ]
    for doc in typed_docs:
        for pair in candidate_pairs(doc, schema):
            assert len(schema.pair_options(pair.head.label_, pair.tail.label_)) == 1


def test_stored_pairs_are_filtered_by_types(typed_docs, typed_schema_path):
    schema = load_schema(typed_schema_path)
    doc = typed_docs[0]
    john, boston, ibm = doc.ents
    set_pairs(doc, [Pair(boston, john), Pair(john, boston), Pair(boston, ibm)])
    assert texts(candidate_pairs(doc, schema)) == [("John Smith", "Boston")]


def test_untyped_schema_pairs_are_unchanged(typed_docs):
    """SemEval (no types, one text-ordered pair) and Re-DocRED (no types,
    both orders): every pair of entities, as before."""
    doc = typed_docs[1]
    semeval, redocred = load_schema("semeval"), load_schema("redocred")
    assert len(candidate_pairs(doc, redocred)) == 6
    assert texts(candidate_pairs(doc, semeval)) == [("Oswald", "Kennedy"), ("Oswald", "Dallas"), ("Kennedy", "Dallas")]
    a, b, _ = doc.ents
    set_pairs(doc, [Pair(b, a)])
    assert texts(candidate_pairs(doc, semeval)) == [("Oswald", "Kennedy")]
    assert texts(candidate_pairs(doc, redocred)) == [("Kennedy", "Oswald")]


def test_expanded_typed_schema_asks_text_ordered_pairs_either_way():
    schema = Schema.from_dict(
        {
            "name": "x",
            "expand_directions": True,
            "labels": [{"name": "Founded", "description": "{head} founded {tail}", "types": [["PER", "ORG"]]}],
        }
    )
    doc = Doc(spacy.blank("en").vocab, words=["Acme", "was", "founded", "by", "Ann", "in", "Paris"])
    doc.ents = [Span(doc, 0, 1, "ORG"), Span(doc, 4, 5, "PER"), Span(doc, 6, 7, "LOC")]
    pairs = candidate_pairs(doc, schema)
    assert texts(pairs) == [("Acme", "Ann")]
    assert [o.name for o in schema.pair_options("ORG", "PER")] == ["Founded(e2,e1)"]


def test_settings_spans_and_limits_are_kept(typed_docs, typed_schema_path):
    schema = load_schema(typed_schema_path)
    settings = PairSettings(max_distance=2, max_pairs=None)
    assert texts(candidate_pairs(typed_docs[1], schema, settings)) == [
        ("Oswald", "Kennedy"),
        ("Kennedy", "Oswald"),
        ("Kennedy", "Dallas"),
    ]


def test_pair_counts_and_warning(typed_docs, typed_schema_path, capsys):
    schema = load_schema(typed_schema_path)
    counts = PairCounts().count(typed_docs, schema)
    assert (counts.docs, counts.pairs, counts.docs_without_pairs) == (6, 11, 1)
    counts.report(Printer(), schema)
    out = capsys.readouterr().out
    assert "11 candidate pairs in 6 docs under schema 'conll04_like'" in out
    assert "1 docs with entities have no candidate pair" in out
    assert PairCounts().count(typed_docs, None).docs_without_pairs == 0


def test_store_candidate_pairs_keeps_stored_ones(typed_docs, typed_schema_path):
    schema = load_schema(typed_schema_path)
    john, boston, _ = typed_docs[0].ents
    set_pairs(typed_docs[0], [Pair(john, boston)])
    counts = PairCounts()
    docs = list(store_candidate_pairs(typed_docs, schema, counts))
    assert [len(get_pairs(doc)) for doc in docs] == [1, 4, 2, 1, 0, 1]
    assert counts.pairs == 9 and counts.docs_without_pairs == 1
