"""Self-training (S2ynRE two-stage and the mixed baseline): pool slices,
settings checks, pool labelling by teachers, the weight-loading callback, and
(slow) the `self-train` command end to end with resuming."""
from pathlib import Path

import numpy
import pytest
import spacy
import srsly
from spacy.training import Example
from spacy.util import registry
from typer.testing import CliRunner

from spacy_mbre.cli import app
from spacy_mbre.data.readers.corpus import read_docs
from spacy_mbre.data.relations import get_relations
from spacy_mbre.data.soft_labels import get_soft_targets
from spacy_mbre.errors import ConfigError
from spacy_mbre.training.self_training import (
    MIXED,
    TWO_STAGE,
    SelfTrainer,
    SelfTrainSettings,
    eta_seconds,
    label_pool,
    pool_slice,
    step_names,
    train_model,
)

CONFIG = Path(__file__).parents[2] / "configs" / "semeval.cfg"
# Two steps of 4 sentences: enough to get a real trained pipeline quickly.
TINY = {
    "training.max_steps": 2,
    "training.eval_frequency": 2,
    "training.batcher.size": 4,
    "training.optimizer.learn_rate.warmup_steps": 1,
}
TINY_ARGS = [arg for key, value in TINY.items() for arg in (f"--{key}", str(value))]
runner = CliRunner()


def load(path):
    return list(read_docs(path, spacy.blank("en")))


@pytest.fixture(scope="module")
def teacher(tmp_path_factory, semeval_docbin_shared) -> Path:
    """A pipeline trained for two steps on the tiny SemEval set."""
    out = tmp_path_factory.mktemp("teacher")
    data = str(semeval_docbin_shared)
    return train_model(CONFIG, out, {**TINY, "paths.train": data, "paths.dev": data, "system.seed": 0})


@pytest.mark.parametrize("n,t,T,expected", [(10, 1, 2, 5), (10, 2, 2, 10), (7, 1, 3, 3), (7, 3, 3, 7), (1, 1, 4, 1)])
def test_pool_slice(n, t, T, expected):
    assert pool_slice(n, t, T) == expected


@pytest.mark.parametrize(
    "settings,match",
    [
        (SelfTrainSettings(mode="soft"), "mode must be"),
        (SelfTrainSettings(iterations=0), "iterations"),
        (SelfTrainSettings(n_teachers=0), "n_teachers"),
        (SelfTrainSettings(teachers=[Path("/nonexistent/model")]), "no component"),
        (SelfTrainSettings(checkpoint="middle"), "checkpoint must be"),
    ],
)
def test_settings_are_checked(settings, match):
    with pytest.raises(ConfigError, match=match):
        settings.validate()


def test_step_names_follow_the_run():
    assert step_names(SelfTrainSettings(n_teachers=2, iterations=2)) == [
        "teacher-0", "teacher-1", "iter-1/label", "iter-1/pool", "iter-1/gold", "iter-2/label", "iter-2/pool",
        "iter-2/gold",
    ]
    given = SelfTrainSettings(mode=MIXED, iterations=1, teachers=[Path("t")])
    assert step_names(given) == ["iter-1/label", "iter-1/mixed"]


def test_eta_from_finished_steps():
    assert eta_seconds([{"step": "iter-1/label", "seconds": 4.0}], ["iter-1/pool"]) is None
    done = [{"step": "teacher-0", "seconds": 100.0}, {"step": "teacher-1", "seconds": 120.0}]
    assert eta_seconds(done, ["iter-1/label", "iter-1/pool", "iter-1/gold"]) == pytest.approx(220.0)
    done.append({"step": "iter-1/label", "seconds": 10.0})
    assert eta_seconds(done, ["iter-1/pool", "iter-2/label", "iter-2/pool"]) == pytest.approx(230.0)


def test_steps_show_progress(semeval_docbin, tmp_path, capsys):
    settings = SelfTrainSettings(mode=MIXED, n_teachers=1, iterations=1)
    trainer = SelfTrainer(CONFIG, semeval_docbin, semeval_docbin, tmp_path / "out", settings)
    trainer._step("teacher-0", lambda directory: {"model": str(directory)})
    out = capsys.readouterr().out
    assert "[1/3] teacher-0" in out
    assert "1/3 steps done" in out and "left (next: iter-1/label)" in out
    quiet = SelfTrainer(CONFIG, semeval_docbin, semeval_docbin, tmp_path / "out", settings, progress=False)
    quiet._step("teacher-0", lambda directory: {"model": str(directory)})
    out = capsys.readouterr().out
    assert "teacher-0: done in an earlier run" in out and "steps done" not in out


@pytest.mark.parametrize("checkpoint", ["last", "best"])
def test_training_steps_carry_on_the_chosen_checkpoint(semeval_docbin, tmp_path, monkeypatch, checkpoint):
    def fake_train(config_path, output_dir, overrides, **kwargs):
        names = ["model-last", "model-best"] if overrides.get("system.seed") == 1 else ["model-last"]
        for name in names:
            (output_dir / name).mkdir(parents=True)
        return output_dir / "model-last"

    monkeypatch.setattr("spacy_mbre.training.self_training.train_model", fake_train)
    settings = SelfTrainSettings(checkpoint=checkpoint)
    trainer = SelfTrainer(CONFIG, semeval_docbin, semeval_docbin, tmp_path / "out", settings, progress=False)
    model = trainer._train("teacher-0", {"system.seed": 1})
    assert model == tmp_path / "out" / "teacher-0" / f"model-{checkpoint}"
    if checkpoint == "best":  # a run that wrote no model-best is named, not carried on as something else
        with pytest.raises(ConfigError, match="teacher-1 wrote no model-best"):
            trainer._train("teacher-1", {"system.seed": 2})
    else:
        assert trainer._train("teacher-1", {"system.seed": 2}).name == "model-last"


def test_missing_files_are_named(semeval_docbin, tmp_path):
    with pytest.raises(ConfigError, match="no pool file"):
        SelfTrainer(CONFIG, semeval_docbin, tmp_path / "pool.spacy", tmp_path / "out", SelfTrainSettings())


def test_resume_with_other_settings_is_refused(semeval_docbin, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    SelfTrainer(CONFIG, semeval_docbin, semeval_docbin, out, SelfTrainSettings(seed=1))._check_run()
    SelfTrainer(CONFIG, semeval_docbin, semeval_docbin, out, SelfTrainSettings(seed=1))._check_run()
    with pytest.raises(ConfigError, match="mode, seed"):
        SelfTrainer(CONFIG, semeval_docbin, semeval_docbin, out, SelfTrainSettings(mode=MIXED, seed=2))._check_run()
    with pytest.raises(ConfigError, match="checkpoint"):
        best = SelfTrainSettings(seed=1, checkpoint="best")
        SelfTrainer(CONFIG, semeval_docbin, semeval_docbin, out, best)._check_run()


def test_label_pool_soft(teacher, semeval_docbin):
    docs = load(semeval_docbin)
    stats = label_pool([teacher], docs, TWO_STAGE)
    pipe = spacy.load(teacher).get_pipe("mbre_relations")
    assert stats["docs"] == 12 and stats["pairs"] == 12
    assert 0 <= stats["positive_pairs"] <= 12 and 0 < stats["mean_max_prob"] <= 1
    for doc in docs:
        assert get_relations(doc) == []  # the pool's own labels are gone
        labels, targets = get_soft_targets(doc)
        assert labels == list(pipe.labels) and len(targets) == 1
        row = next(iter(targets.values()))
        assert row.sum() == pytest.approx(1.0, abs=1e-5) and (row > 0).all()
    # Two identical teachers average to the same distributions as one.
    twice = load(semeval_docbin)
    label_pool([teacher, teacher], twice, TWO_STAGE)
    for one, two in zip(docs, twice):
        a, b = next(iter(get_soft_targets(one)[1].values())), next(iter(get_soft_targets(two)[1].values()))
        numpy.testing.assert_allclose(a, b, atol=1e-6)


def test_label_pool_hard(teacher, semeval_docbin):
    docs = load(semeval_docbin)
    stats = label_pool([teacher], docs, MIXED)
    pseudo = [r for doc in docs for r in get_relations(doc)]
    assert len(pseudo) == stats["positive_pairs"]
    assert all(r.source == "pseudo" and r.score is not None for r in pseudo)
    assert all(get_soft_targets(doc) == ([], {}) for doc in docs)


def test_load_component_weights(teacher, semeval_docbin):
    load_weights = registry.callbacks.get("spacy-mbre.load_component_weights.v1")
    nlp = spacy.blank("en")
    nlp.add_pipe("mbre_relations", config={"schema": "semeval"})
    with pytest.raises(ConfigError, match="no component 'mbre_relations' in /nonexistent"):
        load_weights("/nonexistent")(nlp)
    docs = load(semeval_docbin)
    nlp.initialize(lambda: [Example(d.copy(), d) for d in docs])  # fresh encoder and head...
    load_weights(str(teacher))(nlp)  # ...replaced by the teacher's
    trained = spacy.load(teacher)
    ours = [
        [(r.label, round(r.score, 4)) for r in get_relations(d, "predicted")] for d in nlp.pipe(d.copy() for d in docs)
    ]
    theirs = [
        [(r.label, round(r.score, 4)) for r in get_relations(d, "predicted")]
        for d in trained.pipe(d.copy() for d in docs)
    ]
    assert ours == theirs


@pytest.mark.slow
@pytest.mark.parametrize("mode", [TWO_STAGE, MIXED])
def test_self_train_command_and_resume(semeval_docbin, teacher, tmp_path, mode):
    out = tmp_path / mode
    # Two-stage carries on each run's model-best, mixed its model-last (the default).
    checkpoint = "best" if mode == TWO_STAGE else "last"
    args = ["self-train", str(CONFIG), str(semeval_docbin), str(semeval_docbin), str(out), "--mode", mode,
            "--teacher-model", str(teacher), "-T", "2", "--pool-steps", "2", "--checkpoint", checkpoint, *TINY_ARGS]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    summary = srsly.read_json(out / "self_train.json")
    steps = [s["step"] for s in summary["steps"]]
    if mode == TWO_STAGE:
        assert steps == ["iter-1/label", "iter-1/pool", "iter-1/gold", "iter-2/label", "iter-2/pool", "iter-2/gold"]
        assert summary["steps"][1]["overrides"]["training.max_steps"] == 2
        assert len(get_soft_targets(load(out / "iter-1" / "label" / "pool.spacy")[0])[1]) == 1
    else:
        assert steps == ["iter-1/label", "iter-1/mixed", "iter-2/label", "iter-2/mixed"]
        assert summary["steps"][1]["overrides"]["paths.extra"] == [str(out / "iter-1" / "label" / "pool.spacy")]
    assert all(s["model"].endswith(f"model-{checkpoint}") for s in summary["steps"] if "model" in s)
    # Iteration 1 labels half the pool, iteration 2 all of it.
    assert [s["docs"] for s in summary["steps"] if s["step"].endswith("label")] == [6, 12]
    assert spacy.load(out / "model-last").get_pipe("mbre_relations").labels
    # A rerun skips every finished step; an unfinished one is redone.
    (out / steps[-1] / "step.json").unlink()
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert result.output.count("done in an earlier run") == len(steps) - 1
    assert "unfinished in an earlier run" in result.output
