import pytest

from spacy_mbre.mining.decision import candidates, decide


def bin_record(*entries):
    return {
        "pair": [0, 1, 2, 3],
        "bin": [{"option": o, "choice": c, "p_yes": p, "answer": c or "?"} for o, c, p in entries],
    }


def test_no_yes_is_no_relation():
    assert decide(candidates(bin_record(("a", "no", 0.1), ("b", None, None)))) == []


def test_one_yes_kept_with_min_confidence():
    cands = candidates(bin_record(("a", "yes", 0.6), ("b", "no", 0.2)))
    assert decide(cands) == [("a", 0.6)]
    assert decide(cands, min_confidence=0.7) == []


def test_several_yes_use_theta():
    cands = candidates(bin_record(("a", "yes", 0.9), ("b", "yes", 0.005), ("c", "yes", 0.3)))
    assert decide(cands) == [("a", 0.9), ("c", 0.3)]  # theta 0.01 (the paper's)
    assert decide(cands, theta=0.5) == [("a", 0.9)]
    # min_confidence only filters single answers
    assert decide(cands, theta=0.01, min_confidence=0.95) == [("a", 0.9), ("c", 0.3)]


def test_without_probabilities():
    single = candidates(bin_record(("a", "yes", None)))
    assert decide(single, min_confidence=0.9) == [("a", None)]
    several = candidates(bin_record(("a", "yes", None), ("b", "yes", None)))
    assert decide(several) == [("a", None), ("b", None)]
    assert decide(several, no_prob_policy="none") == []
    mixed = candidates(bin_record(("a", "yes", 0.9), ("b", "yes", None)))
    assert decide(mixed, no_prob_policy="none") == []


def test_multiclass_only_record():
    record = {"pair": [0, 1, 2, 3], "mc": [
        {"group": 0, "choice": "a", "probs": {"a": 0.7, "none": 0.3}, "proposed": ["a"], "answer": "A"},
        {"group": 1, "choice": "none", "probs": None, "proposed": [], "answer": "none"},
    ]}
    assert decide(candidates(record)) == [("a", 0.7)]
    # A binary stage that ran with nothing to verify means no relation.
    assert candidates({**record, "bin": []}) == []


def test_decider_component_validates():
    from spacy_mbre.errors import ConfigError
    from spacy_mbre.mining.decider import LabelDecider

    with pytest.raises(ConfigError):
        LabelDecider("d", "semeval", no_prob_policy="maybe")
    with pytest.raises(ConfigError):
        LabelDecider("d", "semeval", theta=2.0)
    with pytest.raises(ConfigError):
        LabelDecider("d", "semeval", confidence="softmax")


def test_raw_confidence_uses_option_mass():
    record = {"pair": [0, 1, 2, 3], "bin": [
        {"option": "a", "choice": "yes", "p_yes": 0.9, "mass": 0.5, "answer": "yes"},
        {"option": "b", "choice": "yes", "p_yes": 0.6, "mass": None, "answer": "yes"},
        {"option": "c", "choice": "yes", "p_yes": 0.8, "answer": "yes"},  # stored before "mass" existed
    ]}
    assert candidates(record) == [("a", 0.45), ("b", 0.6), ("c", 0.8)]
    assert candidates(record, "normalised") == [("a", 0.9), ("b", 0.6), ("c", 0.8)]
    assert decide(candidates(record), theta=0.5) == [("b", 0.6), ("c", 0.8)]
    mc = {"pair": [0, 1, 2, 3], "mc": [{"group": 0, "choice": "a", "probs": {"a": 0.5, "none": 0.5}, "mass": 0.2,
                                        "proposed": ["a"], "answer": "A"}]}
    assert candidates(mc) == [("a", 0.1)]
    with pytest.raises(ValueError):
        candidates(record, "softmax")


def test_binary_entry_records_option_mass():
    from spacy_mbre.llm.types import Answer
    from spacy_mbre.mining.tasks.binary.parser import parse_binary

    entry = parse_binary("a", Answer("yes", {"yes": 0.75, "no": 0.25}, {"option_mass": 0.9}))
    assert entry["p_yes"] == 0.75 and entry["mass"] == 0.9
    assert parse_binary("a", "yes")["mass"] is None
