import numpy
import pytest
from thinc.api import NumpyOps

from spacy_mbre.relations.loss import activate, relation_loss


def numpy_loss(logits, truth, weights, n_total, multi_label):
    """The loss as computed before it moved to the model's ops: a numpy copy
    of the logits on the CPU."""
    scores = numpy.asarray(logits, dtype="float32")
    if multi_label:
        probs = 1.0 / (1.0 + numpy.exp(-scores))
    else:
        shifted = scores - scores.max(axis=1, keepdims=True)
        exp = numpy.exp(shifted)
        probs = exp / exp.sum(axis=1, keepdims=True)
    w = numpy.asarray(weights, dtype="float32")[:, None]
    eps = 1e-8
    if multi_label:
        losses = -(truth * numpy.log(probs + eps) + (1 - truth) * numpy.log(1 - probs + eps)).sum(axis=1)
    else:
        losses = (truth * (numpy.log(truth + eps) - numpy.log(probs + eps))).sum(axis=1)
    loss = float((losses * w[:, 0]).sum() / max(n_total, 1))
    d_logits = (w * (probs - truth) / max(n_total, 1)).astype("float32")
    return probs, loss, d_logits


def targets(rng, n, n_labels, kind):
    truth = numpy.zeros((n, n_labels), dtype="float32")
    if kind == "hard":
        truth[numpy.arange(n), rng.integers(0, n_labels, n)] = 1.0
    elif kind == "multi":
        truth[:] = rng.random((n, n_labels)) < 0.3
    else:
        raw = rng.random((n, n_labels)).astype("float32")
        truth[:] = raw / raw.sum(axis=1, keepdims=True)
    return truth


@pytest.mark.parametrize("multi_label", [False, True])
@pytest.mark.parametrize("kind", ["hard", "soft", "multi"])
def test_ops_loss_equals_numpy_loss(multi_label, kind):
    rng = numpy.random.default_rng(7)
    ops = NumpyOps()
    for n, n_total in [(5, 5), (7, 12), (1, 1), (0, 3)]:
        logits = (rng.normal(size=(n, 9)) * 4).astype("float32")
        truth = targets(rng, n, 9, kind)
        weights = list(rng.uniform(0.1, 2.0, n))
        probs, loss, d_logits = numpy_loss(logits, truth, weights, n_total, multi_label)
        got_loss, got_d = relation_loss(ops, logits, truth, weights, n_total, multi_label)
        assert got_loss == loss
        assert got_d.dtype == numpy.float32 and got_d.shape == (n, 9)
        numpy.testing.assert_array_equal(got_d, d_logits)
        numpy.testing.assert_array_equal(activate(logits, multi_label), probs)


def test_activate_keeps_the_array_module():
    logits = numpy.array([[0.0, 1.0, -2.0]], dtype="float64")
    probs = activate(logits, False)
    assert isinstance(probs, numpy.ndarray) and probs.dtype == numpy.float32
    assert probs.sum() == pytest.approx(1.0)
