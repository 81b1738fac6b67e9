"""Entity location by character offsets mapped to word pieces."""
from typing import Any, List

import pytest

from spacy_mbre.errors import ConfigError
from spacy_mbre.pretrain.samples import PretrainSample
from spacy_mbre.pretrain.spans import (
    SKIP_NOT_FOUND,
    SKIP_TOO_LONG,
    TokenSpan,
    between_span,
    char_span_to_tokens,
    check_tokenizer,
    encode_sample,
    encode_samples,
)


def pieces(tokenizer: Any, ids: Any, span: TokenSpan) -> List[str]:
    return tokenizer.convert_ids_to_tokens(list(ids))[span.start : span.end]


def test_multi_piece_entities_are_located_whole(tokenizer: Any, samples: List[PretrainSample]) -> None:
    encoded, skipped = encode_samples(tokenizer, samples, 64)
    assert not skipped
    found = [(pieces(tokenizer, e.input_ids, e.head), pieces(tokenizer, e.input_ids, e.tail)) for e in encoded]
    assert found[0] == (["ki", "##lim", "##an", "##jar", "##o"], ["heavy", "snowfall"])
    assert found[1] == (["photos", "##yn", "##thesis"], ["auditorium"])
    assert found[2] == (["wheel"], ["tri", "##cycle"])
    assert found[5] == (["the", "##rm", "##od", "##yna", "##mics"], ["entropy"])
    # The span between the entities, in word pieces.
    assert pieces(tokenizer, encoded[0].input_ids, encoded[0].between) == ["expedition", "was", "delayed", "by"]
    for sample in encoded:
        assert not any(sample.special[i] for i in [*sample.head.positions(), *sample.tail.positions()])


def test_repeated_word_is_located_by_offset_not_by_pieces(tokenizer: Any) -> None:
    # Searching the tail's word pieces ("dog") would find the first "dog".
    text = "The dog chased the other dog ."
    sample = PretrainSample(text, (4, 7), (25, 28), "Other")
    encoded, reason = encode_sample(tokenizer, sample, 32)
    assert encoded is not None and reason == ""
    assert (encoded.head, encoded.tail) == (TokenSpan(2, 3), TokenSpan(6, 7))
    assert pieces(tokenizer, encoded.input_ids, encoded.between) == ["chased", "the", "other"]


def test_tail_before_head(tokenizer: Any) -> None:
    sample = PretrainSample("The wheel of the tricycle broke .", (17, 25), (4, 9))
    encoded, _ = encode_sample(tokenizer, sample, 32)
    assert encoded is not None
    assert pieces(tokenizer, encoded.input_ids, encoded.head) == ["tri", "##cycle"]
    assert pieces(tokenizer, encoded.input_ids, encoded.between) == ["of", "the"]


def test_long_text_is_windowed_around_the_pair(tokenizer: Any) -> None:
    text = "word " * 40 + "The wheel of the tricycle broke ." + " word" * 40
    start = len("word " * 40)
    sample = PretrainSample(text, (start + 4, start + 9), (start + 17, start + 25))
    encoded, _ = encode_sample(tokenizer, sample, 16)
    assert encoded is not None and len(encoded) == 16
    assert encoded.special[0] and encoded.special[-1] and not any(encoded.special[1:-1])
    assert pieces(tokenizer, encoded.input_ids, encoded.head) == ["wheel"]
    assert pieces(tokenizer, encoded.input_ids, encoded.tail) == ["tri", "##cycle"]


def test_skips_pairs_that_do_not_fit_or_are_not_found(tokenizer: Any) -> None:
    too_long = PretrainSample("The wheel of the big old tricycle broke .", (4, 9), (25, 33))
    blank = PretrainSample("The  wheel broke .", (3, 4), (5, 10))
    encoded, skipped = encode_samples(tokenizer, [too_long, blank], 6)
    assert encoded == []
    assert [reason for _, reason in skipped] == [SKIP_TOO_LONG, SKIP_NOT_FOUND]


def test_char_span_to_tokens_ignores_special_offsets() -> None:
    offsets = [(0, 0), (0, 3), (4, 6), (6, 9), (0, 0)]
    assert char_span_to_tokens(offsets, (5, 8)) == TokenSpan(2, 4)
    assert char_span_to_tokens(offsets, (10, 12)) is None


def test_between_span_is_empty_for_adjacent_entities() -> None:
    assert len(between_span(TokenSpan(1, 3), TokenSpan(3, 4))) == 0
    assert between_span(TokenSpan(5, 6), TokenSpan(1, 3)) == TokenSpan(3, 5)


def test_sample_offsets_are_checked() -> None:
    with pytest.raises(ValueError, match="outside the text"):
        PretrainSample("short", (0, 3), (2, 9))


def test_slow_tokenizer_is_refused() -> None:
    class Slow:
        is_fast = False

    with pytest.raises(ConfigError, match="fast"):
        check_tokenizer(Slow())
