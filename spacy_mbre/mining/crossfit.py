"""Calibration data: mine few-shot gold docs (gold hidden) so that the
Label Decision can be fitted where the gold is known
(:mod:`spacy_mbre.mining.calibration`). Two ways:

**Hold-out** (:func:`holdout_calibrate`, in :mod:`spacy_mbre.mining.holdout`): the
few-shot gold is split once into in-context examples and a calibration set.

**Cross-fitting** (:func:`crossfit_calibrate`), when the whole few-shot set
should serve as examples and proposer training data:

For k folds (a seeded split that spreads each gold option over the folds):
fold f is mined with in-context examples from the other folds only and — for
the classifier proposer — with a proposer trained on the other folds only
(``spacy train`` with the given config and overrides, in this process). The
answer cache is shared with the pool's mining, so equal questions are never
asked twice. Every step is skipped when its output exists: an interrupted
calibration resumes.

    out/fold0/{train,held}.spacy, out/fold0/proposer/model-{best,last}, out/fold0/mined/...
    out/calibration.json

:func:`calibrate_files` is what ``python -m spacy_mbre calibrate`` runs: it
reads the docs and picks the way (hold-out when in-context example docs are
given, else cross-fitting).
"""
import dataclasses
import random
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from spacy.tokens import Doc
from wasabi import Printer

from ..data.schema import Schema
from ..errors import ConfigError
from .calibration import Calibration, Item
from .examples import collect_examples
from .grouping import Grouping
from .holdout import calibration_items, fit_items, holdout_calibrate
from .strategies import StrategySettings

__all__ = ["calibrate_files", "calibration_items", "crossfit_calibrate", "fit_items", "fold_ids", "holdout_calibrate"]


def fold_ids(docs: Sequence[Doc], schema: Schema, k: int, seed: int) -> List[int]:
    """docs (Sequence[Doc]): Gold docs. schema (Schema): The schema.
    k (int): Folds. seed (int): Seed.
    RETURNS (List[int]): The fold of each doc: docs sorted by their first
        gold option (seeded order within an option), then dealt round-robin,
        so every option with at least k docs is in every fold."""
    from ..training.fewshot import unit_classes

    if k < 2 or k > len(docs):
        raise ConfigError(f"Cross-fitting needs 2 <= folds <= {len(docs)} docs, got {k}.")
    rng = random.Random(seed)
    keys = [(sorted(unit_classes(doc, schema))[:1] or [""])[0] for doc in docs]
    order = sorted(range(len(docs)), key=lambda i: (keys[i], rng.random()))
    folds = [0] * len(docs)
    for n, i in enumerate(order):
        folds[i] = n % k
    return folds


def crossfit_calibrate(
    gold_docs: Sequence[Doc],
    output_dir: Path,
    schema: Schema,
    settings: StrategySettings,
    *,
    config_path: Optional[Path] = None,
    overrides: Optional[Dict[str, Any]] = None,
    folds: int = 2,
    objective: str = "f1",
    target_precision: float = 0.6,
    grouping: Optional[Grouping] = None,
    mine_options: Optional[Dict[str, Any]] = None,
    printer: Optional[Printer] = None,
) -> Calibration:
    """Mine the folds of the few-shot gold and fit the Label Decision.

    gold_docs (Sequence[Doc]): The few-shot gold docs.
    output_dir (Path): Where folds, proposers, mining runs and calibration.json go.
    schema (Schema): The schema.
    settings (StrategySettings): The pool's mining settings (the proposer
        model is replaced per fold; the decision is what gets fitted).
    config_path (Optional[Path]): The classifier's training config (needed
        for the classifier proposer).
    overrides (Optional[Dict[str, Any]]): spaCy config overrides for the
        fold proposers' training (e.g. ``{"training.max_steps": 150}``).
    folds (int): k.
    objective, target_precision, grouping, mine_options, printer: As for
        :func:`holdout_calibrate`.
    RETURNS (Calibration): The fitted decision (also in ``calibration.json``).
    """
    import spacy

    from ..data.readers.corpus import read_docs, write_docs
    from ..training.self_training import train_model
    from .run import mine

    msg = printer or Printer()
    uses_classifier = settings.strategy == "mbre" and settings.proposer != "groups"
    if uses_classifier and config_path is None:
        raise ConfigError("Calibrating the classifier proposer needs the classifier's training config.")
    assignment = fold_ids(gold_docs, schema, folds, settings.seed)
    items: List[Item] = []
    for f in range(folds):
        fold_dir = output_dir / f"fold{f}"
        train_docs = [d for d, a in zip(gold_docs, assignment) if a != f]
        held_docs = [d for d, a in zip(gold_docs, assignment) if a == f]
        train_path, held_path = fold_dir / "train.spacy", fold_dir / "held.spacy"
        write_docs(train_docs, train_path)
        write_docs(held_docs, held_path)
        fold_settings = settings
        if uses_classifier:
            trained = fold_dir / "proposer"
            if not (trained / "model-last").exists():
                msg.info(f"Fold {f}: training the proposer on {len(train_docs)} docs")
                (fold_dir / "proposer").mkdir(parents=True, exist_ok=True)
                fold_overrides = {"paths.train": str(train_path), "paths.dev": str(train_path), **(overrides or {})}
                train_model(Path(config_path), trained, fold_overrides)  # type: ignore[arg-type]
            # The dev-selected model when the overrides name a dev set, else the last.
            proposer = trained / "model-best" if (trained / "model-best").exists() else trained / "model-last"
            fold_settings = dataclasses.replace(settings, proposer_model=str(proposer))
        msg.info(f"Fold {f}: mining {len(held_docs)} held-out docs with examples from {len(train_docs)}")
        nlp = spacy.blank("en")
        mine(read_docs(held_path, nlp), fold_dir / "mined", schema, fold_settings,
             examples=collect_examples(read_docs(train_path, nlp), schema), grouping=grouping, printer=msg,
             **(mine_options or {}))
        held = list(read_docs(held_path, nlp))
        mined = list(read_docs(fold_dir / "mined" / "mined.spacy", nlp))
        items.extend(calibration_items(held, mined, schema))
    origin = {"mode": "crossfit", "folds": folds, "gold_docs": len(gold_docs), "overrides": dict(overrides or {})}
    return fit_items(items, settings, objective, target_precision, origin, output_dir)


def calibrate_files(
    gold_path: Path,
    output_dir: Path,
    schema: Schema,
    settings: StrategySettings,
    *,
    fewshot: Optional[Path] = None,
    pool: Optional[Path] = None,
    groups: Optional[Path] = None,
    config_path: Optional[Path] = None,
    overrides: Optional[Dict[str, Any]] = None,
    folds: int = 2,
    objective: str = "f1",
    target_precision: float = 0.6,
    mine_options: Optional[Dict[str, Any]] = None,
    printer: Optional[Printer] = None,
) -> Calibration:
    """Fit the Label Decision on the gold docs of a file: what
    ``python -m spacy_mbre calibrate`` does. With ``fewshot``, ``gold_path``
    is a held-out calibration set (:func:`holdout_calibrate`, mined with the
    pool if given); without, it is the whole few-shot set, cross-fitted
    (:func:`crossfit_calibrate`).

    gold_path (Path): Gold docs (.spacy or .jsonl).
    output_dir (Path): Where the runs and calibration.json go.
    schema (Schema): The schema.
    settings (StrategySettings): The pool's mining settings.
    fewshot (Optional[Path]): Hold-out mode: the in-context example docs.
    pool (Optional[Path]): Hold-out mode: the pool, mined in the same run.
    groups (Optional[Path]): groups.json from ``group`` (grouped proposer).
    config_path (Optional[Path]): Cross-fitting: the classifier's training config.
    overrides (Optional[Dict[str, Any]]): Cross-fitting: spaCy config
        overrides for the fold proposers' training.
    folds (int): Cross-fitting: k.
    objective (str): "f1" or "precision".
    target_precision (float): The precision target of "precision".
    mine_options (Optional[Dict[str, Any]]): More keyword arguments of
        :func:`spacy_mbre.mining.run.mine` (model, model_config, cache, ...).
    printer (Optional[Printer]): Where messages go.
    RETURNS (Calibration): The fitted decision (also in ``calibration.json``).
    """
    import spacy

    from ..data.readers.corpus import read_docs
    from .grouping import read_groups

    nlp = spacy.blank("en")
    docs = list(read_docs(gold_path, nlp))
    grouping = read_groups(groups, schema) if groups is not None else None
    common: Dict[str, Any] = dict(objective=objective, target_precision=target_precision, grouping=grouping,
                                  mine_options=mine_options, printer=printer)
    if fewshot is not None:
        examples = collect_examples(read_docs(fewshot, nlp), schema)
        pool_docs = list(read_docs(pool, nlp)) if pool is not None else []
        return holdout_calibrate(docs, output_dir, schema, settings, examples=examples, pool_docs=pool_docs, **common)
    if pool is not None:
        raise ConfigError("--pool belongs to hold-out mode (--fewshot).")
    return crossfit_calibrate(docs, output_dir, schema, settings, config_path=config_path, overrides=overrides,
                              folds=folds, **common)
