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
"""
import json
import math
import random
import shutil
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence

import numpy
import srsly
from spacy.tokens import Doc
from wasabi import Printer

from ..data.readers.corpus import read_docs, write_docs
from ..data.relations import get_relations, set_relations
from ..data.soft_labels import remove_soft_targets, set_soft_targets
from ..errors import ConfigError
from .steps import check_run_settings, run_step

TWO_STAGE = "two-stage"
MIXED = "mixed"
MODES = (TWO_STAGE, MIXED)
PSEUDO = "pseudo"
RUN_FILE = "run.json"


@dataclass
class SelfTrainSettings:
    """What a self-training run does; see the module docs.

    mode (str): "two-stage" or "mixed".
    n_teachers (int): Teachers trained on gold in the first iteration.
    iterations (int): T; iteration t uses the first t/T of the pool.
    seed (int): Seed of the pool order, the students and the first teacher.
    component (str): The trained component's name.
    overrides (Dict[str, Any]): Config overrides for every training run
        (e.g. ``{"training.max_steps": 40}``).
    pool_overrides (Dict[str, Any]): Extra overrides for the two-stage
        student's training on the pool (stage 1), e.g. its step count.
    teachers (List[Path]): Already trained gold models to use as the first
        iteration's teachers instead of training ``n_teachers`` new ones.
    """

    mode: str = TWO_STAGE
    n_teachers: int = 3
    iterations: int = 2
    seed: int = 0
    component: str = "mbre_relations"
    overrides: Dict[str, Any] = field(default_factory=dict)
    pool_overrides: Dict[str, Any] = field(default_factory=dict)
    teachers: List[Path] = field(default_factory=list)

    def validate(self) -> None:
        """RAISES (ConfigError): A setting is out of range."""
        if self.mode not in MODES:
            raise ConfigError(f"self-training: mode must be one of {MODES}, got {self.mode!r}.")
        if self.iterations < 1:
            raise ConfigError(f"self-training: iterations must be >= 1, got {self.iterations}.")
        if not self.teachers and self.n_teachers < 1:
            raise ConfigError(f"self-training: n_teachers must be >= 1, got {self.n_teachers}.")
        for teacher in self.teachers:
            if not (Path(teacher) / self.component).is_dir():
                raise ConfigError(f"self-training: teacher {teacher} has no component {self.component!r}.")


def pool_slice(n_docs: int, iteration: int, iterations: int) -> int:
    """n_docs (int): Pool size.
    iteration (int): t, 1-based.
    iterations (int): T.
    RETURNS (int): How many pool docs iteration t uses: ceil(n * t / T).
    """
    return math.ceil(n_docs * iteration / iterations)


def step_names(settings: SelfTrainSettings) -> List[str]:
    """settings (SelfTrainSettings): The run's settings.
    RETURNS (List[str]): The run's steps in order (each one a directory of
        the output directory): the teachers (unless given), then per
        iteration its labelling and training steps.
    """
    names = [] if settings.teachers else [f"teacher-{j}" for j in range(settings.n_teachers)]
    for t in range(1, settings.iterations + 1):
        names.append(f"iter-{t}/label")
        names += [f"iter-{t}/pool", f"iter-{t}/gold"] if settings.mode == TWO_STAGE else [f"iter-{t}/mixed"]
    return names


def eta_seconds(done: Sequence[Dict[str, Any]], remaining: Sequence[str]) -> Optional[float]:
    """Estimate the time the remaining steps take: each remaining training
    step as long as the mean finished training step, labelling steps as the
    mean finished labelling step (0 if none finished yet).

    done (Sequence[Dict[str, Any]]): Finished step records ("step", "seconds").
    remaining (Sequence[str]): Names of the steps still to run.
    RETURNS (Optional[float]): Seconds, or None before any training step
        finished (no estimate yet).
    """
    def mean(records: List[float]) -> Optional[float]:
        return sum(records) / len(records) if records else None

    train = mean([float(r["seconds"]) for r in done if not str(r["step"]).endswith("/label")])
    label = mean([float(r["seconds"]) for r in done if str(r["step"]).endswith("/label")]) or 0.0
    if train is None:
        return None
    return sum(label if name.endswith("/label") else train for name in remaining)


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s"


def train_model(
    config_path: Path,
    output_dir: Path,
    overrides: Dict[str, Any],
    *,
    init_from: Optional[Path] = None,
    component: str = "mbre_relations",
) -> Path:
    """Run ``spacy train`` in this process.

    config_path (Path): The training config.
    output_dir (Path): Where model-last (and model-best) go.
    overrides (Dict[str, Any]): Config overrides (dot names).
    init_from (Optional[Path]): A trained pipeline whose component weights
        are loaded after initialisation (fine-tuning instead of a fresh model).
    component (str): The component loaded from ``init_from``.
    RETURNS (Path): ``output_dir / "model-last"``.
    """
    from spacy import util
    from spacy.training.initialize import init_nlp
    from spacy.training.loop import train as train_nlp

    config = util.load_config(config_path, overrides=overrides, interpolate=False)
    if init_from is not None:
        config["initialize"]["after_init"] = {
            "@callbacks": "spacy-mbre.load_component_weights.v1",
            "path": str(init_from),
            "component": component,
        }
    nlp = init_nlp(config)
    train_nlp(nlp, output_dir, stdout=sys.stdout, stderr=sys.stderr)
    return output_dir / "model-last"


def average_scores(pipes: Sequence[Any], docs: List[Doc]) -> Any:
    """Score docs with several trained classifiers and average their
    probabilities.

    pipes (Sequence[RelationClassifier]): Teachers with the same labels.
    docs (List[Doc]): The docs.
    RETURNS (PairScores): The first teacher's pairs and fits, the mean
        probabilities over teachers.
    """
    first = pipes[0].predict(docs)
    if len(pipes) == 1:
        return first
    total = [p.astype("float64") for p in first.probs]
    for pipe in pipes[1:]:
        scores = pipe.predict(docs)
        for i, probs in enumerate(scores.probs):
            total[i] += probs
    first.probs = [(t / len(pipes)).astype("float32") for t in total]
    return first


def label_pool(
    teachers: Sequence[Path],
    docs: List[Doc],
    mode: str,
    *,
    component: str = "mbre_relations",
    batch_size: int = 64,
    progress: bool = False,
) -> Dict[str, Any]:
    """Replace the labels of pool docs with the teachers' labels, in place:
    soft distributions (two-stage) or hard pseudo-labels (mixed).

    teachers (Sequence[Path]): Trained pipelines holding ``component``.
    docs (List[Doc]): The pool docs (their relation records and soft
        targets are replaced; candidate pairs and entities are kept).
    mode (str): "two-stage" (soft) or "mixed" (hard).
    component (str): The classifier's name.
    batch_size (int): Docs per prediction call.
    progress (bool): Show a progress bar over the docs (tqdm, on stderr).
    RETURNS (Dict[str, Any]): Statistics: pairs, pairs whose argmax is a
        relation, mean entropy (nats), mean max probability, and docs with
        entities but no candidate pair (under a typed schema).
    """
    import spacy
    from tqdm import tqdm

    pipes = [spacy.load(path).get_pipe(component) for path in teachers]
    labels = list(pipes[0].labels)
    for path, pipe in zip(teachers, pipes):
        if list(pipe.labels) != labels:
            raise ConfigError(f"Teacher {path} has other labels than {teachers[0]}: the teachers must share labels.")
    n_pairs = n_positive = n_without_pairs = 0
    entropy = top = 0.0
    bar = tqdm(total=len(docs), unit="doc", desc="labelling pool", disable=not progress)
    for start in range(0, len(docs), batch_size):
        batch = docs[start : start + batch_size]
        for doc in batch:
            set_relations(doc, [])
            remove_soft_targets(doc)
        scores = average_scores(pipes, batch)
        for doc, pairs, probs, fits in zip(batch, scores.pairs, scores.probs, scores.fits):
            n_without_pairs += int(not pairs and len(doc.ents) > 0)
            rows = {pair.key: row for pair, row, fit in zip(pairs, probs, fits) if fit}
            for row in rows.values():
                n_pairs += 1
                n_positive += int(row.argmax() != 0)
                entropy += float(-(row * numpy.log(row + 1e-12)).sum())
                top += float(row.max())
            if mode == TWO_STAGE:
                set_soft_targets(doc, labels, rows)
        if mode == MIXED:
            pipes[0].set_annotations(batch, scores)
            for doc in batch:  # the teacher's predictions are the only records left
                set_relations(doc, [replace(r, source=PSEUDO) for r in get_relations(doc)])
        bar.update(len(batch))
    bar.close()
    return {
        "docs": len(docs),
        "pairs": n_pairs,
        "positive_pairs": n_positive,
        "mean_entropy": entropy / n_pairs if n_pairs else None,
        "mean_max_prob": top / n_pairs if n_pairs else None,
        "docs_without_pairs": n_without_pairs,
    }


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
            return {"model": str(directory / "model-last"), "overrides": overrides}

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
