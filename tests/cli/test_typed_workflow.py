"""A user's own typed schema, end to end: convert → fewshot → mine → train →
evaluate use the schema's candidate pairs, print how many, warn about docs
without any, and configs/relations.cfg scores any schema without edits."""
import dataclasses
import json
import sys
from pathlib import Path
from typing import List

import pytest
import spacy
from spacy.tokens import Doc, DocBin
from spacy.training import Example
from typer.testing import CliRunner

from spacy_mbre.cli import app
from spacy_mbre.data.readers.corpus import read_docs
from spacy_mbre.data.relations import get_pairs, get_relations, set_relations
from spacy_mbre.data.schema import load_schema
from spacy_mbre.errors import ConfigError

runner = CliRunner()
CONFIGS = Path(__file__).parents[2] / "configs"
FAKE = "spacy-mbre-test.FakeLLM.v1"
ALLOWED = {
    ("Peop", "Loc"): "Live_In",
    ("Peop", "Org"): "Work_For",
    ("Org", "Loc"): "OrgBased_In",
    ("Loc", "Loc"): "Located_In",
    ("Peop", "Peop"): "Kill",
}
fake_llm = sys.modules["spacy_mbre_tests_fake_llm"]  # registered by tests/conftest.py


def invoke(*args: str) -> str:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


@pytest.fixture()
def converted(tmp_path: Path, typed_jsonl: Path, typed_schema_path: Path) -> Path:
    out = tmp_path / "typed.spacy"
    output = invoke("convert", "jsonl", typed_jsonl, out, "--schema", typed_schema_path)
    assert "11 candidate pairs in 6 docs under schema 'conll04_like'" in output
    assert "1 docs with entities have no candidate pair" in output
    return out


def load(path: Path) -> List[Doc]:
    return list(read_docs(path, spacy.blank("en")))


def test_convert_stores_the_schema_pairs(converted):
    docs = load(converted)
    assert [len(get_pairs(doc)) for doc in docs] == [3, 4, 2, 1, 0, 1]


def test_convert_without_schema_stores_no_pairs(tmp_path, typed_jsonl):
    out = tmp_path / "plain.spacy"
    invoke("convert", "jsonl", typed_jsonl, out)
    assert all(not get_pairs(doc) for doc in load(out))


def test_fewshot_and_mine_use_the_schema_pairs(tmp_path, converted, typed_schema_path):
    fewshot, pool = tmp_path / "fewshot.spacy", tmp_path / "pool.spacy"
    output = invoke("fewshot", converted, fewshot, pool, "--schema", typed_schema_path, "--k", "1", "--no-include-none")
    assert "11 candidate pairs in 6 docs" in output
    pool_docs = load(pool)
    n_pool_pairs = sum(len(get_pairs(doc)) for doc in pool_docs)
    gold = tmp_path / "gold.json"
    gold.write_text(json.dumps(fake_llm.gold_table(pool_docs, load_schema(typed_schema_path))), encoding="utf8")
    out = tmp_path / "mined"
    output = invoke("mine", pool, out, "--schema", typed_schema_path, "--strategy", "binary", "--model", FAKE,
                    "--model-arg", f"gold={gold}", "--fewshot", fewshot, "--no-progress")
    report = json.loads((out / "report.json").read_text())
    assert f"{n_pool_pairs} candidate pairs in {len(pool_docs)} docs" in output
    assert report["pairs"] == n_pool_pairs and report["total"]["prompts"] == n_pool_pairs
    mined = load(out / "train.spacy")
    assert all(len(get_pairs(doc)) == len(get_pairs(src)) for doc, src in zip(mined, pool_docs))


def predicted_examples(docs: List[Doc]) -> List[Example]:
    examples = []
    for ref in docs:
        pred = ref.copy()
        set_relations(pred, [dataclasses.replace(r, source="predicted") for r in get_relations(pred)])
        examples.append(Example(pred, ref))
    return examples


def make_nlp(config_name: str, schema: str) -> spacy.Language:
    config = spacy.util.load_config(CONFIGS / config_name, overrides={"components.mbre_relations.schema": schema})
    return spacy.util.load_model_from_config(config, auto_fill=True, validate=False)


def test_relations_cfg_scores_a_typed_schema(converted, typed_schema_path):
    nlp = make_nlp("relations.cfg", str(typed_schema_path))
    pipe = nlp.get_pipe("mbre_relations")
    assert pipe.schema.name == "conll04_like" and pipe.no_relation == "no_relation"
    scores = pipe.score(predicted_examples(load(converted)))
    assert scores["rel_micro_f"] == 1.0
    assert not any("semeval" in key for key in scores)
    # The SemEval config with only its schema changed fails, as before.
    semeval_pipe = make_nlp("semeval.cfg", str(typed_schema_path)).get_pipe("mbre_relations")
    with pytest.raises(ConfigError, match="SemEval scoring"):
        semeval_pipe.score(predicted_examples(load(converted)))


def test_relations_cfg_takes_semeval_scoring_from_the_schema(semeval_docbin):
    pipe = make_nlp("relations.cfg", "semeval").get_pipe("mbre_relations")
    docs = list(DocBin().from_disk(semeval_docbin).get_docs(spacy.blank("en").vocab))
    scores = pipe.score(predicted_examples(docs))
    assert scores["rel_semeval_macro_f"] == 1.0 and pipe.no_relation == "Other"


def test_evaluate_prints_the_schema_pairs(tmp_path, converted, typed_schema_path):
    from spacy.util import import_file

    fixed = Path(__file__).parent / "fixed_pipe.py"
    module = import_file("spacy_mbre_test_fixed_pipe", fixed)
    nlp = spacy.blank("en")
    nlp.add_pipe(module.NAME)
    nlp.to_disk(tmp_path / "pipe")
    out = tmp_path / "eval.json"
    output = invoke("evaluate", tmp_path / "pipe", converted, out, "--schema", typed_schema_path, "--code", fixed)
    assert "11 candidate pairs in 6 docs under schema 'conll04_like'" in output
    assert "1 docs with entities have no candidate pair" in output
    result = json.loads(out.read_text())
    assert "semeval_macro_f" not in result["headline"] and result["headline"]["micro_p"] == 0.0


@pytest.mark.slow
def test_relations_cfg_trains_and_evaluates_a_typed_schema(tmp_path, converted, typed_schema_path):
    from spacy.cli.train import train

    overrides = {
        "paths.schema": str(typed_schema_path),
        "paths.train": str(converted),
        "paths.dev": str(converted),
        "training.max_steps": 2,
        "training.eval_frequency": 1,
        "training.optimizer.learn_rate.warmup_steps": 1,
    }
    train(CONFIGS / "relations.cfg", tmp_path / "training", overrides=overrides)
    out = tmp_path / "eval.json"
    output = invoke("evaluate", tmp_path / "training" / "model-last", converted, out)
    assert "11 candidate pairs in 6 docs under schema 'conll04_like'" in output
    result = json.loads(out.read_text())
    assert result["schema"] == "conll04_like" and "semeval_macro_f" not in result["headline"]
    assert "rel_micro_f" in result["scores"] and not any("semeval" in key for key in result["scores"])
    # The trained classifier gives every option the pair's types do not allow probability 0.
    nlp = spacy.load(tmp_path / "training" / "model-last")
    pipe = nlp.get_pipe("mbre_relations")
    docs = [nlp.make_doc(doc.text) for doc in load(converted)]
    for doc, ref in zip(docs, load(converted)):
        doc.ents = [doc.char_span(e.start_char, e.end_char, label=e.label_) for e in ref.ents]
    scores = pipe.predict(docs)
    assert [len(pairs) for pairs in scores.pairs] == [3, 4, 2, 1, 0, 1]
    for pairs, probs in zip(scores.pairs, scores.probs):
        for pair, row in zip(pairs, probs):
            allowed_label = ALLOWED[(pair.head.label_, pair.tail.label_)]
            allowed = [i for i, label in enumerate(pipe.labels) if i == 0 or label == allowed_label]
            assert row.sum() == pytest.approx(1.0) and (row > 0).sum() == len(allowed) == 2
