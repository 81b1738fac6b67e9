from pathlib import Path

import pytest
from spacy.tokens import DocBin

from spacy_mbre.cli.convert import Format, convert
from spacy_mbre.data.readers import ID_KEY, read_semeval
from spacy_mbre.errors import DataError

GOOD = '1\t"The <e1>author</e1> of a keygen uses a <e2>disassembler</e2>."\nInstrument-Agency(e2,e1)\nComment:\n\n'


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "semeval.txt"
    path.write_text(text, encoding="utf8")
    return path


def test_train_file_counts(semeval_dir, tmp_path):
    """Acceptance: 8,000 docs, 8,000 gold labels counting Other (1,410)."""
    out = tmp_path / "train.spacy"
    stats = convert(Format.semeval, semeval_dir / "TRAIN_FILE.TXT", out)
    assert stats.counts["docs"] == 8000
    assert stats.labels["Other"] == 1410
    assert sum(stats.labels.values()) == 8000
    docs = list(DocBin().from_disk(out).get_docs(__import__("spacy").blank("en").vocab))
    assert len(docs) == 8000
    n_relations = sum(len(d._.relations) for d in docs)
    n_other = sum(1 for d in docs if not d._.relations)
    assert (n_relations, n_other) == (6590, 1410)
    assert all(len(d._.candidate_pairs) == 1 and len(d.ents) == 2 for d in docs)
    # record 1: Component-Whole(e2,e1) -> head=elements, tail=configuration; pair in text order
    first = docs[0]
    assert first.user_data[ID_KEY] == "1"
    rel = first._.relations[0]
    assert (rel.head.text, rel.tail.text, rel.label, rel.source) == (
        "elements", "configuration", "Component-Whole", "gold"
    )
    pair = first._.candidate_pairs[0]
    assert (pair.head.text, pair.tail.text) == ("configuration", "elements")


def test_test_file_counts(semeval_test):
    docs, stats = semeval_test
    assert len(docs) == stats.counts["docs"] == 2717
    assert sum(stats.labels.values()) == 2717
    assert stats.labels["Other"] == 454
    assert not any(t.is_space for d in docs for t in d)


def test_markers_are_token_boundaries(tmp_path):
    path = write(tmp_path, '7\t"Anti<e1>virus</e1>-<e2>software</e2>s work."\nOther\n\n')
    (doc,) = read_semeval(path)
    assert [e.text for e in doc.ents] == ["virus", "software"]
    assert doc.text == "Antivirus-softwares work."
    assert doc._.relations == []


def test_reversed_relation_same_pair(tmp_path):
    (doc,) = read_semeval(write(tmp_path, GOOD))
    rel = doc._.relations[0]
    assert (rel.head.text, rel.tail.text) == ("disassembler", "author")
    assert [(p.head.text, p.tail.text) for p in doc._.candidate_pairs] == [("author", "disassembler")]


def test_unlabelled_file(tmp_path):
    docs = list(read_semeval(write(tmp_path, '1\t"A <e1>b</e1> c <e2>d</e2>."\n2\t"<e1>x</e1> and <e2>y</e2>"\n')))
    assert len(docs) == 2 and all(d._.relations == [] for d in docs)


@pytest.mark.parametrize(
    "text,line,message",
    [
        ('1\t"The author uses a <e2>disassembler</e2>."\nOther\n', 1, "exactly one <e1>"),
        ('1\t"<e1>a <e2>b</e1> c</e2>"\nOther\n', 1, "nested"),
        ('1\t"<e1> </e1> x <e2>b</e2>"\nOther\n', 1, "empty"),
        (GOOD.replace("Instrument-Agency", "Made-Up"), 2, "unknown relation label"),
        (GOOD.replace("(e2,e1)", "(e1,e1)"), 2, "itself"),
        (GOOD.replace("Instrument-Agency(e2,e1)", "Instrument Agency"), 2, "cannot parse"),
        ("Other\n", 1, "unexpected"),
        (GOOD + "Other\n", 5, "unexpected"),
    ],
)
def test_bad_input(tmp_path, text, line, message):
    path = write(tmp_path, text)
    with pytest.raises(DataError) as err:
        list(read_semeval(path))
    assert err.value.line == line and err.value.path == str(path)
    assert message in str(err.value)
    assert str(err.value).startswith(f"{path}:{line}:")
