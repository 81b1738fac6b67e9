"""The labels of a schema: :class:`LabelDef` (a label as the schema defines it),
:class:`LabelOption` (what a classifier or an LLM chooses: a label in one
direction) and the two kinds of schema (see :mod:`.schema`)."""

from dataclasses import dataclass
from typing import Tuple

RELATION = "relation"
TYPING = "typing"


@dataclass(frozen=True)
class LabelDef:
    """One label of a schema.

    name (str): The label as it appears on relation records.
    description (str): One line of plain language; may use {head}/{tail}.
    directed (bool): Whether head and tail play different roles.
    types (Tuple[Tuple[str, str], ...]): Allowed (head type, tail type) pairs;
        empty means any.
    """

    name: str
    description: str
    directed: bool = True
    types: Tuple[Tuple[str, str], ...] = ()


@dataclass(frozen=True)
class LabelOption:
    """A choice offered to a classifier or an LLM for a pair.

    name (str): Option name, e.g. "Cause-Effect(e2,e1)" or "P17".
    label (str): The schema label it stands for.
    reverse (bool): Whether choosing it swaps head and tail of the pair.
    template (str): The label's description template.
    """

    name: str
    label: str
    reverse: bool
    template: str

    def describe(self, head: str = "e1", tail: str = "e2") -> str:
        """head (str): Text standing for the pair's first span.
        tail (str): Text standing for the pair's second span.
        RETURNS (str): The description with the roles filled in.
        """
        if self.reverse:
            head, tail = tail, head
        return self.template.replace("{head}", head).replace("{tail}", tail)

