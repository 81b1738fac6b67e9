"""Mining with a typed schema: only the schema's candidate pairs are asked
about, and each pair is offered only the options its entity types allow
(binary questions, multi-class groups and options, classifier proposals)."""
import json
from pathlib import Path
from typing import List

import pytest
from spacy.tokens import Doc
from typer.testing import CliRunner

from spacy_mbre.cli import app
from spacy_mbre.data.readers import read_jsonl
from spacy_mbre.data.schema import Schema, load_schema
from spacy_mbre.mining.examples import ExamplePool, collect_examples
from spacy_mbre.mining.grouping import Grouping
from spacy_mbre.mining.queries import mining_pairs
from spacy_mbre.mining.tasks.binary import BinaryVerifyTask
from spacy_mbre.mining.tasks.multiclass import GroupedMultiClassTask

from .conftest import fake_llm

FAKE = "spacy-mbre-test.FakeLLM.v1"
TYPED_PAIRS = [3, 4, 2, 1, 0, 1]
ALLOWED = {
    ("Peop", "Loc"): "Live_In",
    ("Peop", "Org"): "Work_For",
    ("Org", "Loc"): "OrgBased_In",
    ("Loc", "Loc"): "Located_In",
    ("Peop", "Peop"): "Kill",
}


@pytest.fixture()
def schema(typed_schema_path: Path) -> Schema:
    return load_schema(typed_schema_path)


@pytest.fixture()
def docs(typed_jsonl: Path) -> List[Doc]:
    return list(read_jsonl(typed_jsonl))


def test_mining_pairs_follow_the_schema(docs, schema):
    assert [len(mining_pairs(doc, schema)) for doc in docs] == TYPED_PAIRS


def test_binary_asks_only_the_allowed_label(docs, schema):
    task = BinaryVerifyTask(schema, ExamplePool(collect_examples(docs, schema)), candidates="all")
    plans = [task.plan(doc) for doc in docs]
    assert [len(plan) for plan in plans] == TYPED_PAIRS  # one question per pair, not 5
    for plan in plans:
        for pair, name in plan:
            assert name == ALLOWED[(pair.head.label_, pair.tail.label_)]


def test_multiclass_offers_allowed_options_of_allowed_groups(docs, schema):
    groups = [["Live_In", "Work_For", "Kill"], ["OrgBased_In", "Located_In"]]
    grouping = Grouping("conll04_like", "greedy", 2, 0, "tfidf", groups)
    task = GroupedMultiClassTask(schema, grouping, ExamplePool(collect_examples(docs, schema)))
    plan = task.plan(docs[0])
    assert [(p.head.text, p.tail.text, q.group, q.options) for p, q in plan] == [
        ("John Smith", "Boston", 0, ("Live_In",)),
        ("John Smith", "IBM", 0, ("Work_For",)),
        ("IBM", "Boston", 1, ("OrgBased_In",)),
    ]
    question = task.render(docs[0], plan[0])
    assert question.options == ("A", "none")
    query = question.split("\n\nQuestion:\n")[-1]
    assert query.split("Options:\n")[1].splitlines()[:2] == [
        'A. "John Smith" lives in "Boston"',
        'none. none of the listed relations holds between "John Smith" and "Boston"',
    ]
    # Same cut group on another doc: same shared prefix.
    other = task.render(docs[1], [q for q in task.plan(docs[1]) if q[1].options == ("Live_In",)][0])
    assert other.prefix_key == question.prefix_key
    counts = task.record(docs[0], plan, ["A", "none", "A"])
    assert counts == {"prompts": 3, "unparseable": 0}


def test_untyped_schema_asks_every_group_in_full(semeval_docs, semeval_schema):
    from spacy_mbre.mining.grouping import group_schema

    grouping = group_schema(semeval_schema)
    task = GroupedMultiClassTask(semeval_schema, grouping, ExamplePool([]))
    plan = task.plan(semeval_docs[0])
    assert [q.options for _, q in plan] == [tuple(g) for g in grouping.groups]


def mine(tmp_path: Path, docs_path: Path, gold: Path, schema_path: Path, name: str, strategy: str) -> tuple:
    out = tmp_path / name
    args = ["mine", str(docs_path), str(out), "--schema", str(schema_path), "--strategy", strategy, "--model", FAKE,
            "--model-arg", f"gold={gold}", "--fewshot", str(docs_path), "--no-progress", "--no-train-view"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output, json.loads((out / "report.json").read_text())


def test_mine_counts_pairs_and_questions(tmp_path, docs, schema, typed_jsonl, typed_schema_path):
    gold = tmp_path / "gold.json"
    gold.write_text(json.dumps(fake_llm.gold_table(docs, schema)), encoding="utf8")
    output, binary = mine(tmp_path, typed_jsonl, gold, typed_schema_path, "bin", "binary")
    assert "11 candidate pairs in 6 docs under schema 'conll04_like'" in output
    assert "1 docs with entities have no candidate pair" in output
    assert binary["pairs"] == 11
    assert binary["total"]["prompts"] == 11  # 1 allowed label per pair (55 with every label)
    assert binary["gold"]["micro"]["f1"] == 1.0 and binary["mined"]["relations"] == 6
    _, mbre = mine(tmp_path, typed_jsonl, gold, typed_schema_path, "mbre", "mbre")
    assert mbre["pairs"] == 11
    assert mbre["stages"]["multiclass"]["prompts"] == 11  # one group, cut to the allowed option
    assert mbre["stages"]["binary"]["prompts"] == 6  # the oracle proposes only the true ones
    assert mbre["gold"]["micro"]["f1"] == 1.0


def test_classifier_proposer_proposes_only_allowed_options(docs, schema, typed_schema_path):
    import numpy
    import spacy

    from spacy_mbre.mining.proposers import ClassifierProposer
    from spacy_mbre.mining.record import pair_records
    from spacy_mbre.relations.component import PairScores

    nlp = spacy.blank("en")
    pipe = nlp.add_pipe("mbre_relations", config={"schema": str(typed_schema_path)})
    pipe.cfg["labels"] = [pipe.no_relation, *schema.option_names]

    def uniform_predict(batch):  # a FAKE classifier: every option equally likely, then the schema's mask
        pairs = [pipe.doc_pairs(doc) for doc in batch]
        probs = [numpy.full((len(p), len(pipe.labels)), 1 / len(pipe.labels), dtype="float32") for p in pairs]
        for doc_pairs, doc_probs in zip(pairs, probs):
            pipe._mask_options(doc_probs, doc_pairs)
        return PairScores(pairs=pairs, probs=probs, fits=[numpy.ones(len(p), dtype=bool) for p in pairs])

    pipe.predict = uniform_predict
    proposer = ClassifierProposer(nlp, schema, top_m=2)
    proposer.propose(docs)
    proposed = [(key, rec["clf"][0]["proposed"]) for doc in docs for key, rec in pair_records(doc).items()]
    assert len(proposed) == 11
    for doc in docs:
        for pair in mining_pairs(doc, schema):
            (entry,) = pair_records(doc)[pair.key]["clf"]
            assert entry["proposed"] == [ALLOWED[(pair.head.label_, pair.tail.label_)]]
            assert entry["probs"][entry["proposed"][0]] == pytest.approx(0.5)
