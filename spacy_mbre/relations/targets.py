"""Training targets of the classifier: per pair of a training example, a row
over the component's options.

* Gold targets come from the reference doc's relation records (any source),
  mapped onto the predicted doc's tokens and onto options by
  :func:`spacy_mbre.pairs.options.relation_option` (a direction-expanding
  schema turns a relation whose tail comes first into the reverse option on
  the pair in text order). A pair without gold is "no relation".
* Soft targets (``spacy_mbre.data.soft_labels``) replace the gold row of a
  pair when the reference doc stores one.
* Each pair is weighted by its example's ``doc.user_data["mbre_weight"]``
  (default 1.0).
"""
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Set, Tuple

import numpy
from spacy.tokens import Doc, Span
from spacy.training import Example

from ..data.keys import WEIGHT_KEY
from ..data.relations import Pair, PairKey, get_relations
from ..data.schema import Schema
from ..data.soft_labels import align_soft_targets, get_soft_targets
from ..pairs.options import relation_option

SpanMapper = Callable[[Span], Optional[Tuple[int, int]]]


def span_mapper(example: Example) -> SpanMapper:
    """example (Example): A training example.
    RETURNS (SpanMapper): Maps a span of the
        reference doc to its (start, end) in the predicted doc (None if it
        does not align to one span).
    """
    x, y = example.x, example.y
    same = len(x) == len(y) and all(a.idx == b.idx and a.text == b.text for a, b in zip(x, y))
    if same:
        return lambda span: (span.start, span.end)

    def mapper(span: Span) -> Optional[Tuple[int, int]]:
        aligned = example.get_aligned_spans_y2x([span], allow_overlap=True)
        return (aligned[0].start, aligned[0].end) if len(aligned) == 1 else None

    return mapper


def gold_targets(
    example: Example,
    labels: Sequence[str],
    no_relation: str,
    typing: bool,
    schema: Optional[Schema],
    text_order: bool,
) -> Dict[PairKey, Set[int]]:
    """example (Example): A training example.
    labels (Sequence[str]): The component's options, "no relation" first.
    no_relation (str): The "no relation" label (its records are skipped).
    typing (bool): The typing task (records without a tail) or relations.
    schema (Optional[Schema]): The schema, if any.
    text_order (bool): Pairs are in text order (a direction-expanding schema).
    RETURNS (Dict[PairKey, Set[int]]): Gold option indices by pair key, in
        the predicted doc's token offsets.
    """
    index = {label: i for i, label in enumerate(labels)}
    to_x = span_mapper(example)
    gold: Dict[PairKey, Set[int]] = {}
    for rel in get_relations(example.reference):
        if rel.label == no_relation or (rel.tail is None) != typing:
            continue
        head = to_x(rel.head)
        if head is None:
            continue
        tail = to_x(rel.tail) if rel.tail is not None else None
        if rel.tail is not None and tail is None:
            continue
        key, name = relation_option(schema, rel.label, head, tail, text_order)
        if name in index:
            gold.setdefault(key, set()).add(index[name])
    return gold


def soft_targets(example: Example, labels: Sequence[str]) -> Dict[PairKey, numpy.ndarray]:
    """example (Example): A training example.
    labels (Sequence[str]): The component's options.
    RETURNS (Dict[PairKey, numpy.ndarray]): The reference doc's soft targets
        (see ``spacy_mbre.data.soft_labels``) in the order of ``labels``, by
        pair key in the predicted doc's token offsets.
    """
    stored_labels, stored = get_soft_targets(example.reference)
    if not stored:
        return {}
    stored = align_soft_targets(stored_labels, stored, labels)
    to_x = span_mapper(example)
    ref = example.reference
    soft: Dict[PairKey, numpy.ndarray] = {}
    for key, probs in stored.items():
        head = to_x(ref[key[0] : key[1]])
        tail = to_x(ref[key[2] : key[3]]) if key[2] >= 0 else (-1, -1)
        if head is not None and tail is not None:
            soft[(head[0], head[1], tail[0], tail[1])] = probs
    return soft


def target_row(gold: Set[int], n_labels: int, multi_label: bool) -> numpy.ndarray:
    """gold (Set[int]): Gold option indices of a pair (empty = no relation).
    n_labels (int): The number of options.
    multi_label (bool): Multi-hot (sigmoid) instead of a distribution (softmax).
    RETURNS (numpy.ndarray): The training target over the options: "no
        relation" one-hot without gold; else 1.0 per gold option
        (multi_label) or the gold options sharing 1.0.
    """
    row = numpy.zeros(n_labels, dtype="float32")
    if not gold:
        row[0] = 1.0
    elif multi_label:
        row[sorted(gold)] = 1.0
    else:
        row[sorted(gold)] = 1.0 / len(gold)
    return row


def example_weight(example: Example) -> float:
    """example (Example): A training example.
    RETURNS (float): Its weight, ``reference.user_data["mbre_weight"]`` (default 1.0).
    """
    return float(example.reference.user_data.get(WEIGHT_KEY, 1.0))


def gather_rows(
    rows: Sequence[Optional[int]], targets: Sequence[numpy.ndarray], weights: Sequence[float], n_labels: int
) -> Tuple[numpy.ndarray, List[float]]:
    """Put per-pair targets and weights in the order of the model's output rows.

    rows (Sequence[Optional[int]]): Per pair, its output row (None: it did
        not fit into the encoder and has no row).
    targets (Sequence[numpy.ndarray]): Per pair, its target row.
    weights (Sequence[float]): Per pair, its weight.
    n_labels (int): The number of options.
    RETURNS (Tuple[numpy.ndarray, List[float]]): The (n_rows, n_labels)
        targets and the weights of the rows.
    """
    n_rows = sum(row is not None for row in rows)
    truth = numpy.zeros((n_rows, n_labels), dtype="float32")
    row_weights = [1.0] * n_rows
    for i, row in enumerate(rows):
        if row is not None:
            truth[row] = targets[i]
            row_weights[row] = weights[i]
    return truth, row_weights


def with_target_pairs(doc: Doc, pairs: List[Pair], keys: Iterable[PairKey]) -> List[Pair]:
    """doc (Doc): The predicted doc of a training example.
    pairs (List[Pair]): Its candidate pairs (extended in place).
    keys (Iterable[PairKey]): Pairs with a gold or soft target.
    RETURNS (List[Pair]): The candidate pairs, then the target pairs that are
        not among them (so every target is trained on).
    """
    seen = {p.key for p in pairs}
    for key in keys:
        if key not in seen:
            seen.add(key)
            tail = Span(doc, key[2], key[3]) if key[2] >= 0 else None
            pairs.append(Pair(Span(doc, key[0], key[1]), tail))
    return pairs


def labels_from_examples(examples: Iterable[Example], typing: bool, no_relation: str) -> List[str]:
    """examples (Iterable[Example]): Training examples.
    typing (bool): Type records (no tail) instead of relation records.
    no_relation (str): The "no relation" label.
    RETURNS (List[str]): "No relation", then the sorted labels of the
        reference docs' records of the task.
    """
    found: Set[str] = set()
    for eg in examples:
        for rel in get_relations(eg.reference):
            if (rel.tail is None) == typing and rel.label != no_relation:
                found.add(rel.label)
    return [no_relation, *sorted(found)]


def example_targets(
    example: Example,
    pairs: List[Pair],
    labels: Sequence[str],
    no_relation: str,
    typing: bool,
    schema: Optional[Schema],
    text_order: bool,
    multi_label: bool,
) -> Tuple[List[Pair], List[numpy.ndarray]]:
    """The pairs of a training example and their targets.

    example (Example): A training example.
    pairs (List[Pair]): Its predicted doc's candidate pairs (extended in place).
    labels (Sequence[str]): The component's options, "no relation" first.
    no_relation (str): The "no relation" label.
    typing (bool): The typing task.
    schema (Optional[Schema]): The schema, if any.
    text_order (bool): Pairs are in text order (a direction-expanding schema).
    multi_label (bool): Multi-hot targets (sigmoid).
    RETURNS (Tuple[List[Pair], List[numpy.ndarray]]): The candidate pairs
        and then the pairs with a target that are not among them, and per
        pair its target: the soft target if the reference doc has one, else
        its gold options (none = no relation).
    """
    gold = gold_targets(example, labels, no_relation, typing, schema, text_order)
    soft = soft_targets(example, labels)
    pairs = with_target_pairs(example.x, pairs, [*gold, *soft])
    targets: List[numpy.ndarray] = []
    for pair in pairs:
        target = soft.get(pair.key)
        if target is None:
            target = target_row(gold.get(pair.key, set()), len(labels), multi_label)
        targets.append(target)
    return pairs, targets
