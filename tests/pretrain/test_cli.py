"""``python -m spacy_mbre explain`` and ``pretrain`` end to end, with the
FAKE explainer (imported with --code) and the TINY BERT."""
import json
from pathlib import Path
from typing import List

from spacy.tokens import Doc, DocBin
from typer.testing import CliRunner

from spacy_mbre.cli import app
from spacy_mbre.errors import DataError

FAKE_CODE = Path(__file__).parent / "fake_explainer.py"
FAKE = "spacy-mbre-test.FakeExplainerLLM.v1"


def invoke(*args: object):
    return CliRunner().invoke(app, [*map(str, args), "--no-progress"])


def test_explain_then_pretrain(tmp_path: Path, gold_docs: List[Doc], tiny_encoder_dir: Path) -> None:
    fewshot = tmp_path / "fewshot.spacy"
    DocBin(store_user_data=True, docs=gold_docs).to_disk(fewshot)
    result = invoke("explain", fewshot, tmp_path / "edkg", "--model", FAKE, "--code", FAKE_CODE, "--batch-size", 5)
    assert result.exit_code == 0, result.output + repr(result.exception)
    assert "14 relations: 7 explanations kept" in result.output
    explanations = tmp_path / "edkg" / "explanations.jsonl"
    assert len(explanations.read_text().splitlines()) == 7

    out = tmp_path / "pre"
    result = invoke("pretrain", out, "--corpus", fewshot, "--explanations", explanations, "--encoder",
                    tiny_encoder_dir, "--stage1-steps", 2, "--stage2-steps", 2, "--batch-size", 4,
                    "--max-length", 48, "--device", "cpu")
    assert result.exit_code == 0, result.output + repr(result.exception)
    report = json.loads((out / "report.json").read_text())
    assert report["samples_by_source"] == {"fewshot.spacy": 16, "explanations.jsonl": 7}
    assert report["stage1"]["steps"] == 2 and report["stage2"]["steps"] == 2
    assert (out / "encoder" / "model.safetensors").is_file()
    assert "stage2: 2 steps" in result.output


def test_pretrain_errors(tmp_path: Path, tiny_encoder_dir: Path) -> None:
    result = invoke("pretrain", tmp_path / "o", "--encoder", tiny_encoder_dir)
    assert result.exit_code != 0 and "at least one --corpus" in str(result.exception)
    result = invoke("pretrain", tmp_path / "o", "--corpus", tmp_path / "missing.spacy")
    assert isinstance(result.exception, DataError) and "missing.spacy: no such file" in str(result.exception)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"sentence": "A b .", "head": [0, 1], "tail": [2, 3], "label": "X", "explanation": "e"}\n{}\n')
    result = invoke("pretrain", tmp_path / "o", "--explanations", bad, "--encoder", tiny_encoder_dir)
    assert isinstance(result.exception, DataError) and "bad.jsonl:2:" in str(result.exception)
    result = invoke("pretrain", tmp_path / "o", "--explanations", bad, "--mask-between", 2)
    assert "mask probability" in str(result.exception)
