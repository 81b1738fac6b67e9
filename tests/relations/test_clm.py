import numpy
import pytest

from spacy_mbre.errors import ConfigError
from spacy_mbre.relations.clm import select_candidates, warmup_steps


def test_select_top_n_bottom_m_descending():
    scores = numpy.array([[0.05, 0.4, 0.1, 0.3, 0.01, 0.14]])
    [(top, bottom)] = select_candidates(scores, top_n=2, bottom_m=3)
    assert top == [1, 3]
    # The three lowest, kept in descending score order.
    assert bottom == [2, 0, 4]


def test_select_rows_are_independent():
    scores = numpy.array([[0.1, 0.2, 0.7], [0.6, 0.3, 0.1]])
    out = select_candidates(scores, top_n=1, bottom_m=1)
    assert out == [([2], [0]), ([0], [2])]


def test_select_never_overlaps_when_labels_are_few():
    scores = numpy.array([[0.5, 0.3, 0.2]])
    [(top, bottom)] = select_candidates(scores, top_n=2, bottom_m=4)
    assert top == [0, 1]
    assert bottom == [2]
    assert not set(top) & set(bottom)


def test_select_ties_are_stable():
    scores = numpy.array([[0.25, 0.25, 0.25, 0.25]])
    [(top, bottom)] = select_candidates(scores, top_n=2, bottom_m=2)
    assert top == [0, 1] and bottom == [2, 3]


def test_warmup_steps():
    assert warmup_steps(0.3, 1000) == 300
    assert warmup_steps(50, None) == 50
    assert warmup_steps(0.0, None) == 0
    with pytest.raises(ConfigError):
        warmup_steps(0.3, None)
    with pytest.raises(ConfigError):
        warmup_steps(-1, 10)
