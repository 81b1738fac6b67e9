"""Packed inputs (see :mod:`.packing`): one subject with the levitated markers
of its objects, their directional attention mask, and what the relation model
takes (per-pair or packed inputs)."""

from dataclasses import dataclass, field
from typing import List, Optional, Tuple, Union

import numpy

from .markers import EncodedPair

NONE = "none"
SUBJECT = "subject"
PACKING_MODES = (NONE, SUBJECT)


@dataclass
class PackedInput:
    """One encoder input: a subject and the levitated markers of its objects.

    ids (List[int]): The text tokens ([CLS] … [SEP], with the subject's solid
        markers), then each object's levitated tokens.
    positions (List[int]): The position id of each token.
    n_text (int): Tokens ``[0, n_text)`` are the text.
    first (int): Index of the subject's solid start marker.
    groups (List[Tuple[int, int]]): Per object, the ``[start, end)`` range of
        its levitated tokens: start marker, end marker, then any CLMs.
    first_end (int): Index of the subject's solid end marker.
    """

    ids: List[int]
    positions: List[int]
    n_text: int
    first: int
    groups: List[Tuple[int, int]] = field(default_factory=list)
    first_end: int = -1

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def n_rows(self) -> int:
        """RETURNS (int): Rows of scores the model outputs for this input (one per object)."""
        return len(self.groups)

    @property
    def seconds(self) -> List[int]:
        """RETURNS (List[int]): Index of each object's levitated start marker."""
        return [start for start, _ in self.groups]

    @property
    def second_ends(self) -> List[int]:
        """RETURNS (List[int]): Index of each object's levitated end marker."""
        return [start + 1 for start, _ in self.groups]


# What the relation model takes: per-pair inputs or packed ones (not mixed).
ModelInput = Union[EncodedPair, PackedInput]


@dataclass
class PackedItems:
    """Pairs packed into encoder inputs.

    inputs (List[PackedInput]): The inputs.
    rows (List[Optional[int]]): Per pair, its row in the model's output for
        ``inputs`` (the inputs' rows concatenated); None if it did not fit.
    """

    inputs: List[PackedInput]
    rows: List[Optional[int]]


def attention_mask(packed: PackedInput, mdos: bool) -> numpy.ndarray:
    """The directional attention of a packed input (see module docs).

    packed (PackedInput): The input.
    mdos (bool): Let each levitated marker also see the other objects' markers.
    RETURNS (numpy.ndarray): (length, length) int8; row i, column j is 1 if
        token i attends to token j.
    """
    n = len(packed)
    mask = numpy.zeros((n, n), dtype="int8")
    mask[: packed.n_text, : packed.n_text] = 1
    markers = [i for start, _ in packed.groups for i in (start, start + 1)]
    for start, end in packed.groups:
        mask[start:end, : packed.n_text] = 1
        mask[start:end, start:end] = 1
        if mdos:
            mask[start : start + 2, markers] = 1
    return mask
