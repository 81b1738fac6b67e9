"""End to end: `python -m spacy_mbre mine` with the real local GGUF model
(spacy-mbre.LlamaCpp.v1) through the `mbre` strategy on 3 SemEval pairs."""
import json
from pathlib import Path

import pytest
import srsly
from spacy.tokens import DocBin
from typer.testing import CliRunner

from spacy_mbre.data.readers import read_semeval

SAMPLE = Path(__file__).parents[2] / "mining" / "data" / "semeval_sample.txt"
N_PAIRS = 3

pytestmark = [
    pytest.mark.slow,
    pytest.mark.llm,
]


def test_mine_mbre_with_real_model(tmp_path: Path) -> None:
    from spacy_mbre.cli import app

    docs = list(read_semeval(SAMPLE))
    assert len(docs) > N_PAIRS + 6
    query_path, fewshot_path, out = tmp_path / "query.spacy", tmp_path / "fewshot.spacy", tmp_path / "out"
    DocBin(store_user_data=True, docs=docs[:N_PAIRS]).to_disk(query_path)
    DocBin(store_user_data=True, docs=docs[N_PAIRS:]).to_disk(fewshot_path)
    args = ["mine", str(query_path), str(out), "--schema", "semeval", "--strategy", "mbre",
            "--fewshot", str(fewshot_path), "--no-progress", "--model", "spacy-mbre.LlamaCpp.v1",
            "--model-arg", "n_ctx=4096"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output + repr(result.exception)

    for name in ("mined.spacy", "mined.jsonl", "report.json"):
        assert (out / name).is_file(), name
    report = srsly.read_json(out / "report.json")
    assert report["pairs"] == N_PAIRS and report["docs"] == N_PAIRS
    stages = report["stages"]
    assert stages, "no stage ran"
    total_prompts = 0
    for name, counts in stages.items():
        assert counts["llm_calls"] + counts["cache_hits"] == counts["prompts"], name
        assert counts["llm_calls"] == counts["prompts"], f"{name}: a fresh output dir has no cache hits"
        assert counts["evaluated_tokens"] + counts["reused_tokens"] == pytest.approx(counts["prompt_tokens"]), name
        total_prompts += counts["prompts"]
    assert report["total"]["prompts"] == total_prompts
    assert report["prompts_per_pair"] == pytest.approx(total_prompts / N_PAIRS, abs=1e-3)
    # the multi-class stage asks one prompt per group and pair (K = 3 for SemEval)
    multi = [c for n, c in stages.items() if "multi" in n]
    assert multi and multi[0]["prompts"] == 3 * N_PAIRS
    assert sum(c["reused_tokens"] for c in stages.values()) > 0, "prefix reuse never happened"
    mined = report["mined"]
    assert mined["relations"] == sum(mined["labels"].values())
    assert mined["pairs_with_relation"] + mined["no_relation_pairs"] == N_PAIRS
    # SemEval pairs are asked once (expand_directions): a pair with labels in both directions is still one pair
    assert 0 <= mined["pairs_with_relation"] <= N_PAIRS, f"pairs counted per direction: {mined}"
    assert 0 <= mined["no_relation_pairs"] <= N_PAIRS, f"pairs counted per direction: {mined}"
    lines = [json.loads(line) for line in (out / "mined.jsonl").read_text(encoding="utf8").splitlines() if line]
    assert len(lines) == N_PAIRS
    assert len(list(DocBin().from_disk(out / "mined.spacy").get_docs(__import__("spacy").blank("en").vocab))) == N_PAIRS
