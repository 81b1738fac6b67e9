import sys

import pytest
import spacy
import srsly
from spacy.tokens import DocBin
from typer.testing import CliRunner

from spacy_mbre.cli import app, main

runner = CliRunner()
RECORD = {
    "text": "Ann met Bob.",
    "entities": [{"start": 0, "end": 3, "label": "PER"}, {"start": 8, "end": 11, "label": "PER"}],
    "relations": [{"head": 0, "tail": 1, "label": "P3373", "score": 0.8, "source": "mined"}],
    "pairs": [[0, 1], [1, 0]],
}


def test_convert_jsonl_to_docbin(tmp_path):
    src = tmp_path / "in.jsonl"
    srsly.write_jsonl(src, [RECORD, RECORD])
    out = tmp_path / "sub" / "out.spacy"
    result = runner.invoke(app, ["convert", "jsonl", str(src), str(out), "--schema", "redocred"])
    assert result.exit_code == 0, result.output
    assert "Wrote 2 docs" in result.output and "candidate pairs" in result.output
    docs = list(DocBin().from_disk(out).get_docs(spacy.blank("en").vocab))
    assert [(r.head.text, r.tail.text, r.label, r.score) for r in docs[0]._.relations] == [("Ann", "Bob", "P3373", 0.8)]
    assert len(docs[1]._.candidate_pairs) == 2


def test_convert_crossner_to_jsonl(tmp_path):
    src = tmp_path / "ai" / "train.txt"
    src.parent.mkdir()
    src.write_text("Deep\tB-field\nlearning\tI-field\n\nPython\tB-programlang\n")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["convert", "crossner", str(src), str(out), "--offsets", "chars"])
    assert result.exit_code == 0, result.output
    assert "field" in result.output and "programlang" in result.output
    first = next(srsly.read_jsonl(out))
    assert first["entities"] == [{"start": 0, "end": 13, "label": "field"}] and "tokens" not in first


def test_schema_check():
    result = runner.invoke(app, ["schema", "check", "semeval", "--options"])
    assert result.exit_code == 0, result.output
    assert "9 labels, 18 options" in result.output and "Cause-Effect(e2,e1)" in result.output


def test_bad_input_is_one_line(tmp_path, monkeypatch, capsys):
    src = tmp_path / "bad.txt"
    src.write_text('1\t"no markers"\nOther\n')
    monkeypatch.setattr(sys, "argv", ["spacy-mbre", "convert", "semeval", str(src), str(tmp_path / "o.spacy")])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.strip() == f"✘ {src}:1: expected exactly one <e1> marker, found 0"
