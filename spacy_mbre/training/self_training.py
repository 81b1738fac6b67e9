"""Self-training on an unlabelled (mined or synthetic) pool: S2ynRE's
two-stage training with soft labels, and the "mixed" baseline.

Two-stage (``mode="two-stage"``, S2ynRE):

1. train ``n_teachers`` classifiers on the gold data (seeds ``seed``,
   ``seed + 1``, ...);
2. for iteration t = 1..T: take the first t/T of the (seeded, shuffled)
   pool, label it with the teachers' **averaged soft** distributions (earlier
   labels on the pool are dropped), train a fresh student on it against the
   soft labels (KL divergence; ``pool_overrides`` set its schedule), then
   fine-tune the student on the gold data with cross-entropy; the student is
   the next iteration's only teacher.

Mixed (``mode="mixed"``): the same loop, but the pool gets the teachers'
**hard** pseudo-labels (argmax of the averaged distribution, records with
source "pseudo") and a fresh model is trained on gold + pool in one stage.

Every training run is ``spacy train`` in-process (the config's own corpora,
schedule and logging), each in its own directory of ``output_dir``; a step
writes ``step.json`` when it is done, so a rerun after a crash skips finished
steps and redoes the interrupted one from its start. The final model is
copied to ``output_dir/model-last`` and a summary to ``output_dir/self_train.json``.
With ``checkpoint="best"``, every step carries on its ``model-best`` (the best
score on the dev docs) instead of its ``model-last``: the teachers it trains,
the stage-1 student that stage 2 fine-tunes, and the final student.

This module holds the run (:class:`SelfTrainer`); the settings and the plan
are in :mod:`.self_train_settings`, the pool labelling in :mod:`.pool_labels`,
the in-process ``spacy train`` in :mod:`.spacy_train` and the time estimate in
:mod:`.progress`.
"""
import json
import random
import shutil
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence

import srsly
from spacy.tokens import Doc
from wasabi import Printer

from ..data.readers.corpus import read_docs, write_docs
from ..errors import ConfigError
from .pool_labels import average_scores, label_pool
from .progress import duration as _duration
from .progress import eta_seconds
from .self_train_settings import (
    CHECKPOINTS,
    MIXED,
    MODES,
    PSEUDO,
    RUN_FILE,
    TWO_STAGE,
    SelfTrainSettings,
    pool_slice,
    step_names,
)
from .spacy_train import train_model
from .steps import check_run_settings, run_step


class SelfTrainer:
    """Run (or resume) a self-training run in ``output_dir``.

    config_path (Path): The classifier's training config (e.g. configs/semeval.cfg).
    gold_path (Path): Gold training docs (.spacy / .jsonl).
    pool_path (Path): Pool docs: mined or synthetic (.spacy / .jsonl); their
        labels are replaced by the teachers'.
    output_dir (Path): Where every step, the final model-last and
        self_train.json go.
    settings (SelfTrainSettings): What to do.
    dev_path (Optional[Path]): Dev docs for spaCy's evaluation during
        training; None = the gold docs.
    printer (Optional[Printer]): Where progress goes.
    progress (bool): Show progress: each step's number out of the run's
        steps, the elapsed time and an estimate of the time left after each
        step, and a progress bar while the pool is labelled.
    """

    def __init__(
        self,
        config_path: Path,
        gold_path: Path,
        pool_path: Path,
        output_dir: Path,
        settings: SelfTrainSettings,
        *,
        dev_path: Optional[Path] = None,
        printer: Optional[Printer] = None,
        progress: bool = True,
    ) -> None:
        settings.validate()
        for name, path in (("config", config_path), ("gold", gold_path), ("pool", pool_path)):
            if not Path(path).exists():
                raise ConfigError(f"self-training: no {name} file at {path}.")
        self.config_path = Path(config_path)
        self.gold_path = Path(gold_path)
        self.pool_path = Path(pool_path)
        self.dev_path = Path(dev_path) if dev_path is not None else self.gold_path
        self.output_dir = Path(output_dir)
        self.settings = settings
        self.msg = printer or Printer()
        self.progress = progress
        self.plan = step_names(settings)
        self.steps: List[Dict[str, Any]] = []
        self._started = time.perf_counter()

    # ------------------------------------------------------------ plumbing
    def _overrides(self, train: Path, seed: int, extra: Sequence[Path] = (), **more: Any) -> Dict[str, Any]:
        overrides = dict(self.settings.overrides)
        overrides.update(
            {
                "paths.train": str(train),
                "paths.dev": str(self.dev_path),
                "paths.extra": [str(p) for p in extra],
                "system.seed": seed,
            }
        )
        overrides.update(more)
        return overrides

    def _step(self, name: str, run: Callable[[Path], Dict[str, Any]]) -> Dict[str, Any]:
        """Run one resumable step in ``output_dir/name``.

        name (str): The step's directory name.
        run (Callable[[Path], Dict[str, Any]]): Does the work in the directory;
            returns what to record.
        RETURNS (Dict[str, Any]): The step record (read back if done earlier).
        """
        number = f"[{len(self.steps) + 1}/{len(self.plan)}] " if self.progress else ""
        record = run_step(self.output_dir, name, run, self.msg, title="Self-training", number=number)
        self.steps.append(record)
        if self.progress and len(self.steps) < len(self.plan):
            self._report_progress()
        return record

    def _report_progress(self) -> None:
        """Print the steps done, the elapsed time and the estimated time left."""
        remaining = self.plan[len(self.steps):]
        eta = eta_seconds(self.steps, remaining)
        left = f"≈ {_duration(eta)} left" if eta is not None else "time left: after the first training step"
        self.msg.text(
            f"Self-training: {len(self.steps)}/{len(self.plan)} steps done, "
            f"{_duration(time.perf_counter() - self._started)} elapsed, {left} (next: {remaining[0]})"
        )

    def _train(self, name: str, overrides: Dict[str, Any], init_from: Optional[Path] = None) -> Path:
        def run(directory: Path) -> Dict[str, Any]:
            train_model(self.config_path, directory, overrides, init_from=init_from, component=self.settings.component)
            model = directory / f"model-{self.settings.checkpoint}"
            if not model.is_dir():
                raise ConfigError(f"self-training: {name} wrote no {model.name} in {directory}.")
            return {"model": str(model), "overrides": overrides}

        return Path(self._step(name, run)["model"])

    def _label(self, name: str, teachers: List[Path], pool: List[Doc]) -> Path:
        def run(directory: Path) -> Dict[str, Any]:
            docs = [doc.copy() for doc in pool]
            stats = label_pool(
                teachers, docs, self.settings.mode, component=self.settings.component, progress=self.progress
            )
            write_docs(docs, directory / "pool.spacy")
            self.msg.good(
                f"{name}: {stats['docs']} docs, {stats['pairs']} pairs labelled by {len(teachers)} teacher(s); "
                f"{stats['positive_pairs']} with a relation as argmax"
            )
            if stats["docs_without_pairs"]:
                self.msg.warn(f"{name}: {stats['docs_without_pairs']} docs with entities have no candidate pair")
            return {"pool": str(directory / "pool.spacy"), "teachers": [str(t) for t in teachers], **stats}

        return Path(self._step(name, run)["pool"])

    def _load_pool(self) -> List[Doc]:
        import spacy

        docs = list(read_docs(self.pool_path, spacy.blank("en")))
        if not docs:
            raise ConfigError(f"self-training: the pool {self.pool_path} holds no docs.")
        random.Random(self.settings.seed).shuffle(docs)
        return docs

    def _run_settings(self) -> Dict[str, Any]:
        """RETURNS (Dict[str, Any]): The run's settings as JSON values (what
        ``run.json`` holds and ``self_train.json`` repeats)."""
        s = self.settings
        settings = {
            "mode": s.mode,
            "n_teachers": s.n_teachers,
            "teachers": [str(t) for t in s.teachers],
            "checkpoint": s.checkpoint,
            "iterations": s.iterations,
            "seed": s.seed,
            "component": s.component,
            "overrides": s.overrides,
            "pool_overrides": s.pool_overrides,
            "config": str(self.config_path),
            "gold": str(self.gold_path),
            "pool": str(self.pool_path),
            "dev": str(self.dev_path),
        }
        return json.loads(json.dumps(settings, default=str))

    def _check_run(self) -> None:
        """Write the run's settings to ``output_dir/run.json``, or check that a
        resumed run has the same ones.

        RAISES (ConfigError): The directory holds a run with other settings.
        """
        check_run_settings(self.output_dir / RUN_FILE, self._run_settings(), "self-training")

    # ------------------------------------------------------------------ run
    def run(self) -> Path:
        """Run every step not done yet.

        RETURNS (Path): ``output_dir/model-last``, the final student.
        """
        s = self.settings
        self.output_dir.mkdir(parents=True, exist_ok=True)
        self._check_run()
        pool = self._load_pool()
        start = self._started = time.perf_counter()
        teachers = [Path(t) for t in s.teachers]
        if not teachers:
            teachers = [
                self._train(f"teacher-{j}", self._overrides(self.gold_path, s.seed + j)) for j in range(s.n_teachers)
            ]
        student = teachers[0]
        for t in range(1, s.iterations + 1):
            n = pool_slice(len(pool), t, s.iterations)
            labelled = self._label(f"iter-{t}/label", teachers, pool[:n])
            if s.mode == TWO_STAGE:
                stage1 = self._train(
                    f"iter-{t}/pool", {**self._overrides(labelled, s.seed), **s.pool_overrides}
                )
                student = self._train(f"iter-{t}/gold", self._overrides(self.gold_path, s.seed), init_from=stage1)
            else:
                student = self._train(f"iter-{t}/mixed", self._overrides(self.gold_path, s.seed, extra=[labelled]))
            teachers = [student]
        final = self.output_dir / "model-last"
        if final.exists():
            shutil.rmtree(final)
        shutil.copytree(student, final)
        summary = {
            **self._run_settings(),
            "n_teachers": len(s.teachers) or s.n_teachers,
            "pool_docs": len(pool),
            "final_model": str(final),
            "steps": self.steps,
            "seconds_this_run": time.perf_counter() - start,
        }
        srsly.write_json(self.output_dir / "self_train.json", json.loads(json.dumps(summary, default=str)))
        self.msg.good(f"Self-training done: {final}")
        return final


__all__ = [
    "CHECKPOINTS",
    "MIXED",
    "MODES",
    "PSEUDO",
    "RUN_FILE",
    "TWO_STAGE",
    "SelfTrainSettings",
    "SelfTrainer",
    "average_scores",
    "eta_seconds",
    "label_pool",
    "pool_slice",
    "step_names",
    "train_model",
]
