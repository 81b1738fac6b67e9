"""The combined Label Decision and its calibration (pure functions)."""
import pytest

from spacy_mbre.errors import ConfigError
from spacy_mbre.mining.calibration import evaluate, fit_decision, read_calibration, write_calibration
from spacy_mbre.mining.decision import DecisionRule, combined_scores, decide_record


def record(clf, verified, none=0.1):
    """clf: option → classifier prob; verified: option → P(yes)."""
    return {
        "clf": [{"probs": clf, "none": none, "proposed": list(verified)}],
        "bin": [
            {"option": o, "p_yes": p, "choice": "yes" if p > 0.5 else "no", "mass": 0.98} for o, p in verified.items()
        ],
    }


def test_combined_score_is_a_weighted_geometric_mean():
    rec = record({"A": 0.64, "B": 0.25}, {"A": 0.25, "B": 1.0})
    assert dict(combined_scores(rec, 0.0)) == pytest.approx({"A": 0.25, "B": 1.0})
    assert dict(combined_scores(rec, 1.0)) == pytest.approx({"A": 0.64, "B": 0.25})
    half = combined_scores(rec, 0.5)
    assert [name for name, _ in half] == ["B", "A"]  # best first
    assert dict(half) == pytest.approx({"A": 0.4, "B": 0.5})


def test_combined_rule_keeps_max_labels_above_theta():
    rec = record({"A": 0.9, "B": 0.8}, {"A": 0.9, "B": 0.8})
    assert [n for n, _ in decide_record(rec, DecisionRule("combined", theta=0.5, alpha=0.5))] == ["A"]
    assert [
        n for n, _ in decide_record(rec, DecisionRule("combined", theta=0.5, alpha=0.5, max_labels=2))
    ] == ["A", "B"]
    assert decide_record(rec, DecisionRule("combined", theta=0.95, alpha=0.5)) == []
    # A rejected option can still be kept when the classifier is sure and alpha is high.
    rec = record({"A": 0.99}, {"A": 0.4})
    assert decide_record(rec, DecisionRule("combined", theta=0.6, alpha=0.75))


def test_fallbacks_without_probabilities_or_classifier():
    rec = {"bin": [{"option": "A", "p_yes": None, "choice": "yes"}, {"option": "B", "p_yes": None, "choice": "no"}]}
    assert dict(combined_scores(rec, 0.5)) == {"A": 1.0, "B": 0.0}  # no classifier: P_clf = 1
    rec = {"clf": [{"probs": {}, "none": 0.75}], "bin": [{"option": "C", "p_yes": 1.0, "choice": "yes"}]}
    assert dict(combined_scores(rec, 0.5)) == pytest.approx({"C": 0.5})  # P_clf = 1 - P(none)


def test_paper_rule_is_unchanged():
    rec = record({}, {"A": 0.9, "B": 0.7})
    kept = decide_record(rec, DecisionRule("paper", theta=0.8, confidence="normalised"))
    assert [n for n, _ in kept] == ["A"]
    assert len(decide_record(rec, DecisionRule("paper", theta=0.01))) == 2


@pytest.mark.parametrize("bad", [dict(rule="vote"), dict(alpha=1.5), dict(theta=-0.1), dict(max_labels=0)])
def test_rule_validation(bad):
    with pytest.raises(ConfigError):
        DecisionRule(**bad)


def items():
    """Right options have a high P(yes) and a middling classifier prob; wrong ones the reverse."""
    good = [(record({"A": 0.5, "B": 0.3}, {"A": 0.9, "B": 0.2}), {"A"}) for _ in range(6)]
    bad = [(record({"A": 0.6, "B": 0.3}, {"A": 0.3, "B": 0.4}), set()) for _ in range(4)]
    missed = [(record({"A": 0.6}, {"A": 0.1}), {"B"}) for _ in range(2)]
    return good + bad + missed


def test_fit_maximises_f1_and_records_the_grid():
    cal = fit_decision(items())
    assert cal.decision["rule"] == "combined"
    assert cal.scores["p"] == 1.0 and cal.scores["tp"] == 6 and cal.scores["fn"] == 2
    assert cal.n_pairs == 12 and cal.n_gold == 8 and cal.reached
    assert evaluate(items(), cal.decision["alpha"], cal.decision["theta"]) == cal.scores
    assert [g["alpha"] for g in cal.grid] == [0.0, 0.25, 0.5, 0.75, 1.0]
    # Every grid row is the best F1 for its alpha: none beats the chosen one.
    assert max(g["f1"] for g in cal.grid) == pytest.approx(cal.scores["f1"])


def test_precision_target_and_unreachable_target():
    cal = fit_decision(items(), alphas=(1.0,), objective="precision", target_precision=0.99)
    assert not cal.reached  # the classifier alone cannot separate them: best F1 instead
    cal = fit_decision(items(), alphas=(0.0,), objective="precision", target_precision=0.99)
    assert cal.reached and cal.scores["p"] == 1.0 and cal.target_precision == 0.99


def test_fit_needs_gold_and_round_trips(tmp_path):
    with pytest.raises(ConfigError, match="gold"):
        fit_decision([(record({"A": 0.5}, {"A": 0.5}), set())])
    cal = fit_decision(items())
    write_calibration(tmp_path / "c.json", cal)
    loaded = read_calibration(tmp_path / "c.json")
    assert loaded.decision == cal.decision and loaded.scores == pytest.approx(cal.scores)
    with pytest.raises(ConfigError, match="calibrate"):
        read_calibration(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text('{"x": 1}')
    with pytest.raises(ConfigError, match="not a calibration"):
        read_calibration(tmp_path / "bad.json")
