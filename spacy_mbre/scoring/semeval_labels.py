"""SemEval-2010 Task 8's labels: the nine relation types, the 19 directional
labels, the scoring modes, and which schemas are SemEval's (see :mod:`.semeval`)."""

import re
from typing import Any, Optional, Tuple

SEMEVAL_OTHER = "Other"
SEMEVAL_RELATIONS: Tuple[str, ...] = (
    "Cause-Effect",
    "Component-Whole",
    "Content-Container",
    "Entity-Destination",
    "Entity-Origin",
    "Instrument-Agency",
    "Member-Collection",
    "Message-Topic",
    "Product-Producer",
)
SEMEVAL_LABELS: Tuple[str, ...] = (
    *(f"{rel}{d}" for rel in SEMEVAL_RELATIONS for d in ("(e1,e2)", "(e2,e1)")),
    SEMEVAL_OTHER,
)
SEMEVAL_MODES = ("official", "19way", "undirected")

_DIRECTION = re.compile(r"\(e[12],e[12]\)$")
SEMEVAL_SCHEMAS = ("semeval", "semeval2010_task8")


def is_semeval_schema(schema: Optional[Any]) -> bool:
    """schema (Optional[Schema]): A schema, or None.
    RETURNS (bool): Whether it is SemEval-2010 Task 8's (the shipped one, or
        any schema with its nine relation types in expanded directions), so
        that the official score applies.
    """
    if schema is None or getattr(schema, "kind", None) != "relation":
        return False
    if schema.name in SEMEVAL_SCHEMAS:
        return True
    return bool(schema.expand_directions) and set(schema.label_names) == set(SEMEVAL_RELATIONS)


def strip_direction(label: str) -> str:
    """label (str): A 19-way label such as "Cause-Effect(e2,e1)".
    RETURNS (str): The label without its direction, e.g. "Cause-Effect".
    """
    return _DIRECTION.sub("", label)
