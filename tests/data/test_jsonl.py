import re
from pathlib import Path

import pytest
import spacy
import srsly
from spacy.tokens import Doc, DocBin, Span

from spacy_mbre.data.readers import doc_to_record, read_jsonl, write_jsonl
from spacy_mbre.data.relations import Pair, Relation, set_pairs, set_relations
from spacy_mbre.errors import DataError

DOCS_MD = Path(__file__).parents[2] / "docs" / "jsonl.md"


def signature(doc: Doc):
    return (
        [t.text for t in doc],
        [t.whitespace_ for t in doc],
        [(e.start, e.end, e.label_, e.kb_id_) for e in doc.ents],
        srsly.json_loads(srsly.json_dumps(doc.user_data)),  # msgpack gives tuples
    )


@pytest.fixture
def rich_doc() -> Doc:
    nlp = spacy.blank("en")
    doc = nlp("Marie Curie was born in Warsaw, Poland.")
    doc.ents = [Span(doc, 0, 2, "PER", kb_id="Q7186"), Span(doc, 5, 6, "LOC")]
    poland = Span(doc, 7, 8, "LOC")  # not in doc.ents
    marie, warsaw = doc.ents
    set_relations(
        doc,
        [
            Relation(marie, warsaw, "P19", score=0.93, source="mined", meta={"strategy": "mbre", "votes": [1, 0]}),
            Relation(marie, warsaw, "P551", score=None, source="gold"),
            Relation(warsaw, poland, "P17", score=0.5, source="predicted"),
            Relation(marie, None, "person", source="gold"),
        ],
    )
    set_pairs(doc, [Pair(marie, warsaw), Pair(warsaw, marie), Pair(warsaw, poland), Pair(marie)])
    doc.user_data.update({"mbre_id": "s1", "mbre_weight": 0.5, "mbre_meta": {"origin": "wiki"}})
    return doc


@pytest.mark.parametrize("offsets", ["tokens", "chars"])
def test_round_trip(tmp_path, rich_doc, offsets):
    path = tmp_path / "out.jsonl"
    assert write_jsonl([rich_doc, rich_doc], path, offsets=offsets) == 2
    back = list(read_jsonl(path))
    assert len(back) == 2
    assert signature(back[0]) == signature(rich_doc)
    record = srsly.read_jsonl(path).__next__()
    assert record["entities"][2] == {
        "start": 7 if offsets == "tokens" else 32, "end": 8 if offsets == "tokens" else 38, "label": "LOC", "ent": False
    }


def test_real_data_round_trip(tmp_path, semeval_test, redocred_dev):
    docs = semeval_test[0][:300] + redocred_dev[0][:300]
    path = tmp_path / "x.jsonl"
    write_jsonl(docs, path)
    back = list(read_jsonl(path))
    assert [signature(d) for d in back] == [signature(d) for d in docs]
    # DocBin keeps the same
    doc_bin = DocBin(store_user_data=True, docs=docs)
    again = list(DocBin().from_bytes(doc_bin.to_bytes()).get_docs(spacy.blank("en").vocab))
    assert [signature(d) for d in again] == [signature(d) for d in docs]
    assert [[(r.head.text, r.tail.text, r.label) for r in d._.relations] for d in again] == [
        [(r.head.text, r.tail.text, r.label) for r in d._.relations] for d in docs
    ]
    assert [[p.key for p in d._.candidate_pairs] for d in again] == [[p.key for p in d._.candidate_pairs] for d in docs]


def test_documented_examples_parse(tmp_path):
    blocks = re.findall(r"```json\n(.*?)```", DOCS_MD.read_text(encoding="utf8"), flags=re.S)
    assert len(blocks) == 2
    path = tmp_path / "doc.jsonl"
    path.write_text("\n".join(srsly.json_dumps(srsly.json_loads(b)) for b in blocks) + "\n")
    by_chars, by_tokens = read_jsonl(path, schema="redocred")
    assert signature(by_chars)[2] == signature(by_tokens)[2] == [(0, 2, "PER", ""), (5, 6, "LOC", "")]
    assert [(r.head.text, r.tail.text, r.label, r.score) for r in by_tokens._.relations] == [
        ("Marie Curie", "Warsaw", "P19", 0.93)
    ]


GOOD = {
    "text": "Ann met Bob.",
    "entities": [{"start": 0, "end": 3, "label": "PER"}, {"start": 8, "end": 11, "label": "PER"}],
}


@pytest.mark.parametrize(
    "line,message",
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "expected a JSON object"),
        ('{"entities": []}', "needs 'text' or 'tokens'"),
        (srsly.json_dumps({**GOOD, "colour": 1}), "unknown keys"),
        (srsly.json_dumps({**GOOD, "entities": [{"start": 0, "end": 30, "label": "PER"}]}), "out of range"),
        (srsly.json_dumps({**GOOD, "entities": [{"start": 1, "end": 3, "label": "PER"}]}), "token boundaries"),
        (
            srsly.json_dumps(
                {**GOOD, "entities": [{"start": 0, "end": 7, "label": "X"}, {"start": 4, "end": 11, "label": "Y"}]}
            ),
            "overlap",
        ),
        (srsly.json_dumps({**GOOD, "relations": [{"head": 0, "tail": 5, "label": "P26"}]}), "entity index 5"),
        (srsly.json_dumps({**GOOD, "relations": [{"head": 0, "tail": 1, "label": "married"}]}), "unknown label"),
        (srsly.json_dumps({**GOOD, "relations": [{"head": 0, "tail": 1, "label": "P26", "score": "high"}]}), "'score'"),
        (srsly.json_dumps({**GOOD, "pairs": [[0]]}), "pairs[0]"),
        (srsly.json_dumps({"tokens": ["a", "b"], "spaces": [True]}), "'spaces'"),
        (srsly.json_dumps({"tokens": ["a", "b"], "text": "a  b"}), "does not match"),
    ],
)
def test_bad_input(tmp_path, line, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(srsly.json_dumps(GOOD) + "\n\n" + line + "\n", encoding="utf8")
    with pytest.raises(DataError) as err:
        list(read_jsonl(path, schema="redocred"))
    assert message in str(err.value)
    assert str(err.value).startswith(f"{path}:3:")


def test_alignment_mode_expand(tmp_path):
    path = tmp_path / "x.jsonl"
    srsly.write_jsonl(path, [{**GOOD, "entities": [{"start": 1, "end": 3, "label": "PER"}]}])
    (doc,) = read_jsonl(path, alignment_mode="expand")
    assert doc.ents[0].text == "Ann"


def test_doc_to_record_rejects_bad_offsets(rich_doc):
    with pytest.raises(ValueError):
        doc_to_record(rich_doc, offsets="bytes")
