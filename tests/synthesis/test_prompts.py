"""Synthesis prompts: gold examples, seeded draws, determinism
(spacy_mbre.synthesis.prompts)."""
import pytest

from spacy_mbre.data.schema import Schema
from spacy_mbre.errors import ConfigError
from spacy_mbre.synthesis.prompts import (
    SchemaPrompter,
    UnconditionalPrompter,
    allowed_types,
    collect_samples,
    collect_sentences,
    describe,
)


def test_collect_sentences_and_samples(gold_docs, semeval_schema):
    sentences = collect_sentences(gold_docs, semeval_schema)
    assert len(sentences) == 16
    assert sentences[0].marked == "The <e1>storm</e1> caused severe <e2>damage</e2> to the harbour."
    assert sentences[0].text == "The storm caused severe damage to the harbour."
    samples = collect_samples(gold_docs, semeval_schema)
    assert sum(map(len, samples.values())) == 14  # 16 docs, 2 of them Other
    fire = samples["Cause-Effect"][1]
    # Cause-Effect(e2,e1): the head is the second nominal
    assert (fire.head, fire.tail, fire.head_type) == ("cigarette", "fire", "ENTITY")


def test_allowed_types_from_gold_or_schema(gold_docs, semeval_schema):
    samples = collect_samples(gold_docs, semeval_schema)
    types = allowed_types(semeval_schema, ["Cause-Effect"], samples)
    assert types == {"Cause-Effect": {("ENTITY", "ENTITY")}}
    typed = Schema.from_dict(
        {"name": "t", "labels": [{"name": "works_for", "description": "{head} works for {tail}",
                                  "types": [["PER", "ORG"]]},
                                 {"name": "near", "description": "{head} is near {tail}", "directed": False,
                                  "types": [["LOC", "ORG"]]}]}
    )
    types = allowed_types(typed, ["works_for", "near"], {})
    assert types == {"works_for": {("PER", "ORG")}, "near": {("LOC", "ORG"), ("ORG", "LOC")}}
    untyped = Schema.from_dict({"name": "u", "labels": [{"name": "r", "description": "{head} r {tail}"}]})
    with pytest.raises(ConfigError):
        allowed_types(untyped, ["r"], {})


def test_unconditional_prompts_are_deterministic_and_vary(gold_docs, semeval_schema):
    sentences = collect_sentences(gold_docs, semeval_schema)
    a = UnconditionalPrompter(sentences, n_examples=4, per_prompt=5, seed=0)
    b = UnconditionalPrompter(sentences, n_examples=4, per_prompt=5, seed=0)
    prompts = [a.render(None, j) for j in range(8)]
    assert prompts == [b.render(None, j) for j in range(8)]
    assert len(set(prompts)) == 8
    assert UnconditionalPrompter(sentences, seed=1).render(None, 0) != prompts[0]
    text = prompts[0]
    assert text.count("\nSentence: ") == 4 and "Write 5 new sentences" in text
    assert all(eg.marked in text for eg in a.examples(None, 0))


def test_schema_prompts_per_label_draws_are_independent(gold_docs, semeval_schema):
    samples = collect_samples(gold_docs, semeval_schema)
    labels = semeval_schema.label_names
    types = allowed_types(semeval_schema, labels, samples)
    p = SchemaPrompter(semeval_schema, samples, types, n_examples=2, per_prompt=3, seed=0)
    prompt = p.render("Cause-Effect", 0)
    assert "for the relation 'Cause-Effect'" in prompt
    assert describe(semeval_schema, "Cause-Effect") in prompt
    assert "the following types: ENTITY." in prompt
    assert prompt.count("\nRelation: Cause-Effect. Context: ") == 1 + 2  # the format line and 2 examples
    # the same (label, attempt) draws the same examples whatever else was rendered
    fresh = SchemaPrompter(semeval_schema, samples, types, n_examples=2, per_prompt=3, seed=0)
    for label in labels:
        fresh.render(label, 3)
    assert fresh.render("Cause-Effect", 0) == prompt
    # a label with one gold sample has one possible prompt
    single = [lb for lb in labels if len(samples.get(lb, [])) == 1][0]
    assert len({p.render(single, j) for j in range(5)}) == 1
