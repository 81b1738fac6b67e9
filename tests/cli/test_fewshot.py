"""`fewshot`: seeded sampling of k gold units per label, pool = the rest."""
from collections import Counter

import pytest
import spacy
import srsly
from spacy.tokens import Span
from typer.testing import CliRunner

from spacy_mbre.cli import app
from spacy_mbre.data.readers.corpus import read_docs
from spacy_mbre.data.relations import Pair, Relation, set_pairs, set_relations
from spacy_mbre.data.schema import load_schema
from spacy_mbre.errors import ConfigError
from spacy_mbre.training.fewshot import sample_fewshot, split_docs, unit_classes

runner = CliRunner()


def load(path):
    return list(read_docs(path, spacy.blank("en")))


def test_unit_classes_are_directional_options(semeval_docbin):
    schema = load_schema("semeval")
    classes = [unit_classes(doc, schema) for doc in load(semeval_docbin)]
    assert classes[0] == ["Cause-Effect(e2,e1)"]
    assert classes[3] == ["Cause-Effect(e1,e2)"]
    assert classes[-1] == ["Other"]


@pytest.mark.parametrize("k", [1, 2, 3])
def test_k_per_label(semeval_docbin, k):
    schema = load_schema("semeval")
    docs = load(semeval_docbin)
    split = split_docs(docs, schema, k=k, seed=0)
    available = Counter(c for doc in docs for c in unit_classes(doc, schema))
    assert split.counts == {label: min(k, n) for label, n in available.items()}
    assert sorted(split.fewshot + split.pool) == list(range(len(docs)))
    assert not set(split.fewshot) & set(split.pool)


def test_seeded(semeval_docbin):
    schema = load_schema("semeval")
    docs = load(semeval_docbin)
    first = split_docs(docs, schema, k=2, seed=3, pool_size=4)
    again = split_docs(docs, schema, k=2, seed=3, pool_size=4)
    assert (first.fewshot, first.pool) == (again.fewshot, again.pool)
    others = {tuple(split_docs(docs, schema, k=2, seed=s).fewshot) for s in range(8)}
    assert len(others) > 1
    assert len(first.pool) == 3  # 12 docs - 9 few-shot: fewer than the pool size asked


def test_without_none(semeval_docbin):
    split = split_docs(load(semeval_docbin), load_schema("semeval"), k=1, seed=0, include_none=False)
    assert "Other" not in split.counts
    assert sum(split.counts.values()) == 4


def test_typing_units_rarest_first():
    nlp = spacy.blank("en")
    schema = load_schema("crossner_politics")
    docs = []
    for words, types in [
        (["Obama", "met", "Merkel"], ["politician", "politician"]),
        (["Obama", "visited", "Paris"], ["politician", "location"]),
        (["Labour", "won"], ["politicalparty"]),
        (["Merkel", "left", "Berlin"], ["politician", "location"]),
    ]:
        doc = nlp.make_doc(" ".join(words))
        spans = [Span(doc, i, i + 1, label=t) for i, t in zip([0, len(words) - 1], types)]
        doc.ents = spans
        set_pairs(doc, [Pair(s, None) for s in spans])
        set_relations(doc, [Relation(s, None, s.label_) for s in spans])
        docs.append(doc)
    split = split_docs(docs, schema, k=1, seed=0)
    assert 2 in split.fewshot  # the only politicalparty
    assert all(split.counts[t] >= 1 for t in ("politician", "location", "politicalparty"))


def test_bad_k():
    with pytest.raises(ConfigError):
        sample_fewshot([["a"]], k=0, seed=0)


def test_cli(semeval_docbin, tmp_path):
    fewshot, pool, summary = tmp_path / "fs.spacy", tmp_path / "pool.jsonl", tmp_path / "split.json"
    args = ["fewshot", str(semeval_docbin), str(fewshot), str(pool), "--k", "2", "--seed", "1", "--pool-size", "3",
            "--summary", str(summary)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = srsly.read_json(summary)
    assert data["counts"] == {
        "Cause-Effect(e1,e2)": 2, "Cause-Effect(e2,e1)": 2, "Content-Container(e1,e2)": 2, "Message-Topic(e1,e2)": 1,
        "Other": 2,
    }
    assert len(load(fewshot)) == data["fewshot_docs"] == 9
    pool_docs = load(pool)
    assert len(pool_docs) == data["pool_docs"] == 3
    assert pool_docs[0]._.relations or pool_docs[0]._.candidate_pairs  # gold kept for scoring the mining
    fewshot_texts = {d.text for d in load(fewshot)}
    assert not fewshot_texts & {d.text for d in pool_docs}
    # Same seed, same split.
    runner.invoke(app, args[:-2])
    assert [d.text for d in load(fewshot)] == [d.text for d in load(tmp_path / "fs.spacy")]
