import json

import pytest
import spacy
from spacy.tokens import DocBin
from typer.testing import CliRunner

from spacy_mbre.cli import app
from spacy_mbre.data.relations import get_relations

FAKE = "spacy-mbre-test.FakeLLM.v1"


def mine(tmp_path, files, out_name, strategy, *extra, schema="semeval"):
    out = tmp_path / out_name
    args = ["mine", str(files["docs"]), str(out), "--schema", schema, "--strategy", strategy, "--model", FAKE,
            "--model-arg", f"gold={files['gold']}", "--fewshot", str(files["docs"]), "--no-progress", *extra]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output + repr(result.exception)
    return out, json.loads((out / "report.json").read_text())


def test_strategy_prompt_counts(tmp_path, semeval_files):
    _, binary = mine(tmp_path, semeval_files, "bin", "binary")
    _, mbre = mine(tmp_path, semeval_files, "mbre", "mbre")
    _, multi = mine(tmp_path, semeval_files, "mc", "multiclass")
    pairs = binary["pairs"]
    assert pairs == 16 and mbre["pairs"] == multi["pairs"] == 16
    assert binary["total"]["prompts"] == 18 * pairs
    assert binary["prompts_per_pair"] == 18
    assert mbre["prompts_per_pair"] < 18 / 2
    assert mbre["stages"]["multiclass"]["prompts"] == 3 * pairs
    assert multi["prompts_per_pair"] == 1
    for report in (binary, mbre, multi):
        assert report["gold"]["micro"]["f1"] == 1.0  # the fake is an oracle
        assert report["mined"]["relations"] == 14
        assert report["total"]["unparseable"] == 0
        assert report["total"]["llm_calls"] == report["total"]["prompts"]
        assert report["total"]["reused_tokens"] > 0


def test_outputs_and_cache_hits(tmp_path, semeval_files):
    out, first = mine(tmp_path, semeval_files, "run", "mbre", "--limit", "5")
    assert first["pairs"] == 5
    docs = list(DocBin().from_disk(out / "mined.spacy").get_docs(spacy.blank("en").vocab))
    assert len(docs) == 5
    rels = [r for d in docs for r in get_relations(d)]
    assert rels and all(r.source == "mined" and r.score == pytest.approx(0.9) for r in rels)
    lines = (out / "mined.jsonl").read_text().splitlines()
    assert len(lines) == 5 and json.loads(lines[0])["relations"][0]["source"] == "mined"
    # Same questions in a new run with a shared cache: all cache hits.
    cache = out / "answers.sqlite"
    _, second = mine(tmp_path, semeval_files, "run2", "mbre", "--limit", "5", "--cache", str(cache))
    assert second["total"]["llm_calls"] == 0
    assert second["total"]["cache_hits"] == first["total"]["prompts"]
    assert (tmp_path / "run2" / "mined.jsonl").read_bytes() == (out / "mined.jsonl").read_bytes()


def test_plain_text_model_without_probabilities(tmp_path, semeval_files):
    _, report = mine(tmp_path, semeval_files, "text", "mbre", "--model-arg", "mode=text")
    assert report["gold"]["micro"]["f1"] == 1.0
    out = tmp_path / "text"
    docs = list(DocBin().from_disk(out / "mined.spacy").get_docs(spacy.blank("en").vocab))
    assert all(r.score is None for d in docs for r in get_relations(d))


def test_garbage_answers_are_counted_not_guessed(tmp_path, semeval_files):
    _, report = mine(tmp_path, semeval_files, "garbage", "mbre", "--model-arg", "mode=garbage")
    assert report["stages"]["multiclass"]["unparseable"] == 3 * 16
    assert report["stages"]["binary"]["prompts"] == 0
    assert report["mined"]["relations"] == 0
    _, report = mine(tmp_path, semeval_files, "garbage_bin", "binary", "--model-arg", "mode=garbage", "--limit", "2")
    assert report["total"]["unparseable"] == 36 and report["mined"]["relations"] == 0


def test_pairs_with_labels_in_both_directions_count_once(tmp_path, semeval_files):
    _, report = mine(tmp_path, semeval_files, "yes", "binary", "--model-arg", "mode=yes", "--limit", "3")
    mined = report["mined"]
    assert mined["relations"] == 3 * 18  # every directional option of every pair said yes
    assert mined["pairs_with_relation"] == 3 and mined["no_relation_pairs"] == 0


def test_typing_mode(tmp_path, typing_files):
    _, report = mine(tmp_path, typing_files, "typing", "mbre", "--mode", "typing", schema="crossner_politics")
    assert report["pairs"] == 7  # one question unit per entity span
    assert report["mined"]["relations"] == 7
    assert report["gold"]["micro"]["f1"] == 1.0
    assert report["prompts_per_pair"] < 9 / 2 + 1
    docs = list(DocBin().from_disk(tmp_path / "typing" / "mined.spacy").get_docs(spacy.blank("en").vocab))
    assert all(ent.label_ == "ENT" for d in docs for ent in d.ents)  # gold types hidden
    assert {r.label for d in docs for r in get_relations(d)} == {"politician", "politicalparty", "country", "location"}
    assert all(r.tail is None for d in docs for r in get_relations(d))


def test_mode_must_fit_schema(tmp_path, semeval_files):
    result = CliRunner().invoke(app, ["mine", str(semeval_files["docs"]), str(tmp_path / "x"), "--mode", "typing",
                                      "--model", FAKE, "--no-progress"])
    assert result.exit_code != 0



class RecordingBar:
    """Stands in for tqdm: records every update and how many model calls had
    been made by then."""

    made: list = []
    model_calls: list = []

    def __init__(self, total=0, initial=0, **kwargs):
        self.total, self.updates, self.calls_at = total, [], []
        RecordingBar.made.append(self)

    def update(self, n):
        self.updates.append(n)
        self.calls_at.append(len(RecordingBar.model_calls))

    def close(self):
        pass


def test_progress_advances_per_pair_within_a_batch(tmp_path, semeval_files, monkeypatch):
    from spacy_mbre.llm.gateway import LLMGateway

    run = LLMGateway._run

    def counted_run(self, questions):
        RecordingBar.model_calls.append(len(questions))
        return run(self, questions)

    monkeypatch.setattr(LLMGateway, "_run", counted_run)
    monkeypatch.setattr("tqdm.tqdm", RecordingBar)
    RecordingBar.made, RecordingBar.model_calls = [], []
    # 16 pairs in one batch of 32: the bar used to move only after the batch's
    # last model call
    _, report = mine(tmp_path, semeval_files, "bar", "mbre")
    (bar,) = RecordingBar.made
    assert bar.total == report["pairs"] == 16
    assert sum(bar.updates) == 16 and all(isinstance(n, int) and n > 0 for n in bar.updates)
    n_calls = len(RecordingBar.model_calls)
    assert n_calls >= 4
    # it moves after the first model call and at several points of the batch
    assert bar.calls_at[0] == 1
    assert len(set(bar.calls_at)) >= 3 and max(bar.calls_at) == n_calls
