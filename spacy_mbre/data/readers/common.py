"""Helpers shared by the dataset converters."""
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, List, Optional, Sequence, Tuple, Union

import spacy
import srsly
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from ...errors import DataError

# The user_data keys live in spacy_mbre.data.keys; re-exported for the converters.
from ..keys import ID_KEY as ID_KEY
from ..keys import META_KEY as META_KEY
from ..keys import WEIGHT_KEY as WEIGHT_KEY

NlpOrVocab = Union[Language, Vocab, None]


@dataclass
class ConversionStats:
    """Counts collected while converting a dataset.

    counts (Counter): Named totals, e.g. "docs", "candidate pairs".
    labels (Counter): Number of gold records per relation label or type.
    """

    counts: Counter = field(default_factory=Counter)
    labels: Counter = field(default_factory=Counter)

    def add(self, key: str, n: int = 1) -> None:
        """key (str): The count's name.
        n (int): How much to add.
        """
        self.counts[key] += n

    def rows(self) -> List[Tuple[str, int]]:
        """RETURNS (List[Tuple[str, int]]): The named totals, in insertion order."""
        return list(self.counts.items())

    def label_rows(self) -> List[Tuple[str, int]]:
        """RETURNS (List[Tuple[str, int]]): Per-label counts, most frequent first."""
        return sorted(self.labels.items(), key=lambda kv: (-kv[1], kv[0]))


def get_nlp(nlp: NlpOrVocab = None, lang: str = "en") -> Language:
    """nlp (Union[Language, Vocab, None]): A pipeline, a vocab or None.
    lang (str): Language of the blank pipeline made when none is given.
    RETURNS (Language): A pipeline whose tokenizer the converters use.
    """
    if isinstance(nlp, Language):
        return nlp
    if isinstance(nlp, Vocab):
        return spacy.blank(lang, vocab=nlp)
    return spacy.blank(lang)


def get_vocab(nlp: NlpOrVocab = None) -> Vocab:
    """nlp (Union[Language, Vocab, None]): A pipeline, a vocab or None.
    RETURNS (Vocab): Its vocab, or a blank English vocab.
    """
    if isinstance(nlp, Language):
        return nlp.vocab
    if isinstance(nlp, Vocab):
        return nlp
    return spacy.blank("en").vocab


def doc_from_segments(nlp: Language, segments: Sequence[str]) -> Tuple[Doc, List[Tuple[int, int]]]:
    """Tokenise text given as consecutive segments so that every segment
    boundary is a token boundary (used for inline entity markers).

    nlp (Language): Its tokenizer splits each segment.
    segments (Sequence[str]): The pieces of the text, in order.
    RETURNS (Tuple[Doc, List[Tuple[int, int]]]): The doc (its text is the
        concatenation of the segments) and each segment's token range.
    """
    words: List[str] = []
    spaces: List[bool] = []
    ranges: List[Tuple[int, int]] = []
    for segment in segments:
        # A space opening a segment is the previous token's trailing space,
        # not a whitespace token of its own.
        if segment[:1] == " " and words and not spaces[-1]:
            spaces[-1] = True
            segment = segment[1:]
        start = len(words)
        if segment:
            for token in nlp.tokenizer(segment):
                words.append(token.text)
                spaces.append(bool(token.whitespace_))
        ranges.append((start, len(words)))
    return Doc(nlp.vocab, words=words, spaces=spaces), ranges


def strip_space_tokens(doc: Doc, start: int, end: int) -> Optional[Tuple[int, int]]:
    """doc (Doc): The doc.
    start (int): First token of a range.
    end (int): End (exclusive) of the range.
    RETURNS (Optional[Tuple[int, int]]): The range without leading / trailing
        whitespace tokens, or None if nothing is left.
    """
    while start < end and doc[start].is_space:
        start += 1
    while end > start and doc[end - 1].is_space:
        end -= 1
    return (start, end) if start < end else None


def json_file(path: Union[str, Path]) -> Any:
    """Read a JSON file.

    path (Union[str, Path]): The file.
    RETURNS (Any): The parsed value.
    RAISES (DataError): The file does not exist or is not valid JSON (naming the file).
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(path, None, "file not found")
    try:
        return srsly.read_json(path)
    except ValueError as err:
        raise DataError(path, None, f"not valid JSON: {err}") from None


def json_lines(path: Union[str, Path]) -> Iterator[Tuple[int, Any]]:
    """Read a JSONL file, skipping blank lines.

    path (Union[str, Path]): The file.
    YIELDS (Tuple[int, Any]): The 1-based line number and the parsed value.
    RAISES (DataError): The file does not exist, or a line is not valid JSON
        (naming the file and line).
    """
    path = Path(path)
    if not path.exists():
        raise DataError(path, None, "file not found")
    with path.open(encoding="utf8") as file_:
        for line_no, line in enumerate(file_, 1):
            if not line.strip():
                continue
            try:
                data = srsly.json_loads(line)
            except ValueError as err:
                raise DataError(path, line_no, f"not valid JSON: {err}") from None
            yield line_no, data
