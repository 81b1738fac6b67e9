"""Bidirectional prediction (PL-Marker's inverse relations), ``bidirectional = true``.

Pairs come in both orders (a schema that does not expand directions). Without
this setting each ordered pair is classified on its own over the component's
labels ``[no relation, r₁ … r_N]``. With it, the model has ``2N + 1`` outputs
per ordered pair (a, b): "no relation", the N labels from a to b, then their N
inverses (the label from b to a)::

    [NIL, r₁(a→b) … r_N(a→b), r₁(b→a) … r_N(b→a)]

so the pass where a is the subject also learns the relations that run from b
to a. Both passes see the same unordered pair, each with its own subject
markers; this is what PL-Marker's ``run_re.py`` does with its inverse labels
(its ``--no_sym`` variant: every label gets an inverse, since the scorer
compares directions as annotated, symmetric labels too).

* **Targets.** The component's target rows over its N + 1 labels (gold or
  soft, :mod:`.targets`) say, per ordered pair, how likely each label is from
  its head to its tail. The joint row of (a, b) over the 2N + 1 outputs takes
  the labels of (a, b) and, as inverses, those of (b, a); "no relation" keeps
  what is left (:func:`joint_rows`).
* **Inference.** The log-probabilities of the (a, b) and (b, a) passes are
  summed, the second with its labels and inverses swapped, and normalised:
  one joint distribution q per unordered pair (:func:`combine_passes`). Each
  ordered pair's row over the N + 1 labels is its marginal of q: a label from
  its head to its tail, or "no relation" (q's "no relation" plus the inverse
  mass; :func:`marginal_rows`), so ``predict`` returns rows over the
  component's labels as without this setting.
* **Decisions.** One per unordered pair: q is rebuilt from the two rows and
  its best output is kept (PL-Marker's argmax), on (a, b) or, for an inverse,
  on (b, a) (:func:`decide`).

A pair whose opposite is not classified (not a candidate, or it did not fit
the encoder) is decided on its own row; its inverse outputs then count as "no
relation".
"""
from typing import List, Optional, Sequence, Tuple

import numpy

from ..data.relations import Pair

EPS = 1e-12
INVERSE_SUFFIX = " (inverse)"


def n_outputs(n_labels: int, bidirectional: bool) -> int:
    """n_labels (int): The component's labels, "no relation" included (N + 1).
    bidirectional (bool): The setting.
    RETURNS (int): The model's outputs per pair: 2N + 1, or N + 1 without it.
    """
    return 2 * n_labels - 1 if bidirectional else n_labels


def output_names(labels: Sequence[str]) -> List[str]:
    """labels (Sequence[str]): The component's labels, "no relation" first.
    RETURNS (List[str]): The names of the 2N + 1 outputs: the labels, then
        each label's inverse (used to initialise candidate label markers).
    """
    return [*labels, *(f"{label}{INVERSE_SUFFIX}" for label in labels[1:])]


def opposite_index(pairs: Sequence[Pair], fits: Optional[Sequence[bool]] = None) -> List[Optional[int]]:
    """pairs (Sequence[Pair]): Ordered pairs (with tails) of one doc or batch.
    fits (Optional[Sequence[bool]]): Per pair whether it has a row; pairs
        without one are nobody's opposite. None = all have one.
    RETURNS (List[Optional[int]]): Per pair, the index of the pair with head
        and tail swapped, on the same doc (None if there is none).
    """
    index = {}
    for i, pair in enumerate(pairs):
        if fits is None or fits[i]:
            index[(id(pair.head.doc), pair.key)] = i
    out: List[Optional[int]] = []
    for i, pair in enumerate(pairs):
        key = pair.key
        j = index.get((id(pair.head.doc), (key[2], key[3], key[0], key[1])))
        out.append(j if j is not None and j != i and (fits is None or fits[i]) else None)
    return out


def swap_directions(rows: numpy.ndarray) -> numpy.ndarray:
    """rows (numpy.ndarray): (n, 2N + 1) rows of ordered pairs (a, b).
    RETURNS (numpy.ndarray): The same rows as rows of (b, a): labels and
        inverses swapped, "no relation" kept.
    """
    n = (rows.shape[1] - 1) // 2
    return numpy.concatenate([rows[:, :1], rows[:, 1 + n :], rows[:, 1 : 1 + n]], axis=1)


def joint_rows(rows: numpy.ndarray, opposite: Sequence[Optional[int]]) -> numpy.ndarray:
    """Per ordered pair, its row over the 2N + 1 outputs from its own row and
    its opposite's row over the N + 1 labels (see module docs).

    rows (numpy.ndarray): (n, N + 1) rows (targets or marginals), "no
        relation" first, each summing to 1.
    opposite (Sequence[Optional[int]]): Per row, its opposite's row index
        (None: the opposite has "no relation").
    RETURNS (numpy.ndarray): (n, 2N + 1) float32 rows summing to 1: the
        labels of (a, b), the labels of (b, a) as inverses, and "no
        relation" as what is left (at least 0; all of it without labels).
    """
    n_pairs, n_labels = rows.shape
    other = numpy.zeros_like(rows)
    for i, j in enumerate(opposite):
        if j is not None:
            other[i] = rows[j]
    joint = numpy.zeros((n_pairs, 2 * n_labels - 1), dtype="float32")
    joint[:, 1:n_labels] = rows[:, 1:]
    joint[:, n_labels:] = other[:, 1:]
    joint[:, 0] = numpy.clip(1.0 - joint[:, 1:].sum(axis=1), 0.0, None)
    totals = joint.sum(axis=1, keepdims=True)
    return joint / numpy.where(totals > 0, totals, 1.0)


def joint_mask(own: Optional[numpy.ndarray], other: Optional[numpy.ndarray], n_labels: int) -> Optional[numpy.ndarray]:
    """own (Optional[numpy.ndarray]): The labels a pair (a, b) may take under
        the schema's types (None: all).
    other (Optional[numpy.ndarray]): The labels (b, a) may take (None: all).
    n_labels (int): The component's labels (N + 1).
    RETURNS (Optional[numpy.ndarray]): The outputs (a, b)'s joint row may
        take, or None when all are allowed.
    """
    if own is None and other is None:
        return None
    own = own if own is not None else numpy.ones(n_labels, dtype=bool)
    other = other if other is not None else numpy.ones(n_labels, dtype=bool)
    return numpy.concatenate([own, other[1:]])


def combine_passes(probs: numpy.ndarray, opposite: Sequence[Optional[int]]) -> numpy.ndarray:
    """Sum the log-probabilities of each pair's pass and its opposite's (in
    the pair's own frame) and normalise (see module docs).

    probs (numpy.ndarray): (n, 2N + 1) softmax outputs, one row per ordered pair.
    opposite (Sequence[Optional[int]]): Per row, its opposite's row index
        (None: the row is kept as it is).
    RETURNS (numpy.ndarray): (n, 2N + 1) joint distributions; the rows of a
        pair and its opposite are each other's with directions swapped.
    """
    logs = numpy.log(probs.astype("float64") + EPS)
    swapped = swap_directions(logs)
    out = probs.astype("float64").copy()
    for i, j in enumerate(opposite):
        if j is None:
            continue
        scores = logs[i] + swapped[j]
        scores = numpy.exp(scores - scores.max())
        out[i] = scores / scores.sum()
    return out.astype("float32")


def marginal_rows(joint: numpy.ndarray) -> numpy.ndarray:
    """joint (numpy.ndarray): (n, 2N + 1) joint rows, each in its pair's frame.
    RETURNS (numpy.ndarray): (n, N + 1) rows over the component's labels: a
        label from the pair's head to its tail, or "no relation" (the joint's
        "no relation" and every inverse).
    """
    n = (joint.shape[1] - 1) // 2
    out = numpy.empty((joint.shape[0], n + 1), dtype="float32")
    out[:, 1:] = joint[:, 1 : 1 + n]
    out[:, 0] = joint[:, 0] + joint[:, 1 + n :].sum(axis=1)
    return out


def decide(
    rows: numpy.ndarray, opposite: Sequence[Optional[int]], fits: Sequence[bool], threshold: float
) -> List[Tuple[int, int, float]]:
    """One decision per unordered pair (see module docs).

    rows (numpy.ndarray): (n, N + 1) rows from ``predict`` (marginals).
    opposite (Sequence[Optional[int]]): Per row, its opposite's row index.
    fits (Sequence[bool]): Per row, whether the pair was classified.
    threshold (float): The minimum probability of the chosen output.
    RETURNS (List[Tuple[int, int, float]]): (row of the pair the relation
        runs on, label index, probability) per relation kept.
    """
    chosen: List[Tuple[int, int, float]] = []
    n_labels = rows.shape[1]
    for i, j in enumerate(opposite):
        if not fits[i] or (j is not None and j < i):
            continue
        joint = joint_rows(rows[[i] if j is None else [i, j]], [None] if j is None else [1, 0])[0]
        best = int(joint.argmax())
        if best == 0 or joint[best] < threshold:
            continue
        if best < n_labels:
            chosen.append((i, best, float(joint[best])))
        elif j is not None:
            chosen.append((j, best - n_labels + 1, float(joint[best])))
    return chosen
