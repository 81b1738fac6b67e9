"""The 3-gram type-token ratio (spacy_mbre.synthesis.diversity)."""
import pytest
import spacy

from spacy_mbre.synthesis.diversity import GoldOverlap, compare, doc_tokens, ngrams, ttr, type_token_ratio


def test_ngrams_do_not_cross_docs():
    grams = ngrams([["a", "b", "c", "d"], ["e", "f"]], n=3)
    assert grams == [("a", "b", "c"), ("b", "c", "d")]


def test_ttr_values():
    assert ttr([["a", "b", "c", "a", "b", "c"]]) == pytest.approx(3 / 4)  # abc bca cab abc
    assert ttr([["a", "b", "c"], ["a", "b", "c"]]) == pytest.approx(1 / 2)
    assert ttr([["a", "b"]]) == 0.0
    assert type_token_ratio([]) == 0.0


def test_doc_tokens_lowercase_without_space():
    nlp = spacy.blank("en")
    assert doc_tokens(nlp("The  Cat sat")) == ["the", "cat", "sat"]


def test_compare_size_matched_and_novel():
    gold = [["the", "cat", "sat", "on", "the", "mat"]]
    pool = [["the", "cat", "sat", "down"], ["the", "cat", "sat", "down"]]
    out = compare(pool, gold)
    assert out["pool"] == {"ngrams": 4, "types": 2, "ttr": 0.5}
    assert out["gold"] == {"ngrams": 4, "types": 4, "ttr": 1.0}
    assert out["size_matched"] == {"ngrams": 4, "pool_ttr": 0.5, "gold_ttr": 1.0}
    assert out["ttr_ratio"] == 0.5
    assert out["novel_type_fraction"] == 0.5  # ("cat", "sat", "down") is new, ("the", "cat", "sat") is not
    empty = compare([], gold)
    assert empty["pool"]["ttr"] == 0.0 and empty["ttr_ratio"] is None and empty["novel_type_fraction"] == 0.0


def test_gold_overlap_per_gold_text():
    overlap = GoldOverlap([["the", "cat", "sat", "on", "the", "mat"], ["a", "dog", "ran", "home"]])
    assert overlap(["the", "cat", "sat", "on", "the", "mat"]) == 1.0
    assert overlap(["the", "cat", "sat", "on", "a", "rug"]) == pytest.approx(2 / 4)
    # 3-grams from two different gold texts do not add up
    assert overlap(["the", "cat", "sat", "x", "a", "dog", "ran"]) == pytest.approx(1 / 5)
    assert overlap(["too", "short"]) == 0.0
    out = compare([["the", "cat", "sat", "on", "a", "rug"]], [["the", "cat", "sat", "on", "the", "mat"]])
    assert out["mean_max_gold_overlap"] == 0.5
    assert compare([], [["a", "b", "c"]])["mean_max_gold_overlap"] is None
