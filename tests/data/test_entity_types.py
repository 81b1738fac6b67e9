"""Mapping entity labels (a spaCy NER's) onto a schema's types."""
import json

import pytest
import spacy
from spacy.tokens import Doc, Span
from typer.testing import CliRunner

from spacy_mbre.cli import app
from spacy_mbre.data.entity_types import TypeMap
from spacy_mbre.errors import ConfigError


def test_items_are_parsed():
    mapping = TypeMap.from_items(["PERSON=Peop,ORG=Org", "GPE = Loc", "LOC=Loc"])
    assert mapping.types == {"PERSON": "Peop", "ORG": "Org", "GPE": "Loc", "LOC": "Loc"}
    assert not TypeMap.from_items([])


@pytest.mark.parametrize("items,match", [(["PERSON"], "NER_LABEL=TYPE"), (["=Peop"], "NER_LABEL=TYPE"),
                                         (["ORG=Org", "ORG=Loc"], "both")])
def test_bad_items_are_errors(items, match):
    with pytest.raises(ConfigError, match=match):
        TypeMap.from_items(items)


def test_entities_are_relabelled_and_unmapped_ones_dropped():
    doc = Doc(spacy.blank("en").vocab, words=["Mary", "joined", "Acme", "on", "Monday"])
    doc.ents = [Span(doc, 0, 1, "PERSON"), Span(doc, 2, 3, "ORG"), Span(doc, 4, 5, "DATE")]
    TypeMap.from_items(["PERSON=Peop", "ORG=Org"]).apply(doc)
    assert [(e.text, e.label_) for e in doc.ents] == [("Mary", "Peop"), ("Acme", "Org")]


def test_mine_pairs_ner_entities_under_the_schema(tmp_path, typed_schema_path):
    record = {
        "text": "Mary works for Acme in Boston since 2001 .",
        "entities": [{"start": 0, "end": 4, "label": "PERSON"}, {"start": 15, "end": 19, "label": "ORG"},
                     {"start": 23, "end": 29, "label": "GPE"}, {"start": 36, "end": 40, "label": "DATE"}],
    }
    src = tmp_path / "ner.jsonl"
    src.write_text(json.dumps(record) + "\n", encoding="utf8")

    def mine(name, *extra):
        args = ["mine", str(src), str(tmp_path / name), "--schema", str(typed_schema_path), "--strategy", "binary",
                "--model", "spacy-mbre-test.FakeLLM.v1", "--no-progress", "--no-train-view", *extra]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output + repr(result.exception)
        return result.output, json.loads((tmp_path / name / "report.json").read_text())

    output, report = mine("raw")
    assert "0 candidate pairs in 1 docs" in output and "1 docs with entities have no candidate pair" in output
    assert report["pairs"] == 0
    output, report = mine("mapped", "--type-map", "PERSON=Peop,ORG=Org", "--type-map", "GPE=Loc")
    assert "3 candidate pairs in 1 docs" in output and "no candidate pair" not in output
    assert report["pairs"] == 3 and report["total"]["prompts"] == 3  # Work_For, Live_In, OrgBased_In
