"""Export: the relations a task shows and the spacy-mbre data it carries
through the annotation tool under its ``"mbre"`` key (see :mod:`.common`)."""

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

from spacy.tokens import Doc, Span

from ..data.readers.common import ID_KEY
from ..data.relations import Relation, get_pairs, get_relations

MBRE_KEY = "mbre"


CharPair = Tuple[int, int, int, int]


class TaskError(ValueError):
    """A problem with one task; the reader turns it into a DataError naming
    the file and line."""


@dataclass(frozen=True)
class CarriedRecord:
    """A relation shown to the reviewer, in character offsets.

    pair (CharPair): Head start, head end, tail start, tail end.
    label (str): The relation label.
    score (Optional[float]): Its score, if any.
    """

    pair: CharPair
    label: str
    score: Optional[float] = None


@dataclass
class Carried:
    """The spacy-mbre data carried in a task's ``"mbre"`` key.

    doc_id (Optional[str]): ``doc.user_data["mbre_id"]``.
    source (str): The source of the records shown ("mined").
    pairs (List[CharPair]): The doc's candidate pairs.
    records (List[CarriedRecord]): The relations shown to the reviewer.
    """

    doc_id: Optional[str] = None
    source: str = "mined"
    pairs: List[CharPair] = field(default_factory=list)
    records: List[CarriedRecord] = field(default_factory=list)

    def to_json(self) -> Dict[str, Any]:
        """RETURNS (Dict[str, Any]): The JSON object written under "mbre"."""
        return {
            "id": self.doc_id,
            "source": self.source,
            "pairs": [list(p) for p in self.pairs],
            "records": [
                {"head": list(r.pair[:2]), "tail": list(r.pair[2:]), "label": r.label, "score": r.score}
                for r in self.records
            ],
        }

    @classmethod
    def from_json(cls, data: Any) -> "Carried":
        """data (Any): The JSON value found under "mbre".
        RETURNS (Carried): The parsed data. Raises TaskError if malformed.
        """
        if not isinstance(data, dict):
            raise TaskError(f"'{MBRE_KEY}' must be an object")
        try:
            pairs = [char_pair(p) for p in data.get("pairs") or []]
            records = [
                CarriedRecord(
                    pair=char_pair([*r["head"], *r["tail"]]),
                    label=str(r["label"]),
                    score=None if r.get("score") is None else float(r["score"]),
                )
                for r in data.get("records") or []
            ]
        except (KeyError, TypeError, ValueError) as err:
            raise TaskError(f"'{MBRE_KEY}' is malformed ({type(err).__name__}: {err})") from None
        doc_id = data.get("id")
        return cls(
            doc_id=None if doc_id is None else str(doc_id),
            source=str(data.get("source") or "mined"),
            pairs=pairs,
            records=records,
        )


def shown_relations(doc: Doc, source: str) -> List[Relation]:
    """doc (Doc): The doc.
    source (str): The record source to review.
    RETURNS (List[Relation]): The relations of that source (typing records,
        with tail=None, are left out: the review formats have relations only).
    """
    return [rel for rel in get_relations(doc, source=source) if rel.tail is not None]


def task_spans(doc: Doc, relations: Sequence[Relation]) -> List[Span]:
    """doc (Doc): The doc.
    relations (Sequence[Relation]): The relations shown.
    RETURNS (List[Span]): ``doc.ents`` and the other spans the relations or
        candidate pairs refer to, once each, in text order.
    """
    spans: Dict[Tuple[int, int], Span] = {}
    others = [s for rel in relations for s in (rel.head, rel.tail) if s is not None]
    others += [s for pair in get_pairs(doc) for s in (pair.head, pair.tail) if s is not None]
    for span in [*doc.ents, *others]:
        spans.setdefault((span.start, span.end), span)
    return [spans[key] for key in sorted(spans)]


def carried_for(doc: Doc, relations: Sequence[Relation], source: str) -> Carried:
    """doc (Doc): The doc.
    relations (Sequence[Relation]): The relations shown.
    source (str): Their source.
    RETURNS (Carried): The data a task carries for the import.
    """
    doc_id = doc.user_data.get(ID_KEY)
    return Carried(
        doc_id=None if doc_id is None else str(doc_id),
        source=source,
        pairs=[pair_chars(p.head, p.tail) for p in get_pairs(doc) if p.tail is not None],
        records=[CarriedRecord(pair_chars(r.head, r.tail), r.label, r.score) for r in relations],  # type: ignore[arg-type]
    )


def char_pair(values: Sequence[Any]) -> CharPair:
    """values (Sequence[Any]): A pair as read from JSON.
    RETURNS (CharPair): It as a tuple. Raises ValueError if it is not 4 integers.
    """
    if len(values) != 4 or not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        raise ValueError(f"a pair is 4 character offsets, got {list(values)!r}")
    return (values[0], values[1], values[2], values[3])


def pair_chars(head: Span, tail: Span) -> CharPair:
    """head (Span): The head span.
    tail (Span): The tail span.
    RETURNS (CharPair): Their character offsets.
    """
    return (head.start_char, head.end_char, tail.start_char, tail.end_char)
