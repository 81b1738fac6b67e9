"""Explanation generation (EDKG): items, prompts, the filtered and counted run, resume."""
from pathlib import Path
from typing import Any, List

import pytest
import srsly
from spacy.tokens import Doc

from spacy_mbre.data.schema import load_schema
from spacy_mbre.errors import ConfigError
from spacy_mbre.llm.cache import AnswerCache
from spacy_mbre.llm.gateway import LLMGateway, model_identity
from spacy_mbre.pretrain.explain import JOURNAL, OUTPUT, ExplainPrompter, collect_items, explain
from spacy_mbre.pretrain.explanations import ExplainItem
from spacy_mbre.pretrain.filtering import COPY, EMPTY, NO_ENTITY, REPETITIVE, TOO_SHORT, ExplanationFilter

SCHEMA = load_schema("semeval")


def gateway(model: Any, cache: Path, name: str = "fake") -> LLMGateway:
    return LLMGateway(model, model_identity(model, name), cache=AnswerCache(cache))


def test_items_are_gold_relations_located_by_offsets(gold_docs: List[Doc]) -> None:
    items, skipped = collect_items(gold_docs, SCHEMA)
    assert len(items) == 14 and not skipped  # 16 sentences, 2 "Other"
    for item in items:
        assert item.head_text and item.tail_text and item.label in SCHEMA
        assert item.head_text.strip() == item.head_text


def test_prompt_names_the_pair_and_the_meaning() -> None:
    item = ExplainItem("The fire was caused by the heat .", (27, 31), (4, 8), "Cause-Effect")
    prompt = ExplainPrompter(SCHEMA).render(item)
    assert "Sentence: The fire was caused by the heat ." in prompt
    assert 'Relation: Cause-Effect, which means that "heat" causes, produces or brings about "fire".' in prompt
    assert 'why the head entity "heat" has the relation "Cause-Effect" with the tail entity "fire"' in prompt


def test_explain_filters_and_counts(tmp_path: Path, gold_docs: List[Doc], fake_explainer: Any) -> None:
    model = fake_explainer.make_fake_explainer(mode="mixed")
    report = explain(gold_docs, SCHEMA, gateway(model, tmp_path / "c.sqlite"), tmp_path / "out", model="fake")
    # Labels (count): Cause-Effect 2, Member-Collection 1, Message-Topic 2, Product-Producer 2 answered well.
    assert report["items"] == 14 and report["kept"] == 7
    assert report["rejected"] == {EMPTY: 1, TOO_SHORT: 2, COPY: 1, REPETITIVE: 1, NO_ENTITY: 2}
    assert report["llm_calls"] == 14 and report["cache_hits"] == 0
    records = list(srsly.read_jsonl(tmp_path / "out" / OUTPUT))
    assert len(records) == 7
    for record in records:
        assert record["sentence"][record["head"][0] : record["head"][1]] == record["head_text"]
        assert record["explanation"].startswith("The sentence states that the ")
    assert {r["label"] for r in records} == {"Cause-Effect", "Member-Collection", "Message-Topic", "Product-Producer"}


def test_project_fake_llm_answers_are_all_degenerate(tmp_path: Path, gold_docs: List[Doc]) -> None:
    from spacy_mbre_tests_fake_llm import make_fake_llm  # registered by tests/conftest.py

    text = explain(gold_docs, SCHEMA, gateway(make_fake_llm(mode="text"), tmp_path / "a.sqlite"), tmp_path / "a")
    assert text["kept"] == 0 and text["rejected"][TOO_SHORT] == 14  # it answers "none"
    garbage = explain(gold_docs, SCHEMA, gateway(make_fake_llm(mode="garbage"), tmp_path / "b.sqlite"), tmp_path / "b")
    assert garbage["kept"] == 0 and garbage["rejected"][NO_ENTITY] == 14  # "I am not sure, maybe?"
    assert (tmp_path / "b" / OUTPUT).read_text() == ""


def test_explain_resumes_after_a_crash(tmp_path: Path, gold_docs: List[Doc], fake_explainer: Any) -> None:
    whole = explain(gold_docs, SCHEMA, gateway(fake_explainer.make_fake_explainer(), tmp_path / "w.sqlite"),
                    tmp_path / "whole", batch_size=4)
    crashing = fake_explainer.make_fake_explainer(fail_at=7)
    with pytest.raises(fake_explainer.FakeCrash):
        explain(gold_docs, SCHEMA, gateway(crashing, tmp_path / "r.sqlite"), tmp_path / "resumed", batch_size=4)
    journal = (tmp_path / "resumed" / JOURNAL).read_text().splitlines()
    assert len(journal) == 1 + 4  # header + the first batch
    fresh = fake_explainer.make_fake_explainer()
    resumed = explain(gold_docs, SCHEMA, gateway(fresh, tmp_path / "r.sqlite"), tmp_path / "resumed", batch_size=4)
    assert len(fresh.prompts) == 10  # only the items the journal lacks
    assert resumed["resumed"] == 4
    assert (tmp_path / "resumed" / OUTPUT).read_text() == (tmp_path / "whole" / OUTPUT).read_text()
    assert resumed["kept"] == whole["kept"] and resumed["rejected"] == whole["rejected"]


def test_rerun_with_another_filter_uses_the_journal(tmp_path: Path, gold_docs: List[Doc], fake_explainer: Any) -> None:
    explain(gold_docs, SCHEMA, gateway(fake_explainer.make_fake_explainer(), tmp_path / "c.sqlite"), tmp_path)
    again = fake_explainer.make_fake_explainer()
    report = explain(gold_docs, SCHEMA, gateway(again, tmp_path / "c.sqlite"), tmp_path,
                     explanation_filter=ExplanationFilter(min_words=3, require_entity=False))
    assert again.prompts == []
    assert report["rejected"][TOO_SHORT] == 0 and report["rejected"][NO_ENTITY] == 0
    assert report["kept"] == 7 + 2 + 2


def test_other_model_needs_another_output_dir(tmp_path: Path, gold_docs: List[Doc], fake_explainer: Any) -> None:
    explain(gold_docs, SCHEMA, gateway(fake_explainer.make_fake_explainer(), tmp_path / "c.sqlite"), tmp_path)
    other = fake_explainer.make_fake_explainer(mode="good")
    with pytest.raises(ConfigError, match="another output directory"):
        explain(gold_docs, SCHEMA, gateway(other, tmp_path / "c.sqlite"), tmp_path)


def test_no_gold_relations_is_an_error(tmp_path: Path, fake_explainer: Any) -> None:
    import spacy

    with pytest.raises(ConfigError, match="no gold relations"):
        explain([spacy.blank("en")("Nothing here .")], SCHEMA,
                gateway(fake_explainer.make_fake_explainer(), tmp_path / "c.sqlite"), tmp_path)
