"""doccano relation JSONL: the exported structure, the round trip, a
reviewed file taken as the truth, lines from doccano without spacy-mbre data."""
import pytest
import srsly

from spacy_mbre.data.relations import get_pairs, get_relations
from spacy_mbre.errors import DataError
from spacy_mbre.review import export_review, import_review
from spacy_mbre.review.doccano import doc_to_task


def relation_keys(doc, source="gold"):
    return sorted(
        (r.head.start_char, r.head.end_char, r.tail.start_char, r.tail.end_char, r.label)
        for r in get_relations(doc, source=source)
    )


def test_task_structure(mined_docs):
    task = doc_to_task(mined_docs[0])
    assert task["entities"] == [
        {"id": 0, "label": "PER", "start_offset": 0, "end_offset": 11},
        {"id": 1, "label": "LOC", "start_offset": 24, "end_offset": 30},
        {"id": 2, "label": "LOC", "start_offset": 45, "end_offset": 50},
    ]
    assert task["relations"] == [
        {"id": 3, "from_id": 0, "to_id": 1, "type": "born_in"},
        {"id": 4, "from_id": 0, "to_id": 2, "type": "works_in"},
    ]
    assert task["mbre"]["records"][0] == {"head": [0, 11], "tail": [24, 30], "label": "born_in", "score": 0.93}


def test_ids_are_unique_in_a_file(tmp_path, mined_docs):
    path = tmp_path / "tasks.jsonl"
    assert export_review(mined_docs, path, "doccano") == 2
    ids = [x["id"] for task in srsly.read_jsonl(path) for x in task["entities"] + task["relations"]]
    assert len(ids) == len(set(ids)) == 8


def test_round_trip(tmp_path, mined_docs, nlp):
    path = tmp_path / "tasks.jsonl"
    export_review(mined_docs, path, "doccano")
    docs, stats = import_review(path, "doccano", nlp)
    for doc, original in zip(docs, mined_docs):
        assert [(e.start, e.end, e.label_) for e in doc.ents] == [(e.start, e.end, e.label_) for e in original.ents]
        assert relation_keys(doc) == relation_keys(original, source="mined")
        assert {p.key for p in get_pairs(doc)} == {p.key for p in get_pairs(original)}
    assert stats.tasks == {"accept": 2} and stats.relations == {"accepted": 3}


def test_reviewed_file_is_the_truth(tmp_path, mined_docs, nlp):
    path = tmp_path / "tasks.jsonl"
    export_review(mined_docs, path, "doccano")
    tasks = list(srsly.read_jsonl(path))
    tasks[0]["relations"] = [{"id": 9, "from_id": 0, "to_id": 2, "type": "lives_in"}]  # relabel one, drop one
    tasks[1]["meta"] = {"mbre": tasks[1].pop("mbre")}  # doccano may hand it back under meta
    srsly.write_jsonl(path, tasks)
    docs, stats = import_review(path, "doccano", nlp)
    assert [(r.label, r.meta["review"]) for r in get_relations(docs[0])] == [("lives_in", "relabelled")]
    assert stats.relations == {"relabelled": 1, "accepted": 1, "rejected": 2}
    assert docs[1].user_data["mbre_id"] == "d2" and stats.without_mbre == 0
    assert (0, 2, 5, 6) in {p.key for p in get_pairs(docs[0])}  # the dropped relation's pair


def test_line_without_spacy_mbre_data(tmp_path, nlp):
    line = {
        "id": 7, "text": "Ann Lee met Bob.", "Comments": [],
        "entities": [{"id": 11, "label": "PER", "start_offset": 0, "end_offset": 7},
                     {"id": 12, "label": "PER", "start_offset": 12, "end_offset": 15}],
        "relations": [{"id": 13, "from_id": 12, "to_id": 11, "type": "knows"}],
    }
    path = tmp_path / "r.jsonl"
    srsly.write_jsonl(path, [line])
    (doc,), stats = import_review(path, "doccano", nlp)
    (rel,) = get_relations(doc)
    assert (rel.head.text, rel.tail.text, rel.meta["review"]) == ("Bob", "Ann Lee", "added")
    assert stats.without_mbre == 1 and [p.key for p in get_pairs(doc)] == [(3, 4, 0, 2)]


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda t: t["entities"][0].update(end_offset=2), "entities[0]: characters 0-2 ('Th') do not fall"),
        (lambda t: t["entities"][0].update(end_offset=999), "entities[0]: characters 0-999 are out of range"),
        (lambda t: t["relations"][0].update(to_id=42), "relations[0]: to_id 42 is no entity id"),
        (lambda t: t.pop("entities"), "needs an 'entities' list"),
        (lambda t: t["entities"][1].update(id=t["entities"][0]["id"]), "is used twice"),
    ],
)
def test_bad_lines_name_file_and_line(tmp_path, mined_docs, nlp, change, message):
    path = tmp_path / "tasks.jsonl"
    export_review(mined_docs, path, "doccano")
    tasks = list(srsly.read_jsonl(path))
    change(tasks[1])
    srsly.write_jsonl(path, tasks)
    with pytest.raises(DataError) as err:
        import_review(path, "doccano", nlp)
    assert str(err.value).startswith(f"{path}:2: ") and message in str(err.value)
