"""The explanation corpus: :class:`ExplainItem` (a gold relation to explain),
:class:`Explanation` (a kept explanation, one line of ``explanations.jsonl``)
and :func:`read_explanations`. Written by :mod:`.explain`, read by
``pretrain --explanations``::

    {"sentence": "...", "head": [4, 8], "tail": [27, 31], "head_text": "fire",
     "tail_text": "heat", "label": "Cause-Effect", "explanation": "..."}

``head`` and ``tail`` are character offsets into ``sentence``.
"""
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, Union

from ..errors import DataError
from .samples import CharSpan, PretrainSample

SOURCE = "explanations"


@dataclass(frozen=True)
class ExplainItem:
    """A gold relation to explain.

    sentence (str): The context holding both entities.
    head (CharSpan): Character offsets of the head in ``sentence``.
    tail (CharSpan): Character offsets of the tail.
    label (str): The relation label.
    """

    sentence: str
    head: CharSpan
    tail: CharSpan
    label: str

    @property
    def head_text(self) -> str:
        """RETURNS (str): The head's text."""
        return self.sentence[self.head[0] : self.head[1]]

    @property
    def tail_text(self) -> str:
        """RETURNS (str): The tail's text."""
        return self.sentence[self.tail[0] : self.tail[1]]


@dataclass(frozen=True)
class Explanation:
    """A kept explanation: a line of the corpus.

    item (ExplainItem): The explained relation.
    explanation (str): The cleaned explanation.
    """

    item: ExplainItem
    explanation: str

    def to_record(self) -> Dict[str, Any]:
        """RETURNS (Dict[str, Any]): The JSONL record."""
        return {
            "sentence": self.item.sentence,
            "head": list(self.item.head),
            "tail": list(self.item.tail),
            "head_text": self.item.head_text,
            "tail_text": self.item.tail_text,
            "label": self.item.label,
            "explanation": self.explanation,
        }

    def to_sample(self, source: str = SOURCE) -> PretrainSample:
        """source (str): The corpus name.
        RETURNS (PretrainSample): The sentence followed by the explanation,
            the entities located in the sentence, labelled with the gold label.
        """
        text = f"{self.item.sentence} {self.explanation}"
        return PretrainSample(text, self.item.head, self.item.tail, self.item.label, source)


def read_explanations(path: Union[str, Path]) -> Iterator[Explanation]:
    """path (Union[str, Path]): An explanations.jsonl written by ``explain``.
    YIELDS (Explanation): Its records.
    RAISES (DataError): A line is not a valid record (file:line).
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(path, None, "no such file")
    with path.open(encoding="utf8") as file_:
        for line_no, line in enumerate(file_, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                item = ExplainItem(
                    sentence=str(data["sentence"]),
                    head=(int(data["head"][0]), int(data["head"][1])),
                    tail=(int(data["tail"][0]), int(data["tail"][1])),
                    label=str(data["label"]),
                )
                explanation = Explanation(item, str(data["explanation"]))
                explanation.to_sample()  # checks the offsets
            except ValueError as err:
                raise DataError(path, line_no, f"not an explanation record: {err}") from None
            except (KeyError, IndexError, TypeError) as err:
                raise DataError(path, line_no, f"not an explanation record (missing or malformed {err})") from None
            yield explanation
