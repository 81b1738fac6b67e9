import pytest
import spacy
import srsly
from spacy.tokens import DocBin
from spacy.util import registry

from spacy_mbre.data.readers import WEIGHT_KEY, write_jsonl
from spacy_mbre.data.readers.corpus import RelationCorpus, Source
from spacy_mbre.data.relations import Relation
from spacy_mbre.errors import ConfigError, DataError


@pytest.fixture(scope="module")
def files(tmp_path_factory, redocred_dev):
    docs = [d for d in redocred_dev[0] if len(d._.candidate_pairs) >= 2][:40]
    root = tmp_path_factory.mktemp("corpus")
    DocBin(store_user_data=True, docs=docs[:30]).to_disk(root / "gold.spacy")
    mined = []
    for doc in docs[30:]:
        doc = doc.copy()
        doc.user_data = srsly.msgpack_loads(srsly.msgpack_dumps(doc.user_data))
        pairs = doc._.candidate_pairs
        doc._.relations = [
            Relation(p.head, p.tail, "P17", score=0.2 + 0.1 * (i % 2), source="mined") for i, p in enumerate(pairs[:2])
        ]
        mined.append(doc)
    write_jsonl(mined, root / "mined.jsonl")
    return root


def test_registered_reader(files):
    nlp = spacy.blank("en")
    make = registry.readers.get("spacy-mbre.Corpus.v1")
    corpus = make(
        path=str(files / "gold.spacy"), extra_paths=[str(files / "mined.jsonl")], extra_weights=[0.5], min_score=0.25
    )
    examples = list(corpus(nlp))
    assert len(examples) == 40
    gold, mined = examples[:30], examples[30:]
    assert all(eg.reference.user_data[WEIGHT_KEY] == 1.0 for eg in gold)
    assert all(eg.reference.user_data[WEIGHT_KEY] == 0.5 for eg in mined)
    for eg in examples:
        x, y = eg.predicted, eg.reference
        assert [t.text for t in x] == [t.text for t in y]
        assert [(e.start, e.end, e.label_) for e in x.ents] == [(e.start, e.end, e.label_) for e in y.ents]
        assert [p.key for p in x._.candidate_pairs] == [p.key for p in y._.candidate_pairs]
        assert x._.relations == [] and x.user_data["mbre_id"] == y.user_data["mbre_id"]
    # min_score: the 0.2-scored relation and its pair are gone, the 0.3 one stays
    for eg in mined:
        rels = eg.reference._.relations
        assert [r.score for r in rels] == pytest.approx([0.3])
        assert len(eg.reference._.candidate_pairs) == len(eg.predicted._.candidate_pairs)
    assert sum(len(eg.reference._.relations) for eg in gold) > 0


def test_directory_limit_shuffle(files):
    nlp = spacy.blank("en")
    corpus = RelationCorpus([Source(files, weight=2.0)], limit=5, shuffle=True)
    examples = list(corpus(nlp))
    assert len(examples) == 5 and all(eg.reference.user_data[WEIGHT_KEY] == 2.0 for eg in examples)


def test_keep_filtered_pairs(files):
    corpus = RelationCorpus([Source(files / "mined.jsonl", min_score=0.9)], drop_filtered_pairs=False)
    for eg in corpus(spacy.blank("en")):
        assert eg.reference._.relations == []
        assert len(eg.reference._.candidate_pairs) > 0


def test_raw_readers(semeval_dir, crossner_dir):
    nlp = spacy.blank("en")
    semeval = registry.readers.get("spacy-mbre.SemEvalCorpus.v1")(path=str(semeval_dir / "TEST_FILE_FULL.TXT"), limit=3)
    assert len(list(semeval(nlp))) == 3
    crossner = registry.readers.get("spacy-mbre.CrossNERCorpus.v1")(path=str(crossner_dir / "ai" / "train.txt"))
    examples = list(crossner(nlp))
    assert len(examples) == 100 and examples[0].reference._.relations[0].tail is None


def test_errors(tmp_path):
    with pytest.raises(DataError, match="file not found"):
        list(RelationCorpus([Source(tmp_path / "nope.spacy")])(spacy.blank("en")))
    (tmp_path / "x.txt").write_text("x")
    with pytest.raises(DataError, match="unsupported"):
        list(RelationCorpus([Source(tmp_path / "x.txt")])(spacy.blank("en")))
    (tmp_path / "bad.spacy").write_bytes(b"garbage")
    with pytest.raises(DataError, match="DocBin"):
        list(RelationCorpus([Source(tmp_path / "bad.spacy")])(spacy.blank("en")))
    with pytest.raises(ConfigError):
        registry.readers.get("spacy-mbre.Corpus.v1")(path="a.spacy", extra_paths=["b.spacy"], extra_weights=[1.0, 2.0])
