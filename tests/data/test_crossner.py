from pathlib import Path

import pytest

from spacy_mbre.data.readers import ConversionStats, read_crossner
from spacy_mbre.errors import DataError

EXPECTED = {
    # domain: (docs, entities) over train + dev + test
    "politics": (1392, 8995),
    "science": (1193, 6702),
    "ai": (881, 3890),
    "literature": (916, 4937),
}


@pytest.mark.parametrize("domain", sorted(EXPECTED))
def test_domain_counts(crossner_dir, domain):
    stats = ConversionStats()
    docs = []
    for split in ("train", "dev", "test"):
        docs.extend(read_crossner(crossner_dir / domain / f"{split}.txt", stats=stats))
    assert (stats.counts["docs"], stats.counts["entities"]) == EXPECTED[domain]
    assert sum(stats.labels.values()) == stats.counts["entities"]
    if domain == "politics":
        assert stats.labels["politicalparty"] == 2201 and stats.labels["person"] == 654
    doc = docs[0]
    assert [r.label for r in doc._.relations] == [e.label_ for e in doc.ents]
    assert all(r.tail is None and r.source == "gold" for r in doc._.relations)
    assert [p.key for p in doc._.candidate_pairs] == [(e.start, e.end, -1, -1) for e in doc.ents]


def write(tmp_path: Path, text: str, domain: str = "ai") -> Path:
    (tmp_path / domain).mkdir(exist_ok=True)
    path = tmp_path / domain / "x.txt"
    path.write_text(text, encoding="utf8")
    return path


def test_small_file(tmp_path):
    path = write(tmp_path, "Deep\tB-field\nlearning\tI-field\nis\tO\n\nPython\tB-programlang\n")
    docs = list(read_crossner(path))
    assert [[(e.text, e.label_) for e in d.ents] for d in docs] == [
        [("Deep learning", "field")], [("Python", "programlang")]
    ]
    assert docs[1].user_data["mbre_id"] == "x:1" and docs[1].user_data["mbre_meta"]["line"] == 5


@pytest.mark.parametrize(
    "text,line,message",
    [
        ("Deep\tO\nlearning\tI-field\n", 2, "I- tag must continue"),
        ("Deep\tB-task\nlearning\tI-field\n", 2, "I- tag must continue"),
        ("Deep\tX-field\n", 1, "invalid tag"),
        ("Deep\n", 1, "expected 'token<TAB>tag'"),
        ("Deep\tB-weapon\n", 1, "unknown entity type"),
    ],
)
def test_bad_input(tmp_path, text, line, message):
    path = write(tmp_path, text)
    with pytest.raises(DataError, match=message) as err:
        list(read_crossner(path))
    assert err.value.line == line and str(err.value).startswith(f"{path}:{line}:")


def test_repair(tmp_path):
    path = write(tmp_path, "Deep\tO\nlearning\tI-field\nnets\tI-field\n")
    stats = ConversionStats()
    (doc,) = read_crossner(path, repair=True, stats=stats)
    assert [(e.text, e.label_) for e in doc.ents] == [("learning nets", "field")]
    assert stats.counts["repaired I- tags"] == 1


def test_no_schema_outside_known_domains(tmp_path):
    path = write(tmp_path, "Sword\tB-weapon\n", domain="medieval")
    (doc,) = read_crossner(path)
    assert doc.ents[0].label_ == "weapon"
