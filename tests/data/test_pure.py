from pathlib import Path

import pytest
import spacy
import srsly
from spacy.tokens import DocBin
from typer.testing import CliRunner

from spacy_mbre.cli import app
from spacy_mbre.data.readers import ID_KEY, META_KEY, ConversionStats, read_pure
from spacy_mbre.data.schema import TYPING, Schema
from spacy_mbre.errors import DataError

# Made-up sentences in the PURE / DyGIE format (SciERC itself has no licence
# and is never copied into the project).
SAMPLE = Path(__file__).parent / "fixtures" / "pure_sample.json"


def _line(**changes):
    doc = srsly.json_loads(SAMPLE.read_text(encoding="utf8").splitlines()[0])
    doc.update(changes)
    return doc


def _write(tmp_path: Path, *docs) -> Path:
    path = tmp_path / "docs.json"
    path.write_text("\n".join(d if isinstance(d, str) else srsly.json_dumps(d) for d in docs) + "\n", encoding="utf8")
    return path


def test_sample_sentences():
    stats = ConversionStats()
    docs = list(read_pure(SAMPLE, schema="scierc", entity_schema="scierc_entities", stats=stats))
    assert [d.user_data[ID_KEY] for d in docs] == ["made-up-1:0", "made-up-1:1", "made-up-2:0", "made-up-2:1"]
    assert docs[1].user_data[META_KEY] == {"doc_key": "made-up-1", "sent": 1, "line": 1}
    first = docs[0]
    # Document offsets, end inclusive → sentence offsets, end exclusive.
    assert [(s.text, s.label_) for s in first.spans["sc"]] == [
        ("neural parser", "Method"),
        ("German dependency parsing", "Task"),
        ("dependency parsing", "Task"),
    ]
    assert [e.text for e in first.ents] == ["neural parser", "German dependency parsing"]
    [rel] = first._.relations
    assert (rel.head.text, rel.tail.text) == ("neural parser", "German dependency parsing")
    assert (rel.label, rel.source) == ("USED-FOR", "gold")
    # Ordered pairs of non-overlapping entities: 2 × 2 here, 4 × 3 in the second sentence.
    assert len(first._.candidate_pairs) == 4
    assert len(docs[1]._.candidate_pairs) == 12
    assert sorted((r.head.text, r.tail.text, r.label) for r in docs[1]._.relations) == [
        ("Accuracy", "baseline", "EVALUATE-FOR"),
        ("baseline", "tagger", "CONJUNCTION"),
    ]
    assert len(docs[2]) == 4 and not docs[2].ents and docs[2]._.candidate_pairs == []
    assert [(r.head.text, r.tail.text) for r in docs[3]._.relations] == [("Speech recognition", "sequence labelling")]
    c = stats.counts
    assert (c["documents"], c["docs"], c["entities"], c["relation records"]) == (2, 4, 9, 4)
    assert c["overlaps kept only in spans"] == 1 and c["sentences without entities"] == 1
    assert c["candidate pairs"] == 4 + 12 + 2 and c["relations off candidate pairs"] == 0
    assert stats.labels["CONJUNCTION"] == 1


def test_keep_empty_false_skips_sentences_without_entities():
    docs = list(read_pure(SAMPLE, keep_empty=False))
    assert [d.user_data[ID_KEY] for d in docs] == ["made-up-1:0", "made-up-1:1", "made-up-2:1"]


def test_relations_optional(tmp_path):
    doc = _line()
    del doc["relations"]
    docs = list(read_pure(_write(tmp_path, doc)))
    assert len(docs) == 2 and all(d._.relations == [] for d in docs) and len(docs[1]._.candidate_pairs) == 12


@pytest.mark.parametrize(
    "line,message",
    [
        ('{"doc_key": "x", "sentences": [["a"]]', "not valid JSON"),
        ('["not", "an", "object"]', "'sentences' and 'ner'"),
        (_line(ner=[[]]), "one list per sentence"),
        (_line(ner=[[], [[10, 30, "Metric"]]], relations=[[], []]), "sentence 1, ner[0]: span 10-30 is outside"),
        # A sentence-relative offset (PURE offsets count over the whole document).
        (_line(ner=[[], [[0, 0, "Metric"]]], relations=[[], []]), "sentence 1, ner[0]: span 0-0 is outside"),
        (_line(ner=[[[4, 3, "Method"]], []], relations=[[], []]), "outside the sentence"),
        (_line(ner=[[[3, "4", "Method"]], []], relations=[[], []]), "expected [start, end, type]"),
        (_line(ner=[[[3, 4, "Method"], [3, 4, "Task"]], []], relations=[[], []]), "listed with two types"),
        (_line(relations=[[[3, 4, 6, 7, "USED-FOR"]], []]), "sentence 0, relations[0]: the tail 6-7 is not an entity"),
        (_line(relations=[[], [[3, 4, 10, 10, "USED-FOR"]]]), "sentence 1, relations[0]: the head 3-4 is not an"),
        (_line(relations=[[[3, 4, 6, 8]], []]), "expected [head start, head end, tail start, tail end, type]"),
        (_line(relations=[[[3, 4, 6, 8, "CAUSES"]], []]), "unknown relation 'CAUSES' for schema 'scierc'"),
        (_line(ner=[[[3, 4, "Gene"]], []], relations=[[], []]), "unknown entity type 'Gene'"),
        (_line(sentences=[["We"], []], ner=[[], []], relations=[[], []]), "sentence 1: a sentence must be"),
    ],
)
def test_bad_lines_name_file_and_line(tmp_path, line, message):
    good = srsly.json_dumps(_line())
    path = _write(tmp_path, good, "", line)
    with pytest.raises(DataError) as err:
        list(read_pure(path, schema="scierc", entity_schema="scierc_entities"))
    assert err.value.line == 3 and err.value.path == str(path)
    assert message in err.value.message
    assert str(err.value).startswith(f"{path}:3: ")


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="file not found"):
        list(read_pure(tmp_path / "nope.json"))


def test_schemas_shipped():
    relations = Schema.from_file("scierc")
    assert relations.label_names == [
        "USED-FOR", "FEATURE-OF", "HYPONYM-OF", "PART-OF", "COMPARE", "CONJUNCTION", "EVALUATE-FOR"
    ]
    assert [label.name for label in relations.labels if not label.directed] == ["COMPARE", "CONJUNCTION"]
    assert len(relations.options) == 7 and relations.allowed_type_pairs() is None
    entities = Schema.from_file("scierc_entities")
    assert entities.kind == TYPING
    assert set(entities.label_names) == {"Task", "Method", "Metric", "Material", "OtherScientificTerm", "Generic"}


def test_cli_convert_pure(tmp_path):
    out = tmp_path / "sample.spacy"
    args = ["convert", "pure", str(SAMPLE), str(out), "--schema", "scierc", "--entity-schema", "scierc_entities"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Wrote 4 docs" in result.output and "USED-FOR" in result.output
    docs = list(DocBin().from_disk(out).get_docs(spacy.blank("en").vocab))
    assert len(docs[0].spans["sc"]) == 3 and len(docs[1]._.candidate_pairs) == 12
