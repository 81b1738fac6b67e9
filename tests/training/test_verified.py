"""LLM-verified self-training (``iterate``), driven by the FAKE oracle LLM
(tests/fake_llm.py) and real ``mbre_relations`` runs of a few steps."""
import json
import sqlite3
import sys
from pathlib import Path

import pytest
from spacy.tokens import DocBin
from typer.testing import CliRunner

from spacy_mbre.cli import app
from spacy_mbre.data.readers import read_semeval
from spacy_mbre.data.schema import load_schema
from spacy_mbre.errors import ConfigError
from spacy_mbre.mining.strategies import StrategySettings
from spacy_mbre.training.verified import PER_ROUND, VerifiedSettings, VerifiedTrainer

SAMPLE = Path(__file__).parents[1] / "mining" / "data" / "semeval_sample.txt"
CONFIG = Path(__file__).parents[2] / "configs" / "semeval.cfg"
FAKE = "spacy-mbre-test.FakeLLM.v1"
TINY = ["--training.max_steps", "3", "--training.eval_frequency", "3", "--training.batcher.size", "8"]


@pytest.fixture()
def files(tmp_path: Path) -> dict:
    """Gold (8 docs), calibration (4), pool (4) from the sample, and the oracle's gold table."""
    fake_llm = sys.modules["spacy_mbre_tests_fake_llm"]
    docs = list(read_semeval(SAMPLE))
    out = {}
    for name, part in (("gold", docs[:8]), ("cal", docs[8:12]), ("pool", docs[12:])):
        out[name] = tmp_path / f"{name}.spacy"
        DocBin(store_user_data=True, docs=part).to_disk(out[name])
    out["table"] = tmp_path / "table.json"
    out["table"].write_text(json.dumps(fake_llm.gold_table(docs, load_schema("semeval"))), encoding="utf8")
    return out


def run(files: dict, out: Path) -> str:
    args = ["iterate", str(CONFIG), str(files["gold"]), str(files["pool"]), str(out), "--calibration-docs",
            str(files["cal"]), "--rounds", "2", "--model", FAKE, "--model-arg", f"gold={files['table']}",
            "--no-progress", *TINY]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def test_rounds_ask_each_question_once_and_resume(tmp_path: Path, files: dict) -> None:
    out = tmp_path / "run"
    run(files, out)
    summary = json.loads((out / "verified.json").read_text())
    rounds = summary["rounds_run"]
    assert [r["round"] for r in rounds] == [1, 2]
    # Round 1's proposer was trained on gold here; round 2's is round 1's model.
    assert rounds[0]["proposer"].endswith(str(Path("round-0") / "train" / "model-best"))
    assert rounds[1]["proposer"] == rounds[0]["model"]
    for r in rounds:
        assert r["decision"]["rule"] == "combined"
        assert r["gold"] is not None and 0.0 <= r["gold"]["p"] <= 1.0  # the pool's hidden gold scores it
    assert (out / "round-2" / "mine" / "train.spacy").exists() and (out / "model-last").is_dir()
    # One shared cache: every LLM call of every step (calibration and pool, both
    # rounds) added one distinct question; nothing was asked twice.
    calls = 0
    for t in (1, 2):
        for report in (out / f"round-{t}" / "calibrate" / "mined" / "report.json", out / f"round-{t}" / "mine" /
                       "report.json"):
            total = json.loads(report.read_text())["total"]
            assert total["prompts"] == total["llm_calls"] + total["cache_hits"]
            calls += total["llm_calls"]
    with sqlite3.connect(out / "answers.sqlite") as conn:
        assert conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == calls > 0
    # A rerun skips every finished step and gives the same summary.
    before = {p: p.stat().st_mtime_ns for p in out.rglob("step.json")}
    run(files, out)
    assert {p: p.stat().st_mtime_ns for p in out.rglob("step.json")} == before
    assert json.loads((out / "verified.json").read_text())["rounds_run"] == rounds
    # An interrupted mining step continues from its journal instead of starting again.
    (out / "round-2" / "mine" / "step.json").unlink()
    assert "round-2/mine: unfinished in an earlier run, continuing it" in run(files, out)
    report = json.loads((out / "round-2" / "mine" / "report.json").read_text())
    assert report["resumed_docs"] == report["docs"] and report["total"]["llm_calls"] == 0


def test_settings_are_checked(tmp_path: Path, files: dict) -> None:
    docs = list(read_semeval(SAMPLE))
    schema = load_schema("semeval")
    args = (CONFIG, files["gold"], docs[12:], docs[8:12], tmp_path / "x", schema)
    mining = StrategySettings(strategy="mbre", proposer="classifier", proposer_model=PER_ROUND)
    with pytest.raises(ConfigError, match="proposer"):
        VerifiedTrainer(*args, StrategySettings(strategy="mbre", proposer="groups"), VerifiedSettings())
    with pytest.raises(ConfigError, match="rounds"):
        VerifiedTrainer(*args, mining, VerifiedSettings(rounds=0))
    with pytest.raises(ConfigError, match="calibration docs"):
        VerifiedTrainer(CONFIG, files["gold"], docs[12:], [], tmp_path / "x", schema, mining, VerifiedSettings())
    # A resumed run must have the same settings; floats compare exactly after the round trip.
    trainer = VerifiedTrainer(*args, mining, VerifiedSettings(target_precision=0.6, overrides={"x.lr": 0.1}))
    trainer.output_dir.mkdir(parents=True)
    trainer._check_run()
    trainer._check_run()
    other = VerifiedTrainer(*args, mining, VerifiedSettings(rounds=3))
    with pytest.raises(ConfigError, match="other settings"):
        other._check_run()
