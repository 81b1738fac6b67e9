import sys

import pytest
import spacy
from spacy_llm.registry import registry

from spacy_mbre.data.relations import get_relations, set_relations
from spacy_mbre.llm.types import Answer, Question
from spacy_mbre.mining.examples import ExamplePool, collect_examples
from spacy_mbre.mining.grouping import group_schema
from spacy_mbre.mining.record import pair_records
from spacy_mbre.mining.tasks.binary import BinaryVerifyTask, parse_yes_no
from spacy_mbre.mining.tasks.multiclass import GroupedMultiClassTask, parse_choice, propose

fake_llm = sys.modules["spacy_mbre_tests_fake_llm"]


def test_parsers_are_strict():
    assert parse_yes_no(" Yes.") == "yes"
    assert parse_yes_no("no") == "no"
    assert parse_yes_no("yes, it does") is None
    assert parse_choice("B", ["A", "B", "none"]) == "B"
    assert parse_choice("'none'", ["A", "B", "none"]) == "none"
    assert parse_choice("b", ["A", "B", "none"]) == "B"
    assert parse_choice("B. the storm", ["A", "B", "none"]) is None
    assert parse_choice("", ["A", "none"]) is None


def test_propose():
    names = ["x", "y", "z"]
    assert propose("x", None, names) == ["x"]
    assert propose("none", None, names) == []
    assert propose(None, {"x": 1.0}, names) == []
    probs = {"x": 0.2, "y": 0.35, "z": 0.05, "none": 0.4}
    assert propose("none", probs, names) == ["y"]
    assert propose("none", probs, names, max_proposals=2) == ["y", "x"]
    assert propose("none", {**probs, "none": 0.6}, names) == []


def test_multiclass_prompts(semeval_docs, semeval_schema):
    pool = ExamplePool(collect_examples(semeval_docs, semeval_schema), seed=0)
    grouping = group_schema(semeval_schema)
    task = GroupedMultiClassTask(semeval_schema, grouping, pool)
    doc = semeval_docs[0]
    prompts, shards = next(iter(task.generate_prompts([doc])))
    prompts = list(prompts)
    assert list(shards) == [doc]
    assert len(prompts) == 3
    for g, q in enumerate(prompts):
        assert isinstance(q, Question) and q.kind == "multiclass"
        assert q.options == ("A", "B", "C", "D", "E", "F", "none")
        # Everything that varies per query is at the end.
        query = q.split("\n\nQuestion:\n")[-1]
        assert "<e1>storm</e1>" in query and '"storm"' in query
        assert query.rstrip().endswith("Answer:")
    keys = {q.prefix_key for q in prompts}
    assert len(keys) == 3
    # Same group, another doc: same prefix.
    other = list(next(iter(task.generate_prompts([semeval_docs[1]])))[0])
    assert [q.prefix_key for q in other] == [q.prefix_key for q in prompts]
    assert other[0] != prompts[0]


def test_binary_examples_reproducible(semeval_docs, semeval_schema):
    examples = collect_examples(semeval_docs, semeval_schema)
    a = ExamplePool(examples, seed=1).binary("Message-Topic(e1,e2)")
    b = ExamplePool(examples, seed=1).binary("Message-Topic(e1,e2)")
    assert a == b
    assert sum(pos for _, pos in a) == 2  # only two in the sample
    assert sum(not pos for _, pos in a) == 4


def test_binary_prompts_and_record(semeval_docs, semeval_schema):
    pool = ExamplePool(collect_examples(semeval_docs, semeval_schema))
    task = BinaryVerifyTask(semeval_schema, pool, candidates="all")
    doc = semeval_docs[0]
    prompts = list(next(iter(task.generate_prompts([doc])))[0])
    assert len(prompts) == 18
    assert all(q.options == ("yes", "no") for q in prompts)
    assert len({q.prefix_key for q in prompts}) == 18
    answers = [Answer("yes" if i == 0 else "no", {"yes": 0.8 if i == 0 else 0.1, "no": 0.2}) for i in range(17)]
    answers.append("maybe")
    counts = task.record(doc, task.plan(doc), answers)
    assert counts == {"prompts": 18, "unparseable": 1}
    (record,) = pair_records(doc).values()
    assert record["bin"][0] == {
        "option": "Cause-Effect(e1,e2)", "answer": "yes", "choice": "yes", "p_yes": 0.8, "mass": None
    }
    assert record["bin"][-1]["choice"] is None and record["bin"][-1]["p_yes"] is None


def test_tasks_registered_by_entry_point():
    assert registry.llm_tasks.get("spacy-mbre.GroupedMultiClass.v1")
    assert registry.llm_tasks.get("spacy-mbre.BinaryVerify.v1")


def test_spacy_pipeline_llm_stages_and_decider(semeval_files, semeval_docs):
    """The whole chain as a spaCy pipeline: llm (grouped multi-class) → llm
    (binary) → mbre_decider, with the FAKE oracle model."""
    nlp = spacy.blank("en")
    model = {"@llm_models": "spacy-mbre-test.FakeLLM.v1", "gold": str(semeval_files["gold"])}
    nlp.add_pipe(
        "llm",
        name="llm_mc",
        config={
            "task": {
                "@llm_tasks": "spacy-mbre.GroupedMultiClass.v1", "schema": "semeval",
                "fewshot": str(semeval_files["docs"]),
            },
            "model": model,
        },
    )
    nlp.add_pipe(
        "llm",
        name="llm_bin",
        config={
            "task": {
                "@llm_tasks": "spacy-mbre.BinaryVerify.v1", "schema": "semeval", "fewshot": str(semeval_files["docs"])
            },
            "model": model,
        },
    )
    nlp.add_pipe("mbre_decider", config={"schema": "semeval"})
    gold = semeval_docs[2]
    doc = gold.copy()
    set_relations(doc, [])
    doc = nlp(doc)
    mined = get_relations(doc, source="mined")
    expected = [(r.head.text, r.tail.text, r.label) for r in get_relations(gold, source="gold")]
    assert [(r.head.text, r.tail.text, r.label) for r in mined] == expected
    assert mined[0].score == pytest.approx(0.9)
    record = next(iter(pair_records(doc).values()))
    assert len(record["mc"]) == 3 and len(record["bin"]) == 1
