"""``python -m spacy_mbre synthesize`` with the FAKE writer
(spacy-mbre-test.FakeWriterLLM.v1, imported with --code)."""
import json
from pathlib import Path

import spacy
from typer.testing import CliRunner

from spacy_mbre.cli import app
from spacy_mbre.data.readers.corpus import read_docs
from spacy_mbre.data.relations import get_relations

FAKE_CODE = Path(__file__).parent / "fake_writer.py"
FAKE = "spacy-mbre-test.FakeWriterLLM.v1"


def invoke(*args):
    return CliRunner().invoke(app, ["synthesize", *map(str, args), "--model", FAKE, "--code", str(FAKE_CODE),
                                    "--no-progress"])


def test_cli_schema_mode(tmp_path, fewshot_path):
    out = tmp_path / "out"
    result = invoke(fewshot_path, out, "--mode", "schema", "--schema", "semeval", "--n", "2",
                    "--max-attempts-per-label", "3", "--per-prompt", "4", "--n-examples", "2", "--seed", "1")
    assert result.exit_code == 0, result.output + repr(result.exception)
    for name in ("synthetic.spacy", "synthetic.jsonl", "report.json", "journal.jsonl", "answers.sqlite"):
        assert (out / name).is_file(), name
    report = json.loads((out / "report.json").read_text())
    assert report["settings"]["mode"] == "schema" and report["settings"]["seed"] == 1
    assert report["settings"]["labels"] == [
        "Cause-Effect", "Instrument-Agency", "Product-Producer", "Content-Container", "Entity-Origin",
        "Entity-Destination", "Component-Whole", "Member-Collection", "Message-Topic"]
    assert set(report["per_label"]) == set(report["settings"]["labels"])
    assert sum(report["labels"].values()) == report["kept"] > 9
    assert "kept fraction" in result.output and "3-gram TTR" in result.output
    docs = list(read_docs(out / "synthetic.spacy", spacy.blank("en")))
    assert len(docs) == report["kept"]
    assert all(get_relations(d)[0].source == "synthetic" for d in docs)


def test_cli_unconditional_and_errors(tmp_path, fewshot_path):
    out = tmp_path / "u"
    result = invoke(
        fewshot_path, out, "--mode", "unconditional", "--n", "3", "--limit", "2", "--max-gold-overlap", "0.9"
    )
    assert result.exit_code == 0, result.output + repr(result.exception)
    report = json.loads((out / "report.json").read_text())
    assert report["attempts"] == 2 and report["kept"] == 3
    assert report["settings"]["max_gold_overlap"] == 0.9 and report["settings"]["limit"] == 2
    result = invoke(fewshot_path, tmp_path / "x", "--mode", "schema", "--labels", "Not-A-Label")
    assert result.exit_code != 0 and "Not-A-Label" in str(result.exception)
    result = invoke(fewshot_path, tmp_path / "y", "--mode", "sideways")
    assert result.exit_code != 0 and "--mode" in str(result.exception)
    result = invoke(fewshot_path, tmp_path / "z", "--schema", "crossner_ai")
    assert result.exit_code != 0 and "relation" in str(result.exception)
