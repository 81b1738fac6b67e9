"""report.json's typed reader and the mined-label scores (scoring/mined.py)."""
import json

import pytest

from spacy_mbre.errors import DataError
from spacy_mbre.mining.report import build_report, read_report
from spacy_mbre.scoring.mined import prf, score_mined_records


def test_prf_matches_the_plain_formula():
    assert prf(3, 1, 2) == {"p": 0.75, "r": 0.6, "f1": 0.6667, "tp": 3, "fp": 1, "fn": 2}
    assert prf(0, 0, 0) == {"p": 0.0, "r": 0.0, "f1": 0.0, "tp": 0, "fp": 0, "fn": 0}
    assert prf(1, 2, 0, digits=None)["p"] == pytest.approx(1 / 3)


def test_score_mined_records_counts_asked_pairs_only(semeval_schema):
    gold = [{"head": [0, 1], "tail": [3, 4], "label": "Cause-Effect"},
            {"head": [5, 6], "tail": [7, 8], "label": "Cause-Effect"}]  # not asked: not counted
    mined = [{"head": [0, 1], "tail": [3, 4], "label": "Cause-Effect"},
             {"head": [0, 1], "tail": [3, 4], "label": "Message-Topic"}]
    scores = score_mined_records([({(0, 1, 3, 4), (3, 4, 0, 1)}, gold, mined)], semeval_schema)
    assert scores["micro"] == prf(1, 1, 0)
    assert list(scores["per_label"]) == ["Cause-Effect", "Message-Topic"]


def test_read_report_round_trip_and_errors(tmp_path):
    summary = {"docs": 1, "pairs": 2, "stages": {"binary": {"prompts": 4, "llm_calls": 4, "seconds": 0.5}},
               "mined": {"relations": 1, "pairs_with_relation": 1, "no_relation_pairs": 1, "labels": {"X": 1}}}
    report = build_report(summary, None, {"schema": "s"}, 1.23456, 0)
    (tmp_path / "report.json").write_text(json.dumps(report))
    assert read_report(tmp_path) == report == read_report(tmp_path / "report.json")
    assert report["prompts_per_pair"] == 2 and report["total"]["prompts"] == 4 and report["wall_seconds"] == 1.235
    with pytest.raises(DataError, match="file not found"):
        read_report(tmp_path / "missing.json")
    (tmp_path / "other.json").write_text(json.dumps({"docs": 1}))
    with pytest.raises(DataError, match="not a mining report.json"):
        read_report(tmp_path / "other.json")
