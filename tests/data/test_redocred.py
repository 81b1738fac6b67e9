from pathlib import Path

import pytest
import srsly

from spacy_mbre.data.readers import ID_KEY, META_KEY, read_redocred
from spacy_mbre.errors import DataError


def test_dev_counts(redocred_dev):
    docs, stats = redocred_dev
    c = stats.counts
    assert c["documents"] == 500
    assert c["docs"] == len(docs) == 3740  # sentences with at least one mention
    assert c["sentences without mentions"] == 4110 - 3740
    assert c["mentions"] == 13189
    assert c["duplicate mentions merged"] == 36
    assert c["overlapping mentions dropped"] == 21
    assert c["entities (kept mentions)"] == 13132
    assert c["candidate pairs"] == 49860
    assert c["labelled pairs"] == 7803
    assert c["relation records"] == 9939  # 9,942 mention pairs x labels, 3 repeated
    assert c["triples"] == 17284
    # 7,982 triples have both entities in one sentence; 22 of them only via a
    # mention dropped as overlapping.
    assert c["in-sentence triples"] == 7960
    assert c["cross-sentence triples"] == 17284 - 7960
    assert sum(len(d._.relations) for d in docs) == 9939
    assert sum(len(d._.candidate_pairs) for d in docs) == 49860


def test_dev_docs_consistent(redocred_dev):
    docs, _ = redocred_dev
    doc = docs[0]
    assert doc.user_data[ID_KEY] == "0:0" and doc.user_data[META_KEY]["sent"] == 0
    assert {e.label_ for d in docs for e in d.ents} == {"PER", "ORG", "LOC", "TIME", "NUM", "MISC"}
    for doc in docs[:300]:
        pairs = {p.key for p in doc._.candidate_pairs}
        ents = {(e.start, e.end) for e in doc.ents}
        for rel in doc._.relations:
            assert rel.pair.key in pairs  # every labelled pair is a candidate
            assert (rel.head.start, rel.head.end) in ents and (rel.tail.start, rel.tail.end) in ents
        for pair in doc._.candidate_pairs:
            assert pair.head.kb_id_ != pair.tail.kb_id_ or pair.head.kb_id_ == ""
    born = [r for r in docs[0]._.relations if r.label == "P19"]
    assert [(r.head.text, r.tail.text) for r in born] == [('Wilfried " Willi " Schneider', "Mediaș")]


def _doc(**changes):
    doc = {
        "title": "T",
        "sents": [["Ann", "met", "Bob", "in", "Rome", "."], ["Bob", "left", "."]],
        "vertexSet": [
            [{"name": "Ann", "pos": [0, 1], "sent_id": 0, "type": "PER"}],
            [
                {"name": "Bob", "pos": [2, 3], "sent_id": 0, "type": "PER"},
                {"name": "Bob", "pos": [0, 1], "sent_id": 1, "type": "PER"},
            ],
            [{"name": "Rome", "pos": [4, 5], "sent_id": 0, "type": "LOC"}],
        ],
        "labels": [{"h": 0, "t": 2, "r": "P551"}, {"h": 1, "t": 2, "r": "P551"}],
    }
    doc.update(changes)
    return doc


def test_small_document(tmp_path):
    path = tmp_path / "d.json"
    srsly.write_json(path, [_doc()])
    docs = list(read_redocred(path))
    assert len(docs) == 2
    assert len(docs[0]._.candidate_pairs) == 6
    assert sorted((r.head.text, r.tail.text) for r in docs[0]._.relations) == [("Ann", "Rome"), ("Bob", "Rome")]
    assert docs[1]._.candidate_pairs == [] and docs[1]._.relations == []
    assert [e.kb_id_ for e in docs[0].ents] == ["0", "1", "2"]


@pytest.mark.parametrize(
    "data,message",
    [
        ("not json", "not valid JSON"),
        ({"a": 1}, "expected a list"),
        ([{"sents": []}], "'sents' and 'vertexSet'"),
        ([_doc(vertexSet=[[{"pos": [4, 9], "sent_id": 0, "type": "PER"}]])], "out of range"),
        ([_doc(vertexSet=[[{"pos": [4], "sent_id": 0, "type": "PER"}]])], "needs 'sent_id'"),
        ([_doc(labels=[{"h": 0, "t": 7, "r": "P17"}])], "entity index out of range"),
        ([_doc(labels=[{"h": 0, "t": 1, "r": "P99999"}])], "unknown relation"),
    ],
)
def test_bad_input(tmp_path: Path, data, message):
    path = tmp_path / "bad.json"
    if isinstance(data, str):
        path.write_text(data)
    else:
        srsly.write_json(path, data)
    with pytest.raises(DataError, match=message) as err:
        list(read_redocred(path))
    assert err.value.path == str(path)
