import warnings

import pytest
import spacy
from spacy.tokens import Doc, Span

from spacy_mbre.errors import ConfigError
from spacy_mbre.pairs import PairSettings, generate_pairs
from spacy_mbre.pairs.generate import PairsCutWarning


@pytest.fixture
def doc() -> Doc:
    nlp = spacy.blank("en")
    # Sentences: "Alice met Bob in Paris ." | "Carol left ."
    words = ["Alice", "met", "Bob", "in", "Paris", ".", "Carol", "left", "."]
    sent_starts = [True, False, False, False, False, False, True, False, False]
    doc = Doc(nlp.vocab, words=words, sent_starts=sent_starts)
    doc.ents = [Span(doc, 0, 1, "PER"), Span(doc, 2, 3, "PER"), Span(doc, 4, 5, "LOC"), Span(doc, 6, 7, "PER")]
    return doc


def keys(pairs):
    return [(p.head.text, p.tail.text if p.tail is not None else None) for p in pairs]


def test_both_directions_same_sentence_in_deterministic_order(doc):
    pairs = generate_pairs(doc, PairSettings())
    assert keys(pairs) == [
        ("Alice", "Bob"),
        ("Bob", "Alice"),
        ("Alice", "Paris"),
        ("Paris", "Alice"),
        ("Bob", "Paris"),
        ("Paris", "Bob"),
    ]
    assert keys(generate_pairs(doc, PairSettings())) == keys(pairs)


def test_one_direction_keeps_text_order(doc):
    pairs = generate_pairs(doc, PairSettings(both_directions=False))
    assert keys(pairs) == [("Alice", "Bob"), ("Alice", "Paris"), ("Bob", "Paris")]


def test_cross_sentence_pairs_only_when_asked(doc):
    pairs = generate_pairs(doc, PairSettings(both_directions=False, same_sentence=False))
    assert ("Paris", "Carol") in keys(pairs)
    assert len(pairs) == 6


def test_doc_without_sentence_boundaries_is_one_sentence():
    nlp = spacy.blank("en")
    doc = nlp("Alice met Bob . Carol left .")
    doc.ents = [Span(doc, 0, 1, "PER"), Span(doc, 4, 5, "PER")]
    assert keys(generate_pairs(doc, PairSettings(both_directions=False))) == [("Alice", "Carol")]


def test_max_distance_counts_tokens_between_spans(doc):
    pairs = generate_pairs(doc, PairSettings(both_directions=False, max_distance=1))
    # Alice-Bob: 1 token between; Bob-Paris: 1; Alice-Paris: 3.
    assert keys(pairs) == [("Alice", "Bob"), ("Bob", "Paris")]


def test_allowed_types_filter_directional(doc):
    pairs = generate_pairs(doc, PairSettings(allowed_types={("PER", "LOC")}))
    assert keys(pairs) == [("Alice", "Paris"), ("Bob", "Paris")]


def test_max_pairs_cuts_with_warning(doc):
    with pytest.warns(PairsCutWarning, match="keeping the first 2"):
        pairs = generate_pairs(doc, PairSettings(max_pairs=2))
    assert keys(pairs) == [("Alice", "Bob"), ("Bob", "Alice")]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        generate_pairs(doc, PairSettings(max_pairs=6))


def test_typing_mode_yields_single_spans(doc):
    pairs = generate_pairs(doc, PairSettings(mode="typing"))
    assert keys(pairs) == [("Alice", None), ("Bob", None), ("Paris", None), ("Carol", None)]
    assert all(p.is_typing for p in pairs)


def test_spans_key_reads_span_group(doc):
    doc.spans["mentions"] = [Span(doc, 6, 7, "PER"), Span(doc, 7, 8, "EVENT")]
    pairs = generate_pairs(doc, PairSettings(spans_key="mentions", both_directions=False))
    assert keys(pairs) == [("Carol", "left")]


def test_overlapping_spans_are_not_paired():
    nlp = spacy.blank("en")
    doc = nlp("New York City")
    doc.spans["m"] = [Span(doc, 0, 2, "LOC"), Span(doc, 0, 3, "LOC"), Span(doc, 2, 3, "LOC")]
    assert keys(generate_pairs(doc, PairSettings(spans_key="m", both_directions=False))) == [("New York", "City")]


@pytest.mark.parametrize(
    "kwargs", [{"mode": "tuples"}, {"max_distance": -1}, {"max_pairs": 0}]
)
def test_bad_settings_raise_config_error(kwargs):
    with pytest.raises(ConfigError):
        PairSettings(**kwargs)
