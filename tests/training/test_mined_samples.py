"""The training view of mined docs: which pairs enter training, and how."""
import pytest
import spacy
from spacy.tokens import Doc, Span

from spacy_mbre.data.relations import Pair, Relation, get_pairs, get_relations, set_pairs, set_relations
from spacy_mbre.data.schema import load_schema
from spacy_mbre.errors import ConfigError
from spacy_mbre.mining.record import BIN, CLF, MC, pair_record
from spacy_mbre.training.mined_samples import SamplePolicy, is_confident_negative, select_samples

SCHEMA = load_schema("semeval")
NLP = spacy.blank("en")


def mined_doc(labels=(), clf_none=0.1, yes=(), record=None):
    """One SemEval-like doc, pair (0, 4); ``labels``: (label, reverse, score) mined records."""
    doc = Doc(NLP.vocab, words=["fire", "was", "caused", "by", "heat", "."])
    a, b = Span(doc, 0, 1, "ENTITY"), Span(doc, 4, 5, "ENTITY")
    doc.ents = [a, b]
    set_pairs(doc, [Pair(a, b)])
    set_relations(doc, [Relation(b, a, label, s, source="mined") if rev else Relation(a, b, label, s, source="mined")
                        for label, rev, s in labels])
    rec = pair_record(doc, (0, 1, 4, 5))
    if record is not None:
        rec.update(record)
    else:
        rec[CLF] = [{"probs": {"Cause-Effect(e2,e1)": 0.5, "Cause-Effect(e1,e2)": 0.2}, "none": clf_none,
                     "proposed": ["Cause-Effect(e2,e1)"]}]
        rec[BIN] = [{"option": "Cause-Effect(e2,e1)", "choice": "yes" if yes else "no", "p_yes": 0.9 if yes else 0.1}]
    return doc


def test_unknown_pairs_are_dropped_and_negatives_kept():
    docs = [
        mined_doc([("Cause-Effect", True, 0.8)], yes=True),  # labelled
        mined_doc(clf_none=0.1),  # classifier prefers a relation, judge said no: unknown
        mined_doc(clf_none=0.9),  # classifier says none, judge said no: negative
    ]
    kept, counts = select_samples(docs, SCHEMA, SamplePolicy())
    assert counts == {"docs": 2, "labelled": 1, "negative": 1, "unknown": 1, "several": 0, "capped": 0}
    assert [len(get_relations(d)) for d in kept] == [1, 0]
    assert kept[0].user_data["mbre_weight"] == pytest.approx(0.8)
    assert "mbre_weight" not in kept[1].user_data
    kept, counts = select_samples([mined_doc(clf_none=0.1)], SCHEMA, SamplePolicy(unknown="negative"))
    assert counts["negative"] == 1 and get_pairs(kept[0]) and not get_relations(kept[0])
    kept, counts = select_samples([mined_doc(clf_none=0.9)], SCHEMA, SamplePolicy(negatives="drop"))
    assert kept == [] and counts["unknown"] == 1


def test_confident_negative_per_proposer():
    assert is_confident_negative({MC: [{"proposed": []}, {"proposed": []}], BIN: []})
    assert not is_confident_negative({MC: [{"proposed": ["A"]}], BIN: [{"option": "A", "choice": "no"}]})
    assert is_confident_negative({BIN: [{"option": "A", "choice": "no"}, {"option": "B", "choice": "no"}]})
    assert not is_confident_negative({BIN: [{"option": "A", "choice": "yes"}]})
    assert not is_confident_negative({})


def test_several_labels_and_weights():
    doc = lambda: mined_doc([("Cause-Effect", True, 0.6), ("Component-Whole", False, 0.9)], yes=True)  # noqa: E731
    kept, counts = select_samples([doc()], SCHEMA, SamplePolicy())
    assert counts["several"] == 1 and [r.label for r in get_relations(kept[0])] == ["Component-Whole"]
    kept, _ = select_samples([doc()], SCHEMA, SamplePolicy(several="all", weight="none"))
    assert len(get_relations(kept[0])) == 2 and "mbre_weight" not in kept[0].user_data
    kept, counts = select_samples([doc()], SCHEMA, SamplePolicy(several="drop"))
    assert kept == [] and counts["unknown"] == 1


def test_cap_per_label_keeps_the_most_confident():
    docs = [mined_doc([("Cause-Effect", True, s)], yes=True) for s in (0.6, 0.95, 0.7)]
    kept, counts = select_samples(docs, SCHEMA, SamplePolicy(max_per_label=2))
    assert counts["capped"] == 1 and counts["labelled"] == 2
    assert sorted(r.score for d in kept for r in get_relations(d)) == [0.7, 0.95]


@pytest.mark.parametrize("bad", [dict(unknown="keep"), dict(several="first"), dict(max_per_label=0)])
def test_policy_validation(bad):
    with pytest.raises(ConfigError):
        SamplePolicy(**bad)
