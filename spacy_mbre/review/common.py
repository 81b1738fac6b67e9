"""What the review formats share: the task read back from a reviewed file,
the spacy-mbre data carried through the annotation tool, and how a reviewed
task becomes a gold doc.

Every exported task carries, under the key ``"mbre"``, what the annotation
tool does not keep itself, in character offsets (so a re-tokenised text still
maps)::

    "mbre": {"id": "1368", "source": "mined",
             "pairs": [[12, 22, 30, 38]],                 # candidate pairs
             "records": [{"head": [12, 22], "tail": [30, 38],
                          "label": "Entity-Destination", "score": 0.6}]}

``records`` are the relations shown to the reviewer, so that the import can
tell accepted, relabelled, added and rejected relations apart; ``pairs``
keep the candidate pairs, so that a rejected relation's pair is trained as
"no relation". A task without the key is imported too: every relation in
it counts as added and only its own pairs become candidate pairs.
"""
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Set, Tuple

from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ..data.readers.common import ID_KEY
from ..data.relations import Pair, Relation, get_pairs, get_relations, set_pairs, set_relations

MBRE_KEY = "mbre"
ACCEPT = "accept"
REJECT = "reject"
IGNORE = "ignore"
ANSWERS = (ACCEPT, REJECT, IGNORE)
# What a rejected task (Prodigy's answer "reject") becomes.
REJECT_NEGATIVE = "negative"
REJECT_DROP = "drop"
REJECT_MODES = (REJECT_NEGATIVE, REJECT_DROP)
# The review status written to each gold record's meta["review"].
ACCEPTED = "accepted"
RELABELLED = "relabelled"
ADDED = "added"

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
            pairs = [_char_pair(p) for p in data.get("pairs") or []]
            records = [
                CarriedRecord(
                    pair=_char_pair([*r["head"], *r["tail"]]),
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


@dataclass
class ReviewedTask:
    """One task of a reviewed file, read by a format module.

    doc (Doc): The text with its tokens and entities (``doc.ents``).
    relations (List[Tuple[Span, Span, str]]): The relations in the task
        (head, tail, label) as the reviewer left them.
    answer (str): "accept", "reject" or "ignore".
    carried (Optional[Carried]): The spacy-mbre data, if the task has it.
    """

    doc: Doc
    relations: List[Tuple[Span, Span, str]]
    answer: str = ACCEPT
    carried: Optional[Carried] = None


@dataclass
class ReviewStats:
    """Counts of an import.

    tasks (Counter): Tasks by answer ("accept", "reject", "ignore").
    relations (Counter): Relations by review outcome: "accepted",
        "relabelled", "added" (gold records written) and "rejected" (shown,
        not kept: their pairs stay candidate pairs without a record).
    docs (int): Gold docs written.
    without_mbre (int): Tasks without the carried spacy-mbre data.
    """

    tasks: Counter = field(default_factory=Counter)
    relations: Counter = field(default_factory=Counter)
    docs: int = 0
    without_mbre: int = 0

    def rows(self) -> List[Tuple[str, int]]:
        """RETURNS (List[Tuple[str, int]]): The counts as table rows."""
        names = {ACCEPT: "tasks accepted", REJECT: "tasks rejected", IGNORE: "tasks ignored"}
        rows = [(names[answer], self.tasks[answer]) for answer in ANSWERS]
        rows += [(f"relations {k}", self.relations[k]) for k in (ACCEPTED, RELABELLED, ADDED, "rejected")]
        rows += [("gold docs written", self.docs), ("tasks without spacy-mbre data", self.without_mbre)]
        return rows


# ------------------------------------------------------------------- export
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
        pairs=[_pair_chars(p.head, p.tail) for p in get_pairs(doc) if p.tail is not None],
        records=[CarriedRecord(_pair_chars(r.head, r.tail), r.label, r.score) for r in relations],  # type: ignore[arg-type]
    )


# ------------------------------------------------------------------- import
def set_entities(doc: Doc, spans: Sequence[Span]) -> None:
    """Set ``doc.ents`` from a task's spans; of overlapping spans the longest
    is kept (relations may still refer to the others).

    doc (Doc): The doc.
    spans (Sequence[Span]): The spans, labelled.
    """
    doc.ents = filter_spans([s for s in spans if s.label_])


def entity_or_span(doc: Doc, start: int, end: int, label: str = "") -> Span:
    """doc (Doc): The doc, its entities set.
    start (int): The first token.
    end (int): The token after the last.
    label (str): The label of a span that is no entity.
    RETURNS (Span): The entity with these boundaries, else a new span.
    """
    for ent in doc.ents:
        if (ent.start, ent.end) == (start, end):
            return ent
    return Span(doc, start, end, label=label)


def gold_doc(task: ReviewedTask, rejected: str, stats: ReviewStats) -> Optional[Doc]:
    """Turn a reviewed task into a gold doc.

    task (ReviewedTask): The task.
    rejected (str): "negative": a rejected task's shown relations are all
        wrong, their pairs stay as candidate pairs without a record;
        "drop": a rejected task is left out.
    stats (ReviewStats): Counts are added here.
    RETURNS (Optional[Doc]): The doc with gold records (``meta["review"]``:
        "accepted", "relabelled" or "added") and candidate pairs, or None
        for an ignored or dropped task.
    """
    stats.tasks[task.answer] += 1
    if task.answer == IGNORE or (task.answer == REJECT and rejected == REJECT_DROP):
        return None
    doc = task.doc
    carried = task.carried
    if carried is None:
        stats.without_mbre += 1
        carried = Carried()
    shown = {(r.pair, r.label) for r in carried.records}
    shown_pairs = {pair for pair, _ in shown}
    kept = task.relations if task.answer == ACCEPT else []
    gold: List[Relation] = []
    kept_keys: Set[Tuple[CharPair, str]] = set()
    for head, tail, label in kept:
        key = (_pair_chars(head, tail), label)
        if key in kept_keys:
            continue
        kept_keys.add(key)
        status = ACCEPTED if key in shown else RELABELLED if key[0] in shown_pairs else ADDED
        stats.relations[status] += 1
        gold.append(Relation(head, tail, label, score=None, source="gold", meta={"review": status}))
    n_rejected = len(shown - kept_keys)
    if n_rejected:
        stats.relations["rejected"] += n_rejected
    # The doc's own candidate pairs first; the pairs of shown, rejected and
    # gold relations only where neither direction is a candidate already (a
    # direction-expanding schema such as SemEval's has one text-order pair
    # for relations in both directions).
    pairs = [p for p in (_pair_spans(doc, cp) for cp in carried.pairs) if p is not None]
    extra = [_pair_spans(doc, cp) for cp in sorted(shown_pairs)]
    if task.answer == REJECT:
        extra += [Pair(head, tail) for head, tail, _ in task.relations]
    extra += [Pair(rel.head, rel.tail) for rel in gold]
    covered = {_unordered(p) for p in pairs}
    for pair in extra:
        if pair is not None and _unordered(pair) not in covered:
            covered.add(_unordered(pair))
            pairs.append(pair)
    set_relations(doc, gold)
    set_pairs(doc, pairs)
    if carried.doc_id is not None:
        doc.user_data[ID_KEY] = carried.doc_id
    stats.docs += 1
    return doc


# ------------------------------------------------------------------ helpers
def _char_pair(values: Sequence[Any]) -> CharPair:
    if len(values) != 4 or not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        raise ValueError(f"a pair is 4 character offsets, got {list(values)!r}")
    return (values[0], values[1], values[2], values[3])


def _pair_chars(head: Span, tail: Span) -> CharPair:
    return (head.start_char, head.end_char, tail.start_char, tail.end_char)


def _unordered(pair: Pair) -> Tuple[Tuple[int, int], Tuple[int, int]]:
    ends = sorted([(pair.head.start, pair.head.end), (pair.tail.start, pair.tail.end)])  # type: ignore[union-attr]
    return (ends[0], ends[1])


def _pair_spans(doc: Doc, pair: CharPair) -> Optional[Pair]:
    head = doc.char_span(pair[0], pair[1], alignment_mode="expand")
    tail = doc.char_span(pair[2], pair[3], alignment_mode="expand")
    if head is None or tail is None or len(head) == 0 or len(tail) == 0:
        return None
    return Pair(entity_or_span(doc, head.start, head.end), entity_or_span(doc, tail.start, tail.end))
