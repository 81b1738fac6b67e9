"""``python -m spacy_mbre self-train``: two-stage self-training with soft
labels (S2ynRE) or the mixed baseline, on a mined or synthetic pool."""
from pathlib import Path
from typing import List, Optional

import typer
from wasabi import Printer

from . import app, import_user_code


@app.command(
    "self-train",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
def self_train_cli(
    ctx: typer.Context,
    config_path: Path = typer.Argument(..., help="The classifier's training config, e.g. configs/semeval.cfg"),
    gold_path: Path = typer.Argument(..., help="Gold training docs (.spacy or .jsonl), e.g. the few-shot set"),
    pool_path: Path = typer.Argument(
        ...,
        help="The pool (.spacy or .jsonl): mined.spacy or synthetic.spacy; its labels are replaced by the teachers'",
    ),
    output_dir: Path = typer.Argument(
        ...,
        help="Output directory: one subdirectory per step, model-last (the final student), self_train.json",
    ),
    mode: str = typer.Option(
        "two-stage", "--mode",
        help=(
            "two-stage (S2ynRE: soft labels, KL on the pool, then cross-entropy on gold) or mixed (hard pseudo-labels "
            "merged into gold)"
        ),
    ),
    teachers: int = typer.Option(
        3, "--teachers",
        help="Teachers trained on gold in the first iteration (seeds seed, seed+1, ...)",
    ),
    teacher_model: List[Path] = typer.Option(
        [], "--teacher-model",
        help=(
            "An already trained gold model to use as a first-iteration teacher instead of training new ones; "
            "repeatable"
        ),
    ),
    iterations: int = typer.Option(
        2, "--iterations", "-T",
        help="Iterations T; iteration t labels and trains on the first t/T of the pool",
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the pool order, the students and the first teacher"),
    pool_steps: Optional[int] = typer.Option(
        None, "--pool-steps",
        help="Training steps of the two-stage student on the pool (default: the config's training.max_steps)",
    ),
    checkpoint: str = typer.Option(
        "last", "--checkpoint",
        help=(
            "Which model of each training run is carried on (teacher, stage-2 start, final student): last "
            "(model-last) or best (model-best: the best score on --dev among the evaluations every "
            "training.eval_frequency steps)"
        ),
    ),
    dev_path: Optional[Path] = typer.Option(
        None, "--dev",
        help="Dev docs for spaCy's evaluation during training (default: the gold docs)",
    ),
    component: str = typer.Option(
        "mbre_relations", "--component",
        help="The classifier's name in the config's pipeline",
    ),
    code: Optional[Path] = typer.Option(
        None, "--code", "-c",
        help="Python file to import first (registers extra functions)",
    ),
    progress: bool = typer.Option(
        True, "--progress/--no-progress",
        help="Show progress: step k of n, elapsed time and time left after each step, a bar while labelling the pool",
    ),
) -> None:
    """Train teachers on gold, label the pool with their averaged
    distributions, train students on it and fine-tune them on gold, for T
    iterations (see spacy_mbre.training.self_training). Extra options are
    spaCy config overrides for every training run, e.g.
    `--training.max_steps 40 --training.batcher.size 16`. Rerunning the same
    command resumes: finished steps are skipped."""
    from spacy.cli._util import parse_config_overrides

    from ..training.self_training import SelfTrainer, SelfTrainSettings

    import_user_code(code)
    overrides = parse_config_overrides(ctx.args)
    pool_overrides = {}
    if pool_steps is not None:
        pool_overrides["training.max_steps"] = pool_steps
        pool_overrides["training.eval_frequency"] = pool_steps
    settings = SelfTrainSettings(
        mode=mode,
        n_teachers=teachers,
        iterations=iterations,
        seed=seed,
        component=component,
        overrides=overrides,
        pool_overrides=pool_overrides,
        teachers=list(teacher_model),
        checkpoint=checkpoint,
    )
    trainer = SelfTrainer(
        config_path, gold_path, pool_path, output_dir, settings, dev_path=dev_path, printer=Printer(), progress=progress
    )
    trainer.run()
