"""Prodigy rel.manual tasks: the exported structure, the round trip and the
answers (accept with edits, reject, ignore)."""
import pytest
import srsly

from spacy_mbre.data.relations import get_pairs, get_relations
from spacy_mbre.errors import DataError
from spacy_mbre.review import export_review, import_review
from spacy_mbre.review.prodigy import doc_to_task


def relation_keys(doc, source="gold"):
    return sorted(
        (r.head.start_char, r.head.end_char, r.tail.start_char, r.tail.end_char, r.label)
        for r in get_relations(doc, source=source)
    )


def reviewed(tmp_path, docs, edit=None, answers=("accept", "accept")):
    """Export, add answers, let `edit` change the tasks as a reviewer would."""
    path = tmp_path / "tasks.jsonl"
    export_review(docs, path, "prodigy")
    tasks = list(srsly.read_jsonl(path))
    for task, answer in zip(tasks, answers):
        task["answer"] = answer
    if edit is not None:
        edit(tasks)
    out = tmp_path / "reviewed.jsonl"
    srsly.write_jsonl(out, tasks)
    return out


def test_task_structure(mined_docs):
    task = doc_to_task(mined_docs[0])
    assert [t["id"] for t in task["tokens"]] == list(range(len(mined_docs[0])))
    assert task["tokens"][0] == {"text": "Marie", "start": 0, "end": 5, "id": 0, "ws": True}
    assert task["tokens"][-2]["ws"] is False  # "Paris" before "."
    # token_end is inclusive
    assert task["spans"][0] == {"text": "Marie Curie", "start": 0, "end": 11, "token_start": 0, "token_end": 1,
                                "label": "PER"}
    # only the mined records, head/child = last token of the span
    assert [(r["head"], r["child"], r["label"]) for r in task["relations"]] == [(1, 5, "born_in"), (1, 9, "works_in")]
    assert task["relations"][0]["head_span"]["token_start"] == 0
    assert task["relations"][0]["child_span"] == {"start": 24, "end": 30, "token_start": 5, "token_end": 5,
                                                  "label": "LOC"}
    assert task["meta"] == {"id": "d1", "scores": "born_in 0.93; works_in 0.41"}
    assert task["mbre"]["id"] == "d1" and len(task["mbre"]["pairs"]) == 3 and len(task["mbre"]["records"]) == 2


def test_round_trip_accept_all(tmp_path, mined_docs, nlp):
    docs, stats = import_review(reviewed(tmp_path, mined_docs), "prodigy", nlp)
    assert len(docs) == 2 and stats.docs == 2
    for doc, original in zip(docs, mined_docs):
        assert [t.text for t in doc] == [t.text for t in original]
        assert [(e.start, e.end, e.label_) for e in doc.ents] == [(e.start, e.end, e.label_) for e in original.ents]
        assert relation_keys(doc) == relation_keys(original, source="mined")
        assert {p.key for p in get_pairs(doc)} == {p.key for p in get_pairs(original)}
        assert all(r.meta == {"review": "accepted"} and r.score is None for r in get_relations(doc))
    assert [doc.user_data["mbre_id"] for doc in docs] == ["d1", "d2"]
    assert stats.relations["accepted"] == 3 and stats.relations["rejected"] == 0


def test_edits_are_accepted_relabelled_added_and_rejected(tmp_path, mined_docs, nlp):
    def edit(tasks):
        first = tasks[0]
        first["relations"][0]["label"] = "lives_in"  # relabel Marie Curie -> Warsaw
        del first["relations"][1]  # reject Marie Curie -> Paris
        warsaw, paris = first["spans"][1], first["spans"][2]
        first["relations"].append({"head": 5, "child": 9, "head_span": warsaw, "child_span": paris, "label": "near"})

    docs, stats = import_review(reviewed(tmp_path, mined_docs, edit), "prodigy", nlp)
    first = docs[0]
    statuses = sorted((r.label, r.meta["review"]) for r in get_relations(first))
    assert statuses == [("lives_in", "relabelled"), ("near", "added")]
    assert stats.relations == {"relabelled": 1, "added": 1, "rejected": 2, "accepted": 1}
    # the rejected pair stays a candidate pair, with no record: "no relation"
    paris_pair = (0, 2, 9, 10)
    assert paris_pair in {p.key for p in get_pairs(first)}
    assert not [r for r in get_relations(first) if r.pair.key == paris_pair]


def test_reject_negative_drop_and_ignore(tmp_path, mined_docs, nlp):
    path = reviewed(tmp_path, mined_docs, answers=("reject", "ignore"))
    docs, stats = import_review(path, "prodigy", nlp)
    assert len(docs) == 1 and get_relations(docs[0]) == []
    assert len(get_pairs(docs[0])) == 3
    assert stats.tasks == {"reject": 1, "ignore": 1} and stats.relations["rejected"] == 2
    dropped, _ = import_review(path, "prodigy", nlp, rejected="drop")
    assert dropped == []


def test_relation_without_spans_uses_the_span_ending_at_its_token(tmp_path, nlp):
    line = {
        "text": "Ann Lee met Bob .",
        "tokens": [{"text": w, "ws": i < 4} for i, w in enumerate(["Ann", "Lee", "met", "Bob", "."])],
        "spans": [
            {"token_start": 0, "token_end": 1, "label": "PER"},
            {"token_start": 3, "token_end": 3, "label": "PER"},
        ],
        "relations": [{"head": 1, "child": 3, "label": "knows"}],
        "answer": "accept",
    }
    path = tmp_path / "r.jsonl"
    srsly.write_jsonl(path, [line])
    (doc,), stats = import_review(path, "prodigy", nlp)
    (rel,) = get_relations(doc)
    assert (rel.head.text, rel.tail.text, rel.label, rel.meta["review"]) == ("Ann Lee", "Bob", "knows", "added")
    assert stats.without_mbre == 1 and [p.key for p in get_pairs(doc)] == [(0, 2, 3, 4)]


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda t: t.pop("answer"), "'answer' must be one of"),
        (lambda t: t["spans"][0].update(token_end=99), "spans[0]: tokens 0-99 are out of range"),
        (lambda t: t.update(text="Something else"), "'text' does not match"),
        (lambda t: t["relations"][0].update(child_span=t["relations"][0]["head_span"]), "same span"),
        (lambda t: t["relations"][0].pop("label"), "relations[0]: a relation needs a 'label'"),
        (lambda t: t.update(mbre={"pairs": [[1, 2]]}), "'mbre' is malformed"),
    ],
)
def test_bad_lines_name_file_and_line(tmp_path, mined_docs, nlp, change, message):
    path = reviewed(tmp_path, mined_docs, edit=lambda tasks: change(tasks[1]))
    with pytest.raises(DataError) as err:
        import_review(path, "prodigy", nlp)
    assert str(err.value).startswith(f"{path}:2: ")
    assert message in str(err.value)


def test_invalid_json_line(tmp_path, nlp):
    path = tmp_path / "r.jsonl"
    path.write_text("\n{not json\n", encoding="utf8")
    with pytest.raises(DataError, match=r"r.jsonl:2: not valid JSON"):
        import_review(path, "prodigy", nlp)
