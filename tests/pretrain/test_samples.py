"""Pre-training samples from relation corpora and explanation corpora."""
from pathlib import Path
from typing import Any, List

import pytest
import spacy
from spacy.tokens import Doc, DocBin

from spacy_mbre.data.relations import Pair, Relation, set_pairs, set_relations
from spacy_mbre.data.schema import load_schema
from spacy_mbre.errors import DataError
from spacy_mbre.llm.cache import AnswerCache
from spacy_mbre.llm.gateway import LLMGateway, model_identity
from spacy_mbre.pretrain.corpus import count_sources, load_samples
from spacy_mbre.pretrain.explain import OUTPUT, explain
from spacy_mbre.pretrain.samples import NO_RELATION, label_set, samples_from_docs


def entity_texts(sample: Any) -> tuple:
    return sample.text[sample.head[0] : sample.head[1]], sample.text[sample.tail[0] : sample.tail[1]]


def test_one_sample_per_relation_and_per_unrecorded_pair(docs: List[Doc]) -> None:
    samples = list(samples_from_docs(docs, "gold"))
    assert len(samples) == len(docs)
    assert entity_texts(samples[0]) == ("Kilimanjaro", "heavy snowfall")
    assert samples[0].label == "Cause-Effect"
    assert samples[4].label == NO_RELATION  # "The man saw a dog": a pair without a record
    assert label_set(samples)[0] == NO_RELATION
    unlabelled = list(samples_from_docs(docs, "pool", labelled=False))
    assert {s.label for s in unlabelled} == {None} and label_set(unlabelled) == []


def test_context_is_the_pair_sentences_with_offsets_relative_to_it() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    doc = nlp("A first sentence is here. The cup is in the box. A last one follows.")
    cup, box = doc.char_span(30, 33, label="E"), doc.char_span(44, 47, label="E")
    doc.ents = [cup, box]
    set_pairs(doc, [Pair(cup, box)])
    set_relations(doc, [Relation(box, cup, "Content-Container", source="mined")])
    (sample,) = samples_from_docs([doc], "mined")
    assert sample.text == "The cup is in the box."
    assert entity_texts(sample) == ("box", "cup")  # head and tail as recorded


def test_load_samples_reads_every_kind_of_corpus(tmp_path: Path, docs: List[Doc], gold_docs: List[Doc],
                                                  fake_explainer: Any) -> None:
    DocBin(store_user_data=True, docs=docs).to_disk(tmp_path / "gold.spacy")
    DocBin(store_user_data=True, docs=docs[:2]).to_disk(tmp_path / "pool.spacy")
    model = fake_explainer.make_fake_explainer()
    explain(gold_docs, load_schema("semeval"), LLMGateway(model, model_identity(model), cache=AnswerCache()),
            tmp_path / "edkg")
    samples = load_samples([tmp_path / "gold.spacy"], [tmp_path / "pool.spacy"], [tmp_path / "edkg" / OUTPUT])
    assert count_sources(samples) == {"gold.spacy": 6, "pool.spacy": 2, OUTPUT: 7}
    assert [s.label for s in samples if s.source == "pool.spacy"] == [None, None]
    assert all(s.label for s in samples if s.source == OUTPUT)


def test_missing_corpus_is_a_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such file"):
        load_samples([tmp_path / "missing.spacy"])
    with pytest.raises(DataError, match="no such file"):
        load_samples(explanations=[tmp_path / "missing.jsonl"])
