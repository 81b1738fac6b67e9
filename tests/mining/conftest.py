"""Fixtures for the mining tests: a small hand-written SemEval-format sample
(tests/mining/data/semeval_sample.txt), a CrossNER-style typing sample, and
gold tables for the FAKE LLM (tests/fake_llm.py)."""
import json
import sys
from pathlib import Path
from typing import List

import pytest
import spacy
from spacy.tokens import Doc, DocBin, Span

from spacy_mbre.data.readers import read_semeval
from spacy_mbre.data.relations import Pair, Relation, set_pairs, set_relations
from spacy_mbre.data.schema import Schema, load_schema

fake_llm = sys.modules["spacy_mbre_tests_fake_llm"]  # registered by tests/conftest.py
DATA = Path(__file__).parent / "data"
SEMEVAL_SAMPLE = DATA / "semeval_sample.txt"

TYPING_SENTENCES = [
    (["Angela", "Merkel", "led", "the", "CDU", "for", "years", "."], [(0, 2, "politician"), (4, 5, "politicalparty")]),
    (["Elections", "were", "held", "in", "Germany", "."], [(4, 5, "country")]),
    (["Barack", "Obama", "met", "voters", "in", "Ohio", "."], [(0, 2, "politician"), (5, 6, "location")]),
    (["The", "Labour", "Party", "won", "in", "London", "."], [(1, 3, "politicalparty"), (5, 6, "location")]),
]


@pytest.fixture(scope="session")
def semeval_schema() -> Schema:
    return load_schema("semeval")


@pytest.fixture()
def semeval_docs() -> List[Doc]:
    return list(read_semeval(SEMEVAL_SAMPLE))


@pytest.fixture()
def semeval_files(tmp_path: Path, semeval_docs: List[Doc], semeval_schema: Schema) -> dict:
    """The sample as a DocBin plus the fake oracle's gold table."""
    docs_path = tmp_path / "sample.spacy"
    DocBin(store_user_data=True, docs=semeval_docs).to_disk(docs_path)
    gold_path = tmp_path / "gold.json"
    gold_path.write_text(json.dumps(fake_llm.gold_table(semeval_docs, semeval_schema)), encoding="utf8")
    return {"docs": docs_path, "gold": gold_path}


def make_typing_docs() -> List[Doc]:
    nlp = spacy.blank("en")
    docs = []
    for words, ents in TYPING_SENTENCES:
        doc = Doc(nlp.vocab, words=words)
        spans = [Span(doc, s, e, label=t) for s, e, t in ents]
        doc.ents = spans
        set_relations(doc, [Relation(span, None, span.label_) for span in spans])
        set_pairs(doc, [Pair(span) for span in spans])
        docs.append(doc)
    return docs


@pytest.fixture()
def typing_files(tmp_path: Path) -> dict:
    schema = load_schema("crossner_politics")
    docs = make_typing_docs()
    docs_path = tmp_path / "typing.spacy"
    DocBin(store_user_data=True, docs=docs).to_disk(docs_path)
    gold_path = tmp_path / "typing_gold.json"
    gold_path.write_text(json.dumps(fake_llm.gold_table(make_typing_docs(), schema)), encoding="utf8")
    return {"docs": docs_path, "gold": gold_path, "schema": schema}
