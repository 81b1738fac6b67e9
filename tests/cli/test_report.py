"""`report`: tables, JSON and PNGs from small fixture files; the θ sweep
from stored stage answers."""
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest
import spacy
import srsly
from spacy.tokens import DocBin, Span
from typer.testing import CliRunner

from spacy_mbre.cli import app
from spacy_mbre.data.relations import Pair, Relation, set_pairs, set_relations
from spacy_mbre.data.schema import load_schema
from spacy_mbre.mining.sweep import theta_sweep

runner = CliRunner()


def mining_report(strategy: str, seconds: float, f1: float, prompts_per_pair: float) -> Dict[str, Any]:
    stage = {"prompts": 40, "llm_calls": 40, "cache_hits": 0, "unparseable": 0, "prompt_tokens": 40000.0,
             "evaluated_tokens": 3000.0, "reused_tokens": 37000.0, "generated_tokens": 0.0, "seconds": seconds}
    return {
        "settings": {
            "schema": "semeval2010_task8", "strategy": {"strategy": strategy, "theta": 0.01, "no_prob_policy": "all"}
        },
        "docs": 10, "pairs": 10, "resumed_docs": 0,
        "stages": {"binary": stage}, "total": stage,
        "prompts_per_pair": prompts_per_pair, "llm_calls_per_pair": prompts_per_pair, "wall_seconds": seconds + 5.0,
        "mined": {"relations": 6, "pairs_with_relation": 6, "no_relation_pairs": 4, "labels": {"Cause-Effect": 6}},
        "gold": {"micro": {"p": 0.5, "r": f1, "f1": f1, "tp": 3, "fp": 3, "fn": 2}, "per_label": {}},
    }


def eval_result(label: str, micro_f: float, macro_f: float) -> Dict[str, Any]:
    return {
        "label": label, "task": "relation", "schema": "semeval", "docs": 50, "seconds": 1.0,
        "scores": {"rel_micro_f": micro_f},
        "headline": {"micro_p": 0.4, "micro_r": 0.3, "micro_f": micro_f, "macro_f": 0.2, "semeval_macro_f": macro_f},
    }


def write_fixtures(tmp_path: Path) -> Tuple[List[Path], List[Path]]:
    minings = []
    for strategy, seconds, f1, ppp in (("mbre", 120.5, 0.41, 4.2), ("multiclass", 30.25, 0.22, 3.0)):
        directory = tmp_path / f"mined_{strategy}"
        directory.mkdir()
        srsly.write_json(directory / "report.json", mining_report(strategy, seconds, f1, ppp))
        minings.append(directory)
    evals = []
    for label, micro, macro in (("gold only", 0.312, 0.287), ("gold + mined", 0.433, 0.398)):
        path = tmp_path / f"{label.replace(' ', '_')}.json"
        srsly.write_json(path, eval_result(label, micro, macro))
        evals.append(path)
    return minings, evals


def test_report_table_and_plots(tmp_path):
    minings, evals = write_fixtures(tmp_path)
    out = tmp_path / "reports"
    args = (
        ["report", str(out)]
        + [a for m in minings for a in ("--mining", str(m))]
        + [a for e in evals for a in ("--eval", str(e))]
    )
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    markdown = (out / "report.md").read_text()
    assert "| mbre | 0.010 | 10 | 4.200 | 40 |" in markdown
    assert "| 120.5 |" in markdown and "| 0.410 |" in markdown
    assert "| gold + mined | 50 | 0.400 | 0.300 | 0.433 | 0.200 | 0.398 | – |" in markdown
    data = srsly.read_json(out / "report.json")
    assert [row["strategy"] for row in data["mining"]] == ["mbre", "multiclass"]
    assert data["evaluation"][1]["semeval_macro_f"] == 0.398
    assert data["theta_sweep"] is None
    for name in ("f1_vs_llm_time.png", "f1_gold_vs_mined.png"):
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert str(out / name) in result.output
    assert not (out / "theta_sweep.png").exists()


def test_report_needs_inputs(tmp_path):
    result = runner.invoke(app, ["report", str(tmp_path / "r")])
    assert result.exit_code != 0


def test_report_bad_json(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    result = runner.invoke(app, ["report", str(tmp_path / "r"), "--eval", str(bad)])
    assert "expected a JSON object" in str(result.exception)


def make_doc(nlp, gold: Optional[str], answers: List[Tuple[str, float]]):
    """A gold doc and its mined twin: pair (fire, heat), binary answers stored."""
    doc = nlp.make_doc("The fire was caused by the heat .")
    a, b = Span(doc, 1, 2, label="ENT"), Span(doc, 6, 7, label="ENT")
    doc.ents = [a, b]
    set_pairs(doc, [Pair(a, b)])
    mined = doc.copy()
    if gold:
        set_relations(doc, [Relation(b, a, gold)])
    mined.user_data["mbre_mining"] = {
        "pairs": [
            {
                "pair": [1, 2, 6, 7], "mc": [],
                "bin": [{"option": o, "answer": "yes", "choice": "yes", "p_yes": p} for o, p in answers],
            }
        ]
    }
    return doc, mined


def test_theta_sweep_reruns_the_decision():
    nlp = spacy.blank("en")
    pairs = [
        make_doc(nlp, "Cause-Effect", [("Cause-Effect(e2,e1)", 0.9), ("Message-Topic(e1,e2)", 0.6)]),
        make_doc(nlp, "Cause-Effect", [("Cause-Effect(e2,e1)", 0.55)]),
        make_doc(nlp, None, [("Content-Container(e1,e2)", 0.7)]),
    ]
    gold_docs = [g for g, _ in pairs]
    mined_docs = [m for _, m in pairs]
    sweep = theta_sweep(mined_docs, gold_docs, load_schema("semeval"), thetas=(0.0, 0.65, 0.95))
    assert sweep["pairs_with_several_scored_yes"] == 1
    paper = {row["theta"]: row for row in sweep["theta"]}
    assert paper[0.0]["mined"] == 4 and paper[0.0]["p"] == 0.5 and paper[0.0]["r"] == 1.0
    assert paper[0.65]["mined"] == 3  # Message-Topic (0.6) dropped; single yes kept
    assert paper[0.95]["mined"] == 2  # both of the first pair dropped
    every = {row["theta"]: row for row in sweep["theta_all"]}
    assert every[0.65]["mined"] == 2 and every[0.65]["p"] == 0.5  # 0.55 and 0.6 dropped
    assert every[0.95]["mined"] == 0


def test_report_with_sweep(tmp_path):
    nlp = spacy.blank("en")
    pairs = [make_doc(nlp, "Cause-Effect", [("Cause-Effect(e2,e1)", 0.9), ("Message-Topic(e1,e2)", 0.6)])]
    minings, _ = write_fixtures(tmp_path)
    pool = tmp_path / "pool.spacy"
    DocBin(store_user_data=True, docs=[pairs[0][0]]).to_disk(pool)
    DocBin(store_user_data=True, docs=[pairs[0][1]]).to_disk(minings[0] / "mined.spacy")
    out = tmp_path / "reports"
    result = runner.invoke(
        app, ["report", str(out), "--mining", str(minings[0]), "--sweep-pool", str(pool), "--schema", "semeval"]
    )
    assert result.exit_code == 0, result.output
    data = srsly.read_json(out / "report.json")
    assert data["theta_sweep"]["strategy"] == "mbre"
    assert (out / "theta_sweep.png").exists()
    assert "θ sweep" in (out / "report.md").read_text()


def test_verdict_says_whether_mined_beats_gold_only():
    from spacy_mbre.reporting import build_report, to_markdown

    gold = {"label": "gold-only", "semeval_macro_f": 0.30, "micro_f": 0.35, "docs": 10, "source": "g.json"}
    better = {"label": "gold+mined", "semeval_macro_f": 0.34, "micro_f": 0.33, "docs": 10, "source": "m.json"}
    worse = {"label": "gold+mined", "semeval_macro_f": 0.25, "micro_f": 0.40, "docs": 10, "source": "m.json"}
    for row in (gold, better, worse):
        row.update({k: None for k in ("micro_p", "micro_r", "macro_f", "accuracy")})
    report = build_report([], [gold, better])
    assert report["verdict"][0]["better"] and report["verdict"][0]["difference"] == pytest.approx(0.04)
    assert "gold+mined beats gold-only: SemEval official macro-F1 34.00 vs 30.00 (+4.00)" in to_markdown(report)
    report = build_report([], [gold, worse])
    assert not report["verdict"][0]["better"] and "does not beat" in to_markdown(report)
    assert build_report([], [gold])["verdict"] == []


def test_cost_plot_uses_llm_seconds_per_pair(tmp_path):
    """Runs over pools of different sizes share the F1-vs-cost axis: x is
    LLM seconds per pair, not summed seconds; unscored runs are left out."""
    from spacy_mbre.reporting import build_report, cost_points, make_plots, mining_row

    big = {**mining_report("mbre", 200.0, 0.5, 4.0), "pairs": 100}
    small = mining_report("multiclass", 30.0, 0.25, 3.0)  # 10 pairs
    unscored = {**mining_report("binary", 50.0, 0.1, 18.0), "gold": None}
    rows = [mining_row(r, tmp_path / f"{i}.json") for i, r in enumerate((big, small, unscored))]
    report = build_report(rows, [])
    points = cost_points(report)
    assert [(p["label"], p["pairs"], p["x"], p["y"]) for p in points] == [
        ("mbre", 100, pytest.approx(2.0), 0.5), ("multiclass", 10, pytest.approx(3.0), 0.25)
    ]
    assert points[0]["text"] == "mbre, 100 pairs (4.0 q/pair)"
    (written,) = make_plots(report, tmp_path / "plots")
    assert written.name == "f1_vs_llm_time.png" and written.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
