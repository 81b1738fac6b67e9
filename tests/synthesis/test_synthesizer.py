"""The synthesis run with the FAKE writer (spacy_mbre.synthesis.synthesizer):
accounting, validation counts, the attempt cap, identical prompts, the cache,
resuming from a journal, and that the outputs load as training data."""
import json
from pathlib import Path

import pytest
import spacy
from spacy.tokens import DocBin

from spacy_mbre.data.readers.common import ID_KEY, META_KEY
from spacy_mbre.data.readers.corpus import create_corpus, read_docs
from spacy_mbre.data.readers.jsonl import write_jsonl
from spacy_mbre.data.relations import get_pairs, get_relations
from spacy_mbre.errors import ConfigError
from spacy_mbre.llm.cache import AnswerCache
from spacy_mbre.llm.gateway import LLMGateway, model_identity
from spacy_mbre.synthesis.synthesizer import SynthesisSettings, synthesize


def run(gold_docs, schema, out: Path, writer, cache=None, **kw):
    settings = SynthesisSettings(**kw)
    gateway = LLMGateway(writer, model_identity(writer), cache=cache)
    return synthesize(gold_docs, schema, settings, gateway, out, spacy.blank("en"), write_jsonl, model="fake")


def load(out: Path):
    return list(read_docs(out / "synthetic.spacy", spacy.blank("en")))


def test_unconditional_run(tmp_path, gold_docs, semeval_schema, fake_writer):
    writer = fake_writer.FakeWriterLLM()
    report = run(
        gold_docs, semeval_schema, tmp_path / "u", writer, mode="unconditional", n=5, max_attempts_per_label=10
    )
    # attempt 1 keeps "lamp…" and "storm"; later attempts only their own "lamp…" sentence
    assert report["attempts"] == report["prompts"] == report["llm_calls"] == 4
    assert report["cache_hits"] == 0 and report["skipped_duplicate_prompts"] == 0
    assert report["candidates"] == 4 * fake_writer.UNCONDITIONAL_CANDIDATES
    assert report["ignored_lines"] == 4
    assert report["rejected"] == {"unknown_marker": 4, "marker_count": 4, "marker_order": 4, "empty_entity": 4,
                                  "copy_of_gold": 4, "duplicate": 3}
    assert report["valid"] == 5 and report["kept"] == 5 and report["surplus"] == 0
    assert report["kept_fraction"] == pytest.approx(5 / 28, abs=1e-4)
    assert report["labels"] == {}
    assert report["per_label"] == {
        "(unlabelled)": {"attempts": 4, "kept": 5, "reached_n": True, "hit_attempt_cap": False}
    }
    assert report["generated_tokens"] > 0
    div = report["diversity"]
    assert 0 < div["pool"]["ttr"] <= 1 and div["gold"]["ngrams"] > div["pool"]["ngrams"] > 0
    docs = load(tmp_path / "u")
    assert len(docs) == 5
    assert docs[1].text == "A heavy storm flooded the valley."
    for i, doc in enumerate(docs):
        assert len(doc.ents) == 2 and {e.label_ for e in doc.ents} == {"ENTITY"}
        assert len(get_pairs(doc)) == 1 and get_relations(doc) == []
        assert doc.user_data[ID_KEY] == f"synthetic-unconditional-{i:05d}"
        assert doc.user_data[META_KEY]["synthetic"] == "unconditional" and "label" not in doc.user_data[META_KEY]
    assert len(writer.prompts) == 4


def test_schema_run_counts_and_labels(tmp_path, gold_docs, semeval_schema, fake_writer):
    writer = fake_writer.FakeWriterLLM()
    labels = ["Cause-Effect", "Component-Whole"]
    report = run(gold_docs, semeval_schema, tmp_path / "s", writer, mode="schema", n=2, max_attempts_per_label=5,
                 labels=labels)
    # round 1: Cause-Effect keeps gadget + rock, Component-Whole gadget only (rock is a duplicate);
    # round 2: Component-Whole has one gold example, so its prompt repeats: skipped, not sent.
    # Component-Whole then skips every attempt up to the cap of 5.
    assert report["per_label"]["Cause-Effect"] == {
        "attempts": 1, "kept": 2, "reached_n": True, "hit_attempt_cap": False
    }
    assert report["per_label"]["Component-Whole"] == {
        "attempts": 5, "kept": 1, "reached_n": False, "hit_attempt_cap": True
    }
    assert report["attempts"] == 6 and report["prompts"] == 2 and report["skipped_duplicate_prompts"] == 4
    assert len(writer.prompts) == 2
    assert report["candidates"] == 2 * fake_writer.SCHEMA_CANDIDATES
    assert report["rejected"] == {"unparseable": 2, "wrong_relation": 2, "type_not_in_schema": 2,
                                  "entity_not_in_context": 2, "duplicate": 1}
    assert report["kept"] == report["valid"] == 3
    assert report["labels"] == {"Cause-Effect": 2, "Component-Whole": 1}
    docs = load(tmp_path / "s")
    for doc in docs:
        rels = get_relations(doc)
        assert len(rels) == 1 and rels[0].source == "synthetic" and rels[0].label in labels
        assert rels[0].label == doc.user_data[META_KEY]["label"]
        assert [e.label_ for e in doc.ents] == ["ENTITY", "ENTITY"] and len(get_pairs(doc)) == 1


def test_attempt_cap_and_limit_stop_a_useless_writer(tmp_path, gold_docs, semeval_schema, fake_writer):
    writer = fake_writer.FakeWriterLLM(mode="garbage")
    report = run(gold_docs, semeval_schema, tmp_path / "g", writer, mode="unconditional", n=3, max_attempts_per_label=4)
    assert report["attempts"] == 4 and report["kept"] == 0 and report["kept_fraction"] == 0.0
    assert report["rejected"] == {"marker_count": 8}
    assert report["per_label"]["(unlabelled)"]["hit_attempt_cap"]
    report = run(gold_docs, semeval_schema, tmp_path / "l", writer, mode="schema", n=3, max_attempts_per_label=4,
                 limit=5)
    assert report["attempts"] == 5 and report["kept"] == 0  # 9 relations, but only 5 attempts in all
    assert sum(c["attempts"] for c in report["per_label"].values()) == 5
    assert load(tmp_path / "l") == []


def test_constant_writer_is_deduped(tmp_path, gold_docs, semeval_schema, fake_writer):
    writer = fake_writer.FakeWriterLLM(mode="constant")
    report = run(
        gold_docs, semeval_schema, tmp_path / "c", writer, mode="unconditional", n=10, max_attempts_per_label=3
    )
    assert report["kept"] == 2  # "lampx" and "storm" once; every later answer is a duplicate
    assert report["rejected"]["duplicate"] == 4


def test_cache_makes_a_rerun_free_and_identical(tmp_path, gold_docs, semeval_schema, fake_writer):
    cache = AnswerCache(tmp_path / "answers.sqlite")
    first = run(gold_docs, semeval_schema, tmp_path / "a", fake_writer.FakeWriterLLM(), cache=cache, mode="schema",
                n=2, max_attempts_per_label=2)
    writer = fake_writer.FakeWriterLLM()
    second = run(gold_docs, semeval_schema, tmp_path / "b", writer, cache=cache, mode="schema", n=2,
                 max_attempts_per_label=2)
    assert writer.prompts == []
    assert second["llm_calls"] == 0 and second["cache_hits"] == first["llm_calls"] == first["prompts"]
    for name in ("synthetic.spacy", "synthetic.jsonl"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_resume_from_a_partial_journal(tmp_path, gold_docs, semeval_schema, fake_writer):
    kw = dict(mode="unconditional", n=6, max_attempts_per_label=8)
    run(gold_docs, semeval_schema, tmp_path / "ref", fake_writer.FakeWriterLLM(), **kw)
    out = tmp_path / "partial"
    run(gold_docs, semeval_schema, out, fake_writer.FakeWriterLLM(), **kw)
    journal = out / "journal.jsonl"
    lines = journal.read_bytes().splitlines(keepends=True)
    assert len(lines) == 1 + 5
    journal.write_bytes(b"".join(lines[:3]) + lines[3][:20])  # header, 2 attempts and a torn line
    (out / "synthetic.spacy").unlink()
    writer = fake_writer.FakeWriterLLM()
    report = run(gold_docs, semeval_schema, out, writer, **kw)
    assert report["resumed_attempts"] == 2 and len(writer.prompts) == 3
    for name in ("synthetic.spacy", "synthetic.jsonl"):
        assert (out / name).read_bytes() == (tmp_path / "ref" / name).read_bytes()
    reference = json.loads((tmp_path / "ref" / "report.json").read_text())
    for key in ("kept", "valid", "candidates", "rejected", "diversity", "kept_fraction"):
        assert report[key] == reference[key], key
    # other settings in the same directory are refused
    with pytest.raises(ConfigError):
        run(gold_docs, semeval_schema, out, writer, mode="unconditional", n=7, max_attempts_per_label=8)


def test_outputs_load_as_training_data(tmp_path, gold_docs, semeval_schema, fake_writer):
    out = tmp_path / "s"
    run(gold_docs, semeval_schema, out, fake_writer.FakeWriterLLM(), mode="schema", n=2, max_attempts_per_label=2,
        labels=["Cause-Effect", "Message-Topic"])
    nlp = spacy.blank("en")
    gold_path = tmp_path / "gold.spacy"
    DocBin(store_user_data=True, docs=gold_docs).to_disk(gold_path)
    for extra in ("synthetic.spacy", "synthetic.jsonl"):
        corpus = create_corpus(str(gold_path), extra_paths=[str(out / extra)], extra_weights=[0.5])
        examples = list(corpus(nlp))
        synthetic = examples[len(gold_docs):]
        assert len(synthetic) == 4
        for eg in synthetic:
            rels = get_relations(eg.reference)
            assert len(rels) == 1 and rels[0].source == "synthetic"
            assert len(eg.reference.ents) == 2 and len(get_pairs(eg.reference)) == 1
            assert len(get_pairs(eg.predicted)) == 1 and get_relations(eg.predicted) == []
            assert eg.reference.user_data["mbre_weight"] == 0.5
    jsonl = [json.loads(line) for line in (out / "synthetic.jsonl").read_text().splitlines()]
    assert [r["relations"][0]["source"] for r in jsonl] == ["synthetic"] * 4
    assert [d.text for d in read_docs(out / "synthetic.jsonl", nlp)] == [d.text for d in load(out)]


def test_bad_settings():
    with pytest.raises(ConfigError):
        SynthesisSettings(mode="conditional")
    with pytest.raises(ConfigError):
        SynthesisSettings(n=0)
    with pytest.raises(ConfigError):
        SynthesisSettings(mode="unconditional", labels=["Cause-Effect"])
    with pytest.raises(ConfigError):
        SynthesisSettings(max_gold_overlap=1.5)


def test_progress_bar_counts_kept_samples_and_prompts(tmp_path, gold_docs, semeval_schema, fake_writer, capsys):
    writer = fake_writer.FakeWriterLLM()
    settings = SynthesisSettings(mode="unconditional", n=5, max_attempts_per_label=10)
    gateway = LLMGateway(writer, model_identity(writer))
    synthesize(gold_docs, semeval_schema, settings, gateway, tmp_path / "p", spacy.blank("en"), write_jsonl,
               model="fake", progress=True)
    err = capsys.readouterr().err
    assert "synthesizing" in err and "5/5" in err and "4 prompts answered" in err
