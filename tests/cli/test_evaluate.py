"""`evaluate`: run a saved pipeline on converted test docs and score it."""
from pathlib import Path

import pytest
import spacy
import srsly
from typer.testing import CliRunner

from spacy_mbre.cli import app

runner = CliRunner()
FIXED_PIPE = Path(__file__).parent / "fixed_pipe.py"


def save_fixed_pipeline(path: Path) -> Path:
    from spacy.util import import_file

    module = import_file("spacy_mbre_test_fixed_pipe", FIXED_PIPE)
    nlp = spacy.blank("en")
    nlp.add_pipe(module.NAME)
    nlp.to_disk(path)
    return path


def test_evaluate_fixed_pipeline(semeval_docbin, tmp_path):
    model = save_fixed_pipeline(tmp_path / "pipe")
    out = tmp_path / "metrics" / "eval.json"
    args = ["evaluate", str(model), str(semeval_docbin), str(out), "--schema", "semeval", "--code", str(FIXED_PIPE),
            "--label", "fixed"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = srsly.read_json(out)
    assert data["label"] == "fixed" and data["docs"] == 12 and data["task"] == "relation"
    # Every pair is predicted Cause-Effect(e2,e1): 3 of 12 right, 9 gold relations.
    head = data["headline"]
    assert head["micro_p"] == pytest.approx(3 / 12)
    assert head["micro_r"] == pytest.approx(3 / 9)
    assert 0.0 < head["semeval_macro_f"] < 1.0
    assert data["scores"]["rel_semeval_f_per_type"]
    assert data["docs_per_second"] > 0
    assert data["pairs"] == 12 and data["pairs_per_second"] > 0


def test_evaluate_rel_plus(semeval_docbin, tmp_path):
    model = save_fixed_pipeline(tmp_path / "pipe")
    out = tmp_path / "eval.json"
    args = ["evaluate", str(model), str(semeval_docbin), str(out), "--schema", "semeval", "--code", str(FIXED_PIPE)]
    assert runner.invoke(app, [*args, "--rel-plus"]).exit_code == 0
    head = srsly.read_json(out)["headline"]
    # Gold entities: the span types are the gold ones, so Rel+ equals Rel.
    assert head["plus_micro_f"] == pytest.approx(head["micro_f"]) and head["micro_f"] > 0
    assert runner.invoke(app, args).exit_code == 0
    assert "plus_micro_f" not in srsly.read_json(out)["headline"]


def test_evaluate_sample(semeval_docbin, tmp_path):
    model = save_fixed_pipeline(tmp_path / "pipe")
    out = tmp_path / "eval.json"
    args = ["evaluate", str(model), str(semeval_docbin), str(out), "--schema", "semeval", "--n-docs", "5",
            "--seed", "2", "--no-semeval"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = srsly.read_json(out)
    assert data["docs"] == 5 and "semeval_macro_f" not in data["headline"]


def test_evaluate_needs_schema(semeval_docbin, tmp_path):
    model = save_fixed_pipeline(tmp_path / "pipe")
    result = runner.invoke(app, ["evaluate", str(model), str(semeval_docbin), str(tmp_path / "e.json")])
    assert result.exit_code != 0
    assert "pass --schema" in str(result.exception)
