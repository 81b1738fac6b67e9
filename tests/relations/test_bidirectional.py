"""PL-Marker's bidirectional prediction (``bidirectional = true``): the joint
targets, the combination of the two passes, one decision per unordered pair,
training packed and per pair, and serialisation, on the MiniLM encoder."""
from typing import List, Tuple

import numpy
import pytest
import spacy
from spacy.language import Language
from thinc.api import fix_random_seed

from spacy_mbre.data.relations import Pair, get_relations
from spacy_mbre.errors import ConfigError
from spacy_mbre.relations.bidirectional import (
    combine_passes,
    decide,
    joint_mask,
    joint_rows,
    marginal_rows,
    n_outputs,
    opposite_index,
    output_names,
    swap_directions,
)
from spacy_mbre.relations.model import get_shim

from .test_packing import GOLD, PACKED, make_nlp, toy_examples

PER_PAIR = {"@architectures": "spacy-mbre.MarkerRelationModel.v1"}


def row(*values: float) -> numpy.ndarray:
    return numpy.array(values, dtype="float32")


def test_outputs_and_names():
    assert n_outputs(3, True) == 5 and n_outputs(3, False) == 3
    assert output_names(["none", "a", "b"]) == ["none", "a", "b", "a (inverse)", "b (inverse)"]


def test_opposite_index_pairs_each_order_with_the_other():
    doc = spacy.blank("en").make_doc("Ann met Bob and Carl .")
    ann, bob, carl = doc[0:1], doc[2:3], doc[4:5]
    pairs = [Pair(ann, bob), Pair(bob, ann), Pair(ann, carl)]
    assert opposite_index(pairs) == [1, 0, None]
    assert opposite_index(pairs, fits=[True, False, True]) == [None, None, None]
    other = spacy.blank("en").make_doc("Ann met Bob and Carl .")
    assert opposite_index([Pair(ann, bob), Pair(other[2:3], other[0:1])]) == [None, None]


def test_joint_rows_put_the_opposite_labels_on_the_inverses():
    # labels [NIL, r, s]; (a, b) has r, (b, a) has s; (c, d) has none; (e, f) has r, its opposite is unknown
    rows = numpy.stack([row(0, 1, 0), row(0, 0, 1), row(1, 0, 0), row(1, 0, 0), row(0, 1, 0)])
    joint = joint_rows(rows, [1, 0, 3, 2, None])
    numpy.testing.assert_allclose(joint[0], [0, 0.5, 0, 0, 0.5])  # r(a→b) and s(b→a) share the mass
    numpy.testing.assert_allclose(joint[1], [0, 0, 0.5, 0.5, 0])
    numpy.testing.assert_allclose(joint[2], [1, 0, 0, 0, 0])
    numpy.testing.assert_allclose(joint[4], [0, 1, 0, 0, 0])
    # one direction labelled: the other pass learns the inverse
    one_way = joint_rows(numpy.stack([row(0, 1, 0), row(1, 0, 0)]), [1, 0])
    numpy.testing.assert_allclose(one_way, [[0, 1, 0, 0, 0], [0, 0, 0, 1, 0]])
    # soft rows: no relation keeps what is left
    soft = joint_rows(numpy.stack([row(0.6, 0.4, 0), row(0.8, 0, 0.2)]), [1, 0])
    numpy.testing.assert_allclose(soft[0], [0.4, 0.4, 0, 0, 0.2], atol=1e-6)


def test_combine_passes_sums_log_probabilities_in_one_frame():
    p_ab = row(0.2, 0.5, 0.1, 0.1, 0.1)
    p_ba = row(0.3, 0.1, 0.1, 0.4, 0.1)  # (b, a)'s frame: its label r (index 1) is r(b→a) for (a, b)
    joint = combine_passes(numpy.stack([p_ab, p_ba]), [1, 0])
    expected = p_ab * swap_directions(p_ba[None])[0]
    numpy.testing.assert_allclose(joint[0], expected / expected.sum(), rtol=1e-5)
    numpy.testing.assert_allclose(joint[1], swap_directions(joint[:1])[0], rtol=1e-5)
    alone = combine_passes(p_ab[None], [None])
    numpy.testing.assert_allclose(alone[0], p_ab)


def test_marginals_rebuild_the_joint_and_decide_once_per_pair():
    joint = numpy.stack([row(0.1, 0.2, 0.05, 0.6, 0.05)])
    joint = numpy.concatenate([joint, swap_directions(joint)])
    rows = marginal_rows(joint)
    numpy.testing.assert_allclose(rows[0], [0.75, 0.2, 0.05], rtol=1e-5)
    numpy.testing.assert_allclose(rows[1], [0.35, 0.6, 0.05], rtol=1e-5)
    numpy.testing.assert_allclose(joint_rows(rows, [1, 0]), joint, rtol=1e-5)
    # best output: r's inverse on (a, b) = r on (b, a), decided once
    assert decide(rows, [1, 0], [True, True], 0.0) == [(1, 1, pytest.approx(0.6))]
    assert decide(rows, [1, 0], [True, True], 0.7) == []
    # (a, b) not classified: (b, a) is decided on its own row (opposite_index gives no opposites)
    assert decide(rows, [None, None], [False, True], 0.0) == [(1, 1, pytest.approx(0.6))]
    # no relation is the joint's best output: nothing is kept
    nil = marginal_rows(numpy.stack([row(0.5, 0.2, 0.1, 0.1, 0.1), row(0.5, 0.1, 0.1, 0.2, 0.1)]))
    assert decide(nil, [1, 0], [True, True], 0.0) == []


def test_decision_differs_from_each_rows_own_argmax():
    """The joint's argmax can pick a label that is not the best of its pair's own row."""
    joint = numpy.stack([row(0.3, 0.35, 0.0, 0.0, 0.35)])
    rows = marginal_rows(numpy.concatenate([joint, swap_directions(joint)]))
    assert rows[0].argmax() == 0 and rows[1].argmax() == 0  # each row alone: no relation
    assert decide(rows, [1, 0], [True, True], 0.0) == [(0, 1, pytest.approx(0.35))]


def test_joint_mask():
    assert joint_mask(None, None, 3) is None
    mask = joint_mask(numpy.array([True, False, True]), None, 3)
    assert mask.tolist() == [True, False, True, True, True]
    mask = joint_mask(None, numpy.array([True, True, False]), 3)
    assert mask.tolist() == [True, True, True, True, False]


def train(model: dict, steps: int, **config) -> Tuple[Language, list, List[float]]:
    fix_random_seed(0)
    nlp = make_nlp(model, bidirectional=True, **config)
    examples = toy_examples(nlp)
    nlp.initialize(lambda: examples)
    optimizer = nlp.create_optimizer()
    optimizer.learn_rate = 2e-4
    losses = [nlp.update(examples, sgd=optimizer)["mbre_relations"] for _ in range(steps)]
    return nlp, examples, losses


@pytest.fixture(scope="module")
def trained_packed():
    """Packed + M-DOS + CLMs (from step 4) with bidirectional prediction, 12 steps."""
    return train(PACKED, 12, clm=True, clm_warmup=4)


def records(nlp: Language, examples) -> List[List[Tuple[int, int, str, float]]]:
    docs = nlp.pipe([eg.x.copy() for eg in examples])
    return [[(r.head.start, r.tail.start, r.label, r.score) for r in get_relations(d, "predicted")] for d in docs]


def test_model_has_inverse_outputs_and_predict_returns_labels(trained_packed):
    nlp, examples, losses = trained_packed
    pipe = nlp.get_pipe("mbre_relations")
    assert pipe.labels == ("no_relation", "located_in", "met", "watched")
    assert pipe.n_outputs == 7 and pipe.model.get_dim("nO") == 7
    assert losses[3] < losses[0] and losses[-1] < losses[4]
    scores = pipe.predict([eg.x.copy() for eg in examples])
    for pairs, probs in zip(scores.pairs, scores.probs):
        assert probs.shape == (20, 4)
        numpy.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)
        opposite = opposite_index(pairs)
        assert all(j is not None for j in opposite)
        joint = joint_rows(probs, opposite)
        numpy.testing.assert_allclose(joint[opposite], swap_directions(joint), atol=1e-5)


def test_one_relation_per_unordered_pair_in_the_gold_direction(trained_packed):
    """12 steps teach most of the toy gold; Dana → Ann ("watched") runs right to left, so its
    pass with Ann as the subject learns it as an inverse, and the decision writes it on (Dana, Ann)."""
    nlp, examples, _ = trained_packed
    for predicted in records(nlp, examples):
        unordered = [frozenset((h, t)) for h, t, _, _ in predicted]
        assert len(unordered) == len(set(unordered))
        found = {(h, t, label) for h, t, label, _ in predicted}
        assert (8, 0, "watched") in found and not any(h == 0 and t == 8 for h, t, _ in found)
        assert len(found & set(GOLD)) >= 3


def test_round_trip(trained_packed, tmp_path):
    nlp, examples, _ = trained_packed
    before = records(nlp, examples)
    nlp.to_disk(tmp_path / "pipe")
    loaded = spacy.load(tmp_path / "pipe")
    fresh = make_nlp(PACKED, bidirectional=True, clm=True, clm_warmup=4)
    fresh.from_bytes(nlp.to_bytes())
    for other in (loaded, fresh):
        pipe = other.get_pipe("mbre_relations")
        assert pipe.bidirectional and get_shim(pipe.model).meta["n_labels"] == 7
        after = records(other, examples)
        assert [[r[:3] for r in d] for d in after] == [[r[:3] for r in d] for d in before]
        for d1, d2 in zip(before, after):
            for r1, r2 in zip(d1, d2):
                assert r1[3] == pytest.approx(r2[3], abs=1e-5)


def test_per_pair_trains_too():
    nlp, examples, losses = train(PER_PAIR, 3)
    assert losses[2] < losses[0]
    for predicted in records(nlp, examples):
        unordered = [frozenset((h, t)) for h, t, _, _ in predicted]
        assert len(unordered) == len(set(unordered))


@pytest.mark.parametrize(
    "config,message",
    [
        ({"task": "typing", "schema": "crossner_ai"}, 'bidirectional = true is for task = "relation"'),
        ({"multi_label": True}, "needs one label per pair"),
        ({"schema": "semeval"}, "expands directions"),
        ({"both_directions": False}, "reads each pair in both orders"),
    ],
)
def test_config_errors(config, message):
    with pytest.raises(ConfigError, match=message):
        make_nlp(PER_PAIR, bidirectional=True, **config)
