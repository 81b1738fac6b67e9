"""Soft labels on docs: storage, DocBin round trip, alignment to another label order."""
import numpy
import pytest
import spacy
from spacy.tokens import DocBin

from spacy_mbre.data.soft_labels import align_soft_targets, get_soft_targets, remove_soft_targets, set_soft_targets
from spacy_mbre.errors import ConfigError


def test_round_trip_through_docbin():
    nlp = spacy.blank("en")
    doc = nlp("The fire was caused by the heat .")
    set_soft_targets(doc, ["Other", "Cause-Effect(e2,e1)"], {(1, 2, 6, 7): [0.25, 0.75], (6, 7, -1, -1): [1.0, 0.0]})
    doc_bin = DocBin(store_user_data=True)
    doc_bin.add(doc)
    loaded = next(DocBin(store_user_data=True).from_bytes(doc_bin.to_bytes()).get_docs(nlp.vocab))
    labels, targets = get_soft_targets(loaded)
    assert labels == ["Other", "Cause-Effect(e2,e1)"]
    assert set(targets) == {(1, 2, 6, 7), (6, 7, -1, -1)}
    numpy.testing.assert_allclose(targets[(1, 2, 6, 7)], [0.25, 0.75])
    remove_soft_targets(loaded)
    assert get_soft_targets(loaded) == ([], {})


def test_wrong_length_is_refused():
    doc = spacy.blank("en")("a b")
    with pytest.raises(ConfigError, match="2 labels"):
        set_soft_targets(doc, ["Other", "X"], {(0, 1, 1, 2): [1.0]})


def test_align_reorders_and_checks_labels():
    targets = {(0, 1, 2, 3): numpy.array([0.1, 0.2, 0.7], dtype="float32")}
    aligned = align_soft_targets(["Other", "A", "B"], targets, ["Other", "B", "A", "C"])
    numpy.testing.assert_allclose(aligned[(0, 1, 2, 3)], [0.1, 0.7, 0.2, 0.0])
    assert align_soft_targets(["Other", "A", "B"], targets, ["Other", "A", "B"]) is targets
    # An unknown label without probability mass is dropped; with mass it is an error.
    zero = {(0, 1, 2, 3): numpy.array([0.3, 0.7, 0.0], dtype="float32")}
    numpy.testing.assert_allclose(
        align_soft_targets(["Other", "A", "Z"], zero, ["Other", "A"])[(0, 1, 2, 3)], [0.3, 0.7]
    )
    with pytest.raises(ConfigError, match=r"\['B'\]"):
        align_soft_targets(["Other", "A", "B"], targets, ["Other", "A"])
