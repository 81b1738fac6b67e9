"""Cleaning and rejection of LLM explanations (:class:`ExplanationFilter`).

An answer is cleaned (whitespace collapsed, a leading "Explanation:" or
"Answer:" and enclosing quotes dropped) and rejected when it is empty, too
short, a copy of the sentence, repetitive (a looping generation) or names
neither entity; the reason is one of :data:`REASONS`.
"""
import re
from dataclasses import dataclass
from typing import Optional, Tuple

from ..errors import ConfigError
from .explanations import ExplainItem

EMPTY = "empty"
TOO_SHORT = "too_short"
COPY = "copy_of_sentence"
REPETITIVE = "repetitive"
NO_ENTITY = "names_neither_entity"
REASONS = (EMPTY, TOO_SHORT, COPY, REPETITIVE, NO_ENTITY)
PREFIX_RE = re.compile(r"^\s*(explanation|answer)\s*:\s*", re.IGNORECASE)
WORD_RE = re.compile(r"\w+")


@dataclass(frozen=True)
class ExplanationFilter:
    """Cleans answers and rejects degenerate ones.

    min_words (int): Fewer words: TOO_SHORT.
    min_distinct_trigrams (float): With at least 6 word 3-grams, a smaller
        share of distinct ones: REPETITIVE.
    require_entity (bool): Reject explanations naming neither entity.
    """

    min_words: int = 5
    min_distinct_trigrams: float = 0.5
    require_entity: bool = True

    def __post_init__(self) -> None:
        if self.min_words < 0:
            raise ConfigError(f"min_words must be >= 0, got {self.min_words}.")
        if not 0.0 <= self.min_distinct_trigrams <= 1.0:
            raise ConfigError(f"min_distinct_trigrams must be between 0 and 1, got {self.min_distinct_trigrams}.")

    @staticmethod
    def clean(answer: str) -> str:
        """answer (str): The raw answer.
        RETURNS (str): Whitespace collapsed, a leading "Explanation:" and
            enclosing quotes removed.
        """
        text = " ".join(PREFIX_RE.sub("", answer.strip()).split())
        if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
            text = text[1:-1].strip()
        return text

    def check(self, item: ExplainItem, answer: str) -> Tuple[str, Optional[str]]:
        """item (ExplainItem): The explained relation.
        answer (str): The raw answer.
        RETURNS (Tuple[str, Optional[str]]): The cleaned text and the reason
            it is rejected (None: kept).
        """
        text = self.clean(answer)
        words = WORD_RE.findall(text.lower())
        if not words:
            return text, EMPTY
        if len(words) < self.min_words:
            return text, TOO_SHORT
        sentence_words = WORD_RE.findall(item.sentence.lower())
        if f" {' '.join(words)} " in f" {' '.join(sentence_words)} ":
            return text, COPY
        trigrams = list(zip(words, words[1:], words[2:]))
        if len(trigrams) >= 6 and len(set(trigrams)) / len(trigrams) < self.min_distinct_trigrams:
            return text, REPETITIVE
        lowered = text.lower()
        if self.require_entity and item.head_text.lower() not in lowered and item.tail_text.lower() not in lowered:
            return text, NO_ENTITY
        return text, None
