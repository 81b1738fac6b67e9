"""`visualize`: a DocBin (plus the records of another file) → an HTML page."""
from spacy.tokens import DocBin
from typer.testing import CliRunner

from spacy_mbre.cli import app
from spacy_mbre.data.relations import Relation, get_relations, set_relations

runner = CliRunner()


def test_visualize_writes_html(semeval_docbin, tmp_path):
    out = tmp_path / "out" / "docs.html"
    result = runner.invoke(app, ["visualize", str(semeval_docbin), str(out), "--limit", "3", "--offset", "1"])
    assert result.exit_code == 0, result.output
    markup = out.read_text(encoding="utf8")
    assert markup.count('<figure class="mbre-doc"') == 3
    # three gold relations (rows 2-4 are Cause-Effect), one arc each
    assert markup.count('data-source="gold"') == 3 and markup.count('class="displacy-arrow"') == 3
    assert "Cause-Effect" in markup


def test_visualize_adds_records_from_another_file(semeval_docbin, tmp_path):
    import spacy

    nlp = spacy.blank("en")
    docs = list(DocBin().from_disk(semeval_docbin).get_docs(nlp.vocab))[:2]
    for doc in docs:
        gold = get_relations(doc, source="gold")[0]
        set_relations(doc, [Relation(gold.head, gold.tail, gold.label, score=0.5, source="mined")])
    mined = tmp_path / "mined.spacy"
    DocBin(docs=docs, store_user_data=True).to_disk(mined)
    out = tmp_path / "docs.html"
    result = runner.invoke(app, ["visualize", str(mined), str(out), "--with", str(semeval_docbin)])
    assert result.exit_code == 0, result.output
    # wasabi wraps the message at the terminal width: compare with whitespace collapsed
    assert "sources: gold, mined" in " ".join(result.output.split())
    markup = out.read_text(encoding="utf8")
    assert markup.count('data-source="gold" data-records="1"') == 2
    assert markup.count('data-source="mined" data-records="1"') == 2
    assert markup.count("Cause-Effect 0.50") == 2


def test_visualize_rejects_other_suffix(semeval_docbin, tmp_path):
    result = runner.invoke(app, ["visualize", str(semeval_docbin), str(tmp_path / "x.png")])
    assert result.exit_code != 0
    assert "must end in .html" in str(result.exception)
