"""Cleaning and rejection of LLM explanations."""
from typing import Any

import pytest

from spacy_mbre.errors import ConfigError
from spacy_mbre.pretrain.explanations import ExplainItem
from spacy_mbre.pretrain.filtering import COPY, EMPTY, NO_ENTITY, REPETITIVE, TOO_SHORT, ExplanationFilter

ITEM = ExplainItem("The fire was caused by the heat .", (27, 31), (4, 8), "Cause-Effect")


@pytest.mark.parametrize(
    "answer,reason",
    [
        ("", EMPTY),
        ("  ...  ", EMPTY),
        ("Because it is.", TOO_SHORT),
        ("The fire was caused by the heat.", COPY),
        ("the heat and the heat and the heat and the heat and the heat and the heat", REPETITIVE),
        ("This holds because of what the sentence describes in context.", NO_ENTITY),
        ("Explanation: The heat started the fire, so heat is the cause.", None),
    ],
)
def test_filter_reasons(answer: str, reason: Any) -> None:
    text, got = ExplanationFilter().check(ITEM, answer)
    assert got == reason
    if reason is None:
        assert text == "The heat started the fire, so heat is the cause."


def test_copy_rule_matches_whole_words_only() -> None:
    assert ExplanationFilter().check(ITEM, "fire was caused by the heat")[1] == COPY
    assert ExplanationFilter().check(ITEM, "he fire was caused by the heat")[1] is None


def test_cleaning_drops_labels_quotes_and_extra_space() -> None:
    assert ExplanationFilter.clean('  Answer:  "The heat\n started   the fire."  ') == "The heat started the fire."


def test_bad_filter_settings_are_refused() -> None:
    with pytest.raises(ConfigError, match="min_words"):
        ExplanationFilter(min_words=-1)
    with pytest.raises(ConfigError, match="min_distinct_trigrams"):
        ExplanationFilter(min_distinct_trigrams=2.0)
