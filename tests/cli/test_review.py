"""`review export` / `review import` on DocBins, and their one-line errors."""
import srsly
from spacy.tokens import DocBin
from typer.testing import CliRunner

from spacy_mbre.cli import app
from spacy_mbre.data.relations import Relation, get_pairs, get_relations, set_relations

runner = CliRunner()


def mined_docbin(semeval_docbin, tmp_path):
    import spacy

    nlp = spacy.blank("en")
    docs = list(DocBin().from_disk(semeval_docbin).get_docs(nlp.vocab))[:4]
    for doc in docs:
        gold = get_relations(doc, source="gold")
        set_relations(doc, [Relation(r.head, r.tail, r.label, score=0.8, source="mined") for r in gold])
    path = tmp_path / "mined.spacy"
    DocBin(docs=docs, store_user_data=True).to_disk(path)
    return path


def test_export_review_import_prodigy(semeval_docbin, tmp_path):
    mined = mined_docbin(semeval_docbin, tmp_path)
    tasks_path = tmp_path / "tasks.jsonl"
    result = runner.invoke(app, ["review", "export", str(mined), str(tasks_path), "--format", "prodigy"])
    assert result.exit_code == 0, result.output
    assert "Wrote 4 prodigy tasks" in result.output
    tasks = list(srsly.read_jsonl(tasks_path))
    for task, answer in zip(tasks, ["accept", "accept", "reject", "ignore"]):
        task["answer"] = answer
    srsly.write_jsonl(tasks_path, tasks)
    gold_path = tmp_path / "gold.spacy"
    result = runner.invoke(app, ["review", "import", str(tasks_path), str(gold_path)])
    assert result.exit_code == 0, result.output
    assert "Wrote 3 gold docs" in result.output
    import spacy

    docs = list(DocBin().from_disk(gold_path).get_docs(spacy.blank("en").vocab))
    assert [len(get_relations(doc, source="gold")) for doc in docs] == [1, 1, 0]
    # SemEval's relations run e2 -> e1 here: the one text-order candidate pair
    # covers them, no reversed pair is added
    assert [[p.key for p in get_pairs(doc)] for doc in docs] == [[(1, 2, 6, 7)], [(1, 2, 6, 7)], [(1, 2, 5, 6)]]
    assert get_relations(docs[0])[0].pair.key == (6, 7, 1, 2)
    assert not [r for doc in docs for r in get_relations(doc) if r.source != "gold"]


def test_export_import_doccano_jsonl(semeval_docbin, tmp_path):
    mined = mined_docbin(semeval_docbin, tmp_path)
    tasks_path = tmp_path / "tasks.jsonl"
    result = runner.invoke(app, ["review", "export", str(mined), str(tasks_path), "-f", "doccano", "--skip-empty"])
    assert result.exit_code == 0, result.output
    gold_path = tmp_path / "gold.jsonl"
    result = runner.invoke(app, ["review", "import", str(tasks_path), str(gold_path), "-f", "doccano"])
    assert result.exit_code == 0, result.output
    records = list(srsly.read_jsonl(gold_path))
    assert len(records) == 4 and all(r["relations"][0]["meta"] == {"review": "accepted"} for r in records)


def test_import_bad_line_is_one_line_error(tmp_path):
    path = tmp_path / "reviewed.jsonl"
    path.write_text('{"text": "A b.", "tokens": [{"text": "A"}], "answer": "accept"}\n', encoding="utf8")
    result = runner.invoke(app, ["review", "import", str(path), str(tmp_path / "gold.spacy")])
    assert result.exit_code != 0
    assert str(result.exception).startswith(f"{path}:1: 'text' does not match")
