"""``python -m spacy_mbre iterate``: LLM-verified self-training; the classifier
proposes, the LLM verifies, the classifier learns from what was verified, for T
rounds (see :mod:`spacy_mbre.training.verified`)."""
from pathlib import Path
from typing import List, Optional

import typer

from . import app, import_user_code
from .mine import parse_model_args


@app.command(
    "iterate",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
def iterate_cli(
    ctx: typer.Context,
    config_path: Path = typer.Argument(..., help="The classifier's training config, e.g. configs/semeval.cfg"),
    gold_path: Path = typer.Argument(..., help="Gold training docs (.spacy or .jsonl), e.g. the few-shot set"),
    pool_path: Path = typer.Argument(..., help="The unlabelled pool (.spacy or .jsonl) to mine each round"),
    output_dir: Path = typer.Argument(
        ..., help="Output directory: one folder per round and step, model-last, verified.json, answers.sqlite",
    ),
    calibration_docs: Path = typer.Option(
        ..., "--calibration-docs",
        help="Held-out gold docs (in neither the gold training docs nor --fewshot) that fit the decision each round",
    ),
    schema: str = typer.Option("semeval", "--schema", help="Schema file or shipped schema name"),
    fewshot: Optional[Path] = typer.Option(
        None, "--fewshot", help="Gold docs for the LLM's in-context examples (default: the gold training docs)",
    ),
    proposer_model: Optional[Path] = typer.Option(
        None, "--proposer-model",
        help="The round-0 proposer, a trained pipeline (e.g. the gold-only model-best); default: train one on gold",
    ),
    rounds: int = typer.Option(2, "--rounds", "-T", help="Rounds T of propose → verify → train"),
    proposer: str = typer.Option("classifier", "--proposer", help="classifier or both (with the grouped questions)"),
    proposer_top_m: int = typer.Option(3, "--proposer-top-m", help="Options the classifier proposes per pair"),
    proposer_min_prob: float = typer.Option(
        0.05, "--proposer-min-prob", help="Minimum classifier probability of a proposal",
    ),
    objective: str = typer.Option("f1", "--objective", help="Calibration objective: f1 or precision"),
    target_precision: float = typer.Option(0.6, "--target-precision", help="Precision target of --objective precision"),
    unknown: str = typer.Option("drop", "--unknown", help="Training view: pairs with no kept label: drop or negative"),
    negatives: str = typer.Option("keep", "--negatives", help="Training view: confident negatives: keep or drop"),
    max_per_label: int = typer.Option(
        0, "--max-per-label", help="Training view: at most this many mined samples per label; 0 = no cap",
    ),
    several: str = typer.Option(
        "top", "--several", help="Training view: a pair with several kept labels: top, all or drop",
    ),
    weight: str = typer.Option("confidence", "--weight", help="Training view: loss weight: confidence or none"),
    dev_path: Optional[Path] = typer.Option(
        None, "--dev", help="Dev docs of spaCy's evaluation during training (default: the gold docs)",
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the training runs and the in-context example draws"),
    model: str = typer.Option("spacy-mbre.LlamaCpp.v1", "--model", help="A registered spacy-llm model"),
    model_args: List[str] = typer.Option([], "--model-arg", help="key=value for the model's config; repeatable"),
    cache: Optional[Path] = typer.Option(
        None, "--cache", help="Answer cache shared by every round (default OUTPUT_DIR/answers.sqlite)",
    ),
    batch_pairs: int = typer.Option(32, "--batch-pairs", help="Pairs per model batch"),
    component: str = typer.Option("mbre_relations", "--component", help="The classifier's name in the config"),
    code: Optional[Path] = typer.Option(
        None, "--code", "-c", help="Python file to import first (registers extra functions)",
    ),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show progress bars"),
) -> None:
    """Each round: fit the Label Decision on the calibration docs with the
    current classifier as proposer, mine the pool with it (the LLM verifies
    its top options; answers from earlier rounds come from the cache), and
    train a fresh classifier on gold + the verified samples. Extra options are
    spaCy config overrides of every training run, e.g. `--training.max_steps
    400`. Rerunning the same command resumes: finished steps are skipped."""
    import spacy
    from spacy.cli._util import parse_config_overrides
    from wasabi import Printer

    from ..data.readers.corpus import read_docs
    from ..data.schema import load_schema
    from ..mining.examples import collect_examples
    from ..mining.strategies import StrategySettings
    from ..training.mined_samples import SamplePolicy
    from ..training.verified import PER_ROUND, VerifiedSettings, VerifiedTrainer

    import_user_code(code)
    loaded = load_schema(schema)
    nlp = spacy.blank("en")
    examples = collect_examples(read_docs(fewshot or gold_path, nlp), loaded)
    settings = VerifiedSettings(
        rounds=rounds, seed=seed, component=component, overrides=parse_config_overrides(ctx.args),
        objective=objective, target_precision=target_precision,
        policy=SamplePolicy(
            unknown=unknown, negatives=negatives, several=several, max_per_label=max_per_label or None,
            weight=weight,
        ),
    )
    mining = StrategySettings(strategy="mbre", seed=seed, proposer=proposer, proposer_model=PER_ROUND,
                              proposer_top_m=proposer_top_m,
                              proposer_min_prob=proposer_min_prob, rule="combined")
    mine_options = {"model": model, "model_config": parse_model_args(model_args), "batch_pairs": batch_pairs,
                    "progress": progress, **({"cache": cache} if cache is not None else {})}
    trainer = VerifiedTrainer(
        config_path, gold_path, list(read_docs(pool_path, nlp)), list(read_docs(calibration_docs, nlp)), output_dir,
        loaded, mining, settings, examples=examples, proposer_model=proposer_model, dev_path=dev_path,
        mine_options=mine_options, printer=Printer(),
    )
    trainer.run()
