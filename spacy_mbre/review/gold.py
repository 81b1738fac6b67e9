"""Import: a task read back from a reviewed file, and how it becomes a gold doc
(accepted, relabelled, added and rejected relations; see :mod:`.common`)."""

from collections import Counter
from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Set, Tuple

from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ..data.readers.common import ID_KEY
from ..data.relations import Pair, Relation, set_pairs, set_relations
from .carried import Carried, CharPair, pair_chars

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
        key = (pair_chars(head, tail), label)
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


def _unordered(pair: Pair) -> Tuple[Tuple[int, int], Tuple[int, int]]:
    ends = sorted([(pair.head.start, pair.head.end), (pair.tail.start, pair.tail.end)])  # type: ignore[union-attr]
    return (ends[0], ends[1])


def _pair_spans(doc: Doc, pair: CharPair) -> Optional[Pair]:
    head = doc.char_span(pair[0], pair[1], alignment_mode="expand")
    tail = doc.char_span(pair[2], pair[3], alignment_mode="expand")
    if head is None or tail is None or len(head) == 0 or len(tail) == 0:
        return None
    return Pair(entity_or_span(doc, head.start, head.end), entity_or_span(doc, tail.start, tail.end))
