"""The classifier proposer, the combined Label Decision and the training view,
driven by the FAKE oracle LLM (tests/fake_llm.py) and a small real
``mbre_relations`` pipeline trained for a few steps on the sample."""
import json
from pathlib import Path

import pytest
import spacy
from spacy.training import Example
from typer.testing import CliRunner

from spacy_mbre.cli import app
from spacy_mbre.data.readers.corpus import read_docs
from spacy_mbre.data.relations import get_pairs, get_relations
from spacy_mbre.errors import ConfigError
from spacy_mbre.mining.proposers import ClassifierProposer
from spacy_mbre.mining.record import CLF, pair_records

FAKE = "spacy-mbre-test.FakeLLM.v1"


@pytest.fixture(scope="module")
def proposer_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A MiniLM mbre_relations pipeline (schema semeval) trained 8 steps on the sample."""
    from spacy_mbre.data.readers import read_semeval

    from .conftest import SEMEVAL_SAMPLE

    nlp = spacy.blank("en")
    nlp.add_pipe("mbre_relations", config={"schema": "semeval"})
    examples = [Example(nlp.make_doc(d.text), d) for d in read_semeval(SEMEVAL_SAMPLE)]
    for eg, ref in zip(examples, read_semeval(SEMEVAL_SAMPLE)):
        eg.x.ents = [eg.x.char_span(e.start_char, e.end_char, label=e.label_) for e in ref.ents]
    nlp.initialize(lambda: examples)
    optimizer = nlp.create_optimizer()
    optimizer.learn_rate = 2e-4
    for _ in range(8):
        nlp.update(examples, sgd=optimizer)
    path = tmp_path_factory.mktemp("proposer") / "model"
    nlp.to_disk(path)
    return path


def mine(tmp_path, files, name, *extra):
    out = tmp_path / name
    args = ["mine", str(files["docs"]), str(out), "--schema", "semeval", "--strategy", "mbre", "--model", FAKE,
            "--model-arg", f"gold={files['gold']}", "--fewshot", str(files["docs"]), "--no-progress", *extra]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output + repr(result.exception)
    return out, json.loads((out / "report.json").read_text())


def test_classifier_proposer_asks_top_m_questions(tmp_path, semeval_files, proposer_model):
    out, report = mine(tmp_path, semeval_files, "clf", "--proposer", "classifier",
                       "--proposer-model", str(proposer_model), "--proposer-top-m", "2")
    pairs = report["pairs"]
    assert report["stages"]["classifier"]["prompts"] == 0
    assert report["stages"]["classifier"]["pairs_scored"] == pairs
    assert report["stages"]["classifier"]["seconds"] > 0
    assert "multiclass" not in report["stages"]
    assert report["stages"]["binary"]["prompts"] == 2 * pairs
    docs = list(read_docs(out / "mined.spacy", spacy.blank("en")))
    for doc in docs:
        for key, record in pair_records(doc).items():
            clf = record[CLF][0]
            assert len(clf["probs"]) == 18 and 0.0 <= clf["none"] <= 1.0
            best = sorted(clf["probs"], key=lambda o: -clf["probs"][o])[:2]
            assert list(clf["proposed"]) == best
            assert [e["option"] for e in record["bin"]] == best
    # The oracle judge says yes only to true options: every kept label is right.
    assert report["gold"]["micro"]["p"] == 1.0
    assert report["settings"]["groups"] is None


def test_both_proposers_verify_the_union(tmp_path, semeval_files, proposer_model):
    _, clf = mine(tmp_path, semeval_files, "clf", "--proposer", "classifier", "--proposer-model", str(proposer_model),
                  "--proposer-top-m", "1")
    _, both = mine(tmp_path, semeval_files, "both", "--proposer", "both", "--proposer-model", str(proposer_model),
                   "--proposer-top-m", "1")
    assert both["stages"]["multiclass"]["prompts"] == 3 * both["pairs"]
    assert clf["stages"]["binary"]["prompts"] <= both["stages"]["binary"]["prompts"] <= 4 * both["pairs"]
    # The groups of the oracle find every gold label, so the union misses none.
    assert both["gold"]["micro"]["r"] == 1.0 and both["gold"]["micro"]["r"] >= clf["gold"]["micro"]["r"]


def test_combined_rule_and_training_view(tmp_path, semeval_files, proposer_model):
    out, report = mine(tmp_path, semeval_files, "comb", "--proposer", "classifier", "--proposer-model",
                       str(proposer_model), "--proposer-top-m", "3", "--rule", "combined", "--alpha", "0.0",
                       "--theta", "0.5")
    docs = list(read_docs(out / "mined.spacy", spacy.blank("en")))
    rels = [r for d in docs for r in get_relations(d)]
    assert rels and all(r.score == pytest.approx(0.9) for r in rels)  # alpha 0: the judge's P(yes)
    assert all(len({(r.head.start, r.tail.start) for r in get_relations(d)}) == len(get_relations(d)) for d in docs)
    view = (
        report["train_view"] if "train_view" in report else json.loads((out / "report.json").read_text())["train_view"]
    )
    assert view["policy"]["unknown"] == "drop"
    train = list(read_docs(out / "train.spacy", spacy.blank("en")))
    assert len(train) == view["docs"] and view["labelled"] == len(rels)
    assert view["labelled"] + view["negative"] + view["unknown"] == report["pairs"]
    for doc in train:
        labelled = {tuple(sorted([(r.head.start, r.head.end), (r.tail.start, r.tail.end)])) for r in get_relations(doc)}
        assert get_pairs(doc)
        if get_relations(doc):
            assert doc.user_data["mbre_weight"] == pytest.approx(0.9)
        for pair in get_pairs(doc):
            key = tuple(sorted([(pair.head.start, pair.head.end), (pair.tail.start, pair.tail.end)]))
            record = pair_records(doc)[pair.key]
            assert key in labelled or not any(e["choice"] == "yes" for e in record["bin"])


def test_training_view_options_reach_train_spacy(tmp_path, semeval_files, proposer_model):
    out, _ = mine(tmp_path, semeval_files, "view", "--proposer", "classifier", "--proposer-model",
                  str(proposer_model), "--proposer-top-m", "3", "--rule", "combined", "--alpha", "0.0",
                  "--theta", "0.5", "--several", "all", "--weight", "none")
    view = json.loads((out / "report.json").read_text())["train_view"]
    assert view["policy"]["several"] == "all" and view["policy"]["weight"] == "none"
    train = list(read_docs(out / "train.spacy", spacy.blank("en")))
    # weight "none": no confidence weight (with "confidence" it would be the judge's 0.9, see above); what
    # "several" does to a pair is tested in tests/training/test_mined_samples.py
    assert any(get_relations(doc) for doc in train)
    assert all(doc.user_data.get("mbre_weight", 1.0) == 1.0 for doc in train)


def test_proposer_must_fit_the_schema(proposer_model):
    from spacy_mbre.data.schema import load_schema

    with pytest.raises(ConfigError, match="does not fit schema"):
        ClassifierProposer.from_path(proposer_model, load_schema("redocred"))
    with pytest.raises(ConfigError, match="Cannot load"):
        ClassifierProposer.from_path(proposer_model.parent / "missing", load_schema("semeval"))


def test_cli_errors_are_clear(tmp_path, semeval_files):
    args = ["mine", str(semeval_files["docs"]), str(tmp_path / "x"), "--model", FAKE, "--proposer", "classifier"]
    result = CliRunner().invoke(app, args)
    assert isinstance(result.exception, ConfigError) and "--proposer-model" in str(result.exception)
    args = ["mine", str(semeval_files["docs"]), str(tmp_path / "x"), "--model", FAKE, "--strategy", "multiclass",
            "--rule", "combined"]
    result = CliRunner().invoke(app, args)
    assert isinstance(result.exception, ConfigError) and "combined" in str(result.exception)
    args = ["mine", str(semeval_files["docs"]), str(tmp_path / "x"), "--model", FAKE, "--several", "first"]
    result = CliRunner().invoke(app, args)
    assert isinstance(result.exception, ConfigError) and "several" in str(result.exception)


def test_calibrate_cross_fits_and_mine_uses_it(tmp_path, semeval_files):
    """Two folds, a fold proposer trained 3 steps each, then `mine --calibration`."""
    config = Path(__file__).parents[2] / "configs" / "semeval.cfg"
    cal_dir = tmp_path / "cal"
    args = ["calibrate", str(semeval_files["docs"]), str(cal_dir), "--config", str(config), "--model", FAKE,
            "--model-arg", f"gold={semeval_files['gold']}", "--folds", "2", "--no-progress",
            "--training.max_steps", "3", "--training.eval_frequency", "3", "--training.batcher.size", "8"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output + repr(result.exception)
    cal = json.loads((cal_dir / "calibration.json").read_text())
    assert cal["decision"]["rule"] == "combined" and 0.0 < cal["decision"]["theta"] <= 1.0
    assert cal["n_pairs"] == 16 and cal["origin"]["folds"] == 2
    assert {g["alpha"] for g in cal["grid"]} == {0.0, 0.25, 0.5, 0.75, 1.0}
    for f in (0, 1):
        held = list(read_docs(cal_dir / f"fold{f}" / "held.spacy", spacy.blank("en")))
        train = list(read_docs(cal_dir / f"fold{f}" / "train.spacy", spacy.blank("en")))
        assert len(held) + len(train) == 16
        assert not {d.text for d in held} & {d.text for d in train}
        assert (cal_dir / f"fold{f}" / "proposer" / "model-last").exists()
    # A rerun resumes: every answer comes from the cache, no proposer is retrained.
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    report = json.loads((cal_dir / "fold0" / "mined" / "report.json").read_text())
    assert report["resumed_docs"] == report["docs"]
    _, mined = mine(tmp_path, semeval_files, "pool", "--proposer", "classifier", "--proposer-model",
                    str(cal_dir / "fold0" / "proposer" / "model-last"),
                    "--calibration", str(cal_dir / "calibration.json"))
    assert mined["settings"]["strategy"]["rule"] == "combined"
    assert mined["settings"]["strategy"]["theta"] == cal["decision"]["theta"]
    assert mined["settings"]["calibration"]["n_pairs"] == 16


def test_holdout_calibration_shares_the_pool_run(tmp_path, semeval_files, proposer_model):
    """Hold-out mode: calibration set and pool mined in one run; the pool's
    `mine --calibration` afterwards is served from the cache."""
    from spacy_mbre.data.readers.corpus import write_docs

    docs = list(read_docs(semeval_files["docs"], spacy.blank("en")))
    examples, held, pool = tmp_path / "ex.spacy", tmp_path / "held.spacy", tmp_path / "pool.spacy"
    write_docs(docs[:8], examples)
    write_docs(docs[8:12], held)
    write_docs(docs[12:], pool)
    cache = tmp_path / "answers.sqlite"
    common = ["--model", FAKE, "--model-arg", f"gold={semeval_files['gold']}", "--no-progress", "--cache", str(cache)]
    result = CliRunner().invoke(app, ["calibrate", str(held), str(tmp_path / "cal"), "--fewshot", str(examples),
                                      "--pool", str(pool), "--proposer-model", str(proposer_model), *common])
    assert result.exit_code == 0, result.output + repr(result.exception)
    cal = json.loads((tmp_path / "cal" / "calibration.json").read_text())
    assert cal["origin"]["mode"] == "holdout" and cal["origin"]["held_docs"] == 4 and cal["origin"]["pool_docs"] == 4
    assert cal["n_pairs"] == 4
    assert cal["n_gold"] == 4  # the held-out docs kept their gold while mined (mining works on copies)
    out = tmp_path / "pool_run"
    result = CliRunner().invoke(app, ["mine", str(pool), str(out), "--schema", "semeval", "--fewshot", str(examples),
                                      "--proposer", "classifier", "--proposer-model", str(proposer_model),
                                      "--calibration", str(tmp_path / "cal" / "calibration.json"), *common])
    assert result.exit_code == 0, result.output + repr(result.exception)
    report = json.loads((out / "report.json").read_text())
    assert report["total"]["llm_calls"] == 0 and report["total"]["cache_hits"] == report["total"]["prompts"] > 0
    result = CliRunner().invoke(app, ["calibrate", str(held), str(tmp_path / "cal2"), "--pool", str(pool), *common])
    assert isinstance(result.exception, ConfigError) and "hold-out" in str(result.exception)


@pytest.mark.slow
@pytest.mark.llm
def test_real_model_verifies_the_classifier_proposals(tmp_path, semeval_files, proposer_model):
    """The default local GGUF judge behind the classifier proposer: one
    verification question per pair, answered with probabilities."""
    out = tmp_path / "real"
    args = ["mine", str(semeval_files["docs"]), str(out), "--schema", "semeval", "--strategy", "mbre",
            "--fewshot", str(semeval_files["docs"]), "--proposer", "classifier",
            "--proposer-model", str(proposer_model),
            "--proposer-top-m", "1", "--limit", "3", "--batch-pairs", "64", "--no-progress"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output + repr(result.exception)
    report = json.loads((out / "report.json").read_text())
    assert report["pairs"] == 3 and report["stages"]["binary"]["prompts"] == 3
    assert report["stages"]["binary"]["llm_calls"] == 3 and report["stages"]["binary"]["unparseable"] == 0
    assert report["settings"]["model_id"]["backend"] == "spacy-mbre.LlamaCpp.v1"
    for doc in read_docs(out / "mined.spacy", spacy.blank("en")):
        for record in pair_records(doc).values():
            (entry,) = record["bin"]
            assert entry["option"] == record[CLF][0]["proposed"][0]
            assert 0.0 < entry["p_yes"] < 1.0 and entry["choice"] in ("yes", "no")
