"""The classifier's activation and loss, computed with the model's ops (numpy
on CPU, cupy on GPU), so logits stay on the device they were computed on.

* Softmax (one label per pair): the KL divergence of the prediction from the
  target row — equal to cross-entropy for a one-hot target (gold options, or
  "no relation"), and the distillation loss for a soft target.
* Sigmoid (``multi_label``): binary cross-entropy per label.

Each pair's loss is multiplied by its example's weight and the sum divided by
the number of pairs in the batch. The gradient with respect to the logits is
``weight * (probs - target) / n`` in both cases.
"""
from typing import Sequence, Tuple

from thinc.api import Ops, get_array_module
from thinc.types import Floats2d

EPS = 1e-8


def activate(scores: Floats2d, multi_label: bool) -> Floats2d:
    """scores (Floats2d): (n, n_labels) logits, numpy or cupy.
    multi_label (bool): Sigmoid per label instead of a softmax per row.
    RETURNS (Floats2d): float32 probabilities, on the scores' device.
    """
    xp = get_array_module(scores)
    scores = xp.asarray(scores, dtype="float32")
    if multi_label:
        return 1.0 / (1.0 + xp.exp(-scores))
    shifted = scores - scores.max(axis=1, keepdims=True)
    exp = xp.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def relation_loss(
    ops: Ops,
    logits: Floats2d,
    truth: Floats2d,
    weights: Sequence[float],
    n_total: int,
    multi_label: bool,
) -> Tuple[float, Floats2d]:
    """The loss of a batch of pairs and its gradient (see module docs).

    ops (Ops): The model's ops; the arrays are moved to its device.
    logits (Floats2d): (n, n_labels) scores.
    truth (Floats2d): (n, n_labels) targets (one-hot, multi-hot or soft).
    weights (Sequence[float]): Per-pair weights.
    n_total (int): The number of pairs the loss is averaged over.
    multi_label (bool): Binary cross-entropy per label instead of KL divergence.
    RETURNS (Tuple[float, Floats2d]): The loss and its gradient with respect
        to the logits (float32, on the ops' device).
    """
    xp = ops.xp
    probs = activate(ops.asarray2f(logits), multi_label)
    truth = ops.asarray2f(truth)
    w = ops.asarray1f(weights)[:, None]
    if multi_label:
        losses = -(truth * xp.log(probs + EPS) + (1 - truth) * xp.log(1 - probs + EPS)).sum(axis=1)
    else:
        losses = (truth * (xp.log(truth + EPS) - xp.log(probs + EPS))).sum(axis=1)
    loss = float((losses * w[:, 0]).sum() / max(n_total, 1))
    d_logits = (w * (probs - truth) / max(n_total, 1)).astype("float32")
    return loss, d_logits
