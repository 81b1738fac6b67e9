"""``python -m spacy_mbre calibrate``: fit the Label Decision on few-shot
gold, by hold-out or cross-fitted mining (see :mod:`spacy_mbre.mining.crossfit`)."""
from pathlib import Path
from typing import List, Optional

import typer
from wasabi import Printer

from . import app, import_user_code
from .mine import parse_model_args


@app.command(
    "calibrate",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
def calibrate_cli(
    ctx: typer.Context,
    gold_path: Path = typer.Argument(
        ...,
        help=(
            "Gold docs (.spacy or .jsonl): the whole few-shot set (cross-fitting) or, with --fewshot, the held-out "
            "calibration set"
        ),
    ),
    output_dir: Path = typer.Argument(..., help="Output directory: one folder per fold and calibration.json"),
    schema: str = typer.Option("semeval", "--schema", help="Schema file or shipped schema name"),
    fewshot: Optional[Path] = typer.Option(
        None, "--fewshot",
        help="Hold-out mode: the in-context example docs (disjoint from GOLD_PATH)",
    ),
    pool: Optional[Path] = typer.Option(
        None, "--pool",
        help=(
            "Hold-out mode: also mine this pool in the same run (shared prompts; its answers are cached for `mine "
            "--calibration`)"
        ),
    ),
    proposer_model: Optional[Path] = typer.Option(
        None, "--proposer-model",
        help="Hold-out mode: the classifier proposer (not trained on GOLD_PATH)",
    ),
    config: Optional[Path] = typer.Option(
        None, "--config",
        help="Cross-fitting: the classifier's training config (a proposer is trained per fold)",
    ),
    folds: int = typer.Option(2, "--folds", help="Folds k of the cross-fitting"),
    objective: str = typer.Option(
        "f1", "--objective",
        help="f1 (maximise the mined labels' F1) or precision (maximise recall at --target-precision)",
    ),
    target_precision: float = typer.Option(
        0.6, "--target-precision",
        help="The precision target of --objective precision",
    ),
    groups: Optional[Path] = typer.Option(None, "--groups", help="groups.json from `group` (grouped proposer)"),
    strategy: str = typer.Option("mbre", "--strategy", help="binary or mbre (the strategy the pool is mined with)"),
    proposer: str = typer.Option("classifier", "--proposer", help="groups, classifier or both"),
    proposer_top_m: int = typer.Option(2, "--proposer-top-m", help="Options the classifier proposes per pair"),
    proposer_min_prob: float = typer.Option(
        0.0, "--proposer-min-prob",
        help="Minimum classifier probability of a proposal",
    ),
    max_labels: int = typer.Option(1, "--max-labels", help="Labels kept per pair"),
    seed: int = typer.Option(0, "--seed", help="Seed of the folds and of the in-context example draws"),
    n_pos: int = typer.Option(3, "--n-pos", help="Positive examples per binary prompt"),
    n_neg: int = typer.Option(4, "--n-neg", help="Negative examples per binary prompt"),
    model: str = typer.Option("spacy-mbre.LlamaCpp.v1", "--model", help="A registered spacy-llm model"),
    model_args: List[str] = typer.Option([], "--model-arg", help="key=value for the model's config; repeatable"),
    cache: Optional[Path] = typer.Option(
        None, "--cache",
        help="Answer cache (sqlite), shared with the pool's `mine` run (default OUTPUT_DIR/answers.sqlite)",
    ),
    batch_pairs: int = typer.Option(32, "--batch-pairs", help="Pairs per model batch"),
    code: Optional[Path] = typer.Option(
        None, "--code", "-c",
        help="Python file to import first (registers extra functions)",
    ),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show progress bars"),
) -> None:
    """Mine gold docs with their gold hidden and choose the combined Label
    Decision's alpha and theta where the gold is known; writes
    calibration.json for `mine --calibration`. Hold-out mode (--fewshot
    given): GOLD_PATH is a held-out calibration set, mined with the given
    examples and proposer (and the pool, sharing prompts). Cross-fitting
    (otherwise): GOLD_PATH is split into --folds folds, each mined with
    examples and a proposer trained from the other folds; extra options are
    spaCy config overrides for that training, e.g. `--training.max_steps 150`.
    Rerunning resumes."""
    from spacy.cli._util import parse_config_overrides

    from ..data.schema import load_schema
    from ..errors import ConfigError
    from ..mining.crossfit import calibrate_files
    from ..mining.strategies import StrategySettings

    msg = Printer()
    import_user_code(code)
    loaded = load_schema(schema)
    settings = StrategySettings(
        strategy=strategy,
        seed=seed,
        n_pos=n_pos,
        n_neg=n_neg,
        proposer=proposer,
        proposer_model=_proposer_model(fewshot, proposer_model, strategy, proposer),
        proposer_top_m=proposer_top_m,
        proposer_min_prob=proposer_min_prob,
        rule="combined",
        max_labels=max_labels,
    )
    if fewshot is not None and ctx.args:
        raise ConfigError(f"Hold-out mode trains nothing; unexpected options: {' '.join(ctx.args)}")
    if fewshot is None and (pool is not None or proposer_model is not None):
        raise ConfigError("--pool and --proposer-model belong to hold-out mode (--fewshot); cross-fitting trains "
                          "a proposer per fold.")
    calibration = calibrate_files(
        gold_path,
        output_dir,
        loaded,
        settings,
        fewshot=fewshot,
        pool=pool,
        groups=groups,
        config_path=config,
        overrides=parse_config_overrides(ctx.args),
        folds=folds,
        objective=objective,
        target_precision=target_precision,
        mine_options={"model": model, "model_config": parse_model_args(model_args),
                      "cache": cache if cache is not None else output_dir / "answers.sqlite",
                      "batch_pairs": batch_pairs, "progress": progress},
        printer=msg,
    )
    rows = [(g["alpha"], *(f"{g[k]:.3f}" for k in ("theta", "p", "r", "f1"))) for g in calibration.grid]
    msg.table(rows, header=("alpha", "best theta", "P", "R", "F1"), divider=True)
    d, s = calibration.decision, calibration.scores
    msg.good(
        f"Chosen on {calibration.n_pairs} calibration pairs ({calibration.n_gold} gold labels): alpha {d['alpha']}, "
        f"theta {d['theta']:.3f} → P {s['p']:.3f} R {s['r']:.3f} F1 {s['f1']:.3f}"
        + ("" if calibration.reached else f" (precision target {target_precision} not reached)")
        + f"; wrote {output_dir / 'calibration.json'}"
    )


def _proposer_model(fewshot: Optional[Path], given: Optional[Path], strategy: str, proposer: str) -> Optional[str]:
    """The proposer model of the settings: the given one in hold-out mode; a
    placeholder that each fold replaces when cross-fitting."""
    if fewshot is not None:
        return str(given) if given is not None else None
    return "<trained per fold>" if strategy == "mbre" and proposer != "groups" else None
