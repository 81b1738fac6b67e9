"""End to end: `python -m spacy_mbre synthesize` with the real local GGUF model
(spacy-mbre.LlamaCpp.v1, greedy) writing ~3 unconditional samples from the
SemEval sample; then the same command with the first run's cache answers
without calling the model and writes the same files."""
import json
from pathlib import Path

import pytest
import spacy
from typer.testing import CliRunner

from spacy_mbre.data.readers.corpus import read_docs
from spacy_mbre.data.relations import get_pairs, get_relations

pytestmark = [
    pytest.mark.slow,
    pytest.mark.llm,
]


def synthesize(fewshot: Path, out: Path, *extra: str):
    from spacy_mbre.cli import app

    args = ["synthesize", str(fewshot), str(out), "--mode", "unconditional", "--n", "3", "--per-prompt", "3",
            "--max-attempts-per-label", "1", "--n-examples", "3", "--model", "spacy-mbre.LlamaCpp.v1",
            "--model-arg", "n_threads=1", "--no-progress", *extra]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output + repr(result.exception)
    return json.loads((out / "report.json").read_text())


def test_synthesize_with_real_model(tmp_path: Path, fewshot_path: Path) -> None:
    out = tmp_path / "out"
    report = synthesize(fewshot_path, out)
    assert report["attempts"] == report["prompts"] == report["llm_calls"] == 1
    assert report["generated_tokens"] > 0 and report["seconds"] > 0
    assert report["evaluated_tokens"] + report["reused_tokens"] == pytest.approx(report["prompt_tokens"])
    assert report["candidates"] >= 1, "the model wrote no marked sentence at all"
    assert report["valid"] + sum(report["rejected"].values()) == report["candidates"]
    docs = list(read_docs(out / "synthetic.spacy", spacy.blank("en")))
    assert len(docs) == report["kept"] <= 3
    for doc in docs:
        assert len(doc.ents) == 2 and len(get_pairs(doc)) == 1 and get_relations(doc) == []
    lines = (out / "synthetic.jsonl").read_text(encoding="utf8").splitlines()
    assert len(lines) == len(docs)

    again = synthesize(fewshot_path, tmp_path / "again", "--cache", str(out / "answers.sqlite"))
    assert again["llm_calls"] == 0 and again["cache_hits"] == 1
    for name in ("synthetic.spacy", "synthetic.jsonl"):
        assert (tmp_path / "again" / name).read_bytes() == (out / name).read_bytes()
