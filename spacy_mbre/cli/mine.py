"""``python -m spacy_mbre mine``: mine relation (or entity type) labels with
an LLM — strategies ``binary``, ``multiclass`` and ``mbre`` — crash-safe and
cached. See :mod:`spacy_mbre.mining.miner` for how a run works."""
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, List, Optional

import typer
from wasabi import Printer

from . import app, import_user_code

if TYPE_CHECKING:
    from ..mining.report import MiningReport


def parse_model_args(items: List[str]) -> Dict[str, Any]:
    """items (List[str]): "key=value" strings; values are read as JSON when
        they parse (numbers, true/false, null), else kept as strings.
    RETURNS (Dict[str, Any]): The model config.
    """
    from ..errors import ConfigError

    out: Dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ConfigError(f"--model-arg expects key=value, got {item!r}.")
        try:
            out[key] = json.loads(value)
        except ValueError:
            out[key] = value
    return out


@app.command("mine")
def mine_cli(
    input_path: Path = typer.Argument(
        ...,
        help=(
            "Docs with entities (.spacy or .jsonl; gold labels are hidden from the LLM and used for scoring) or raw"
            " text (.txt, one text per line)"
        ),
    ),
    output_dir: Path = typer.Argument(
        ...,
        help="Output directory: mined.spacy, mined.jsonl, report.json, journal.jsonl",
    ),
    schema: str = typer.Option("semeval", "--schema", help="Schema file or shipped schema name"),
    groups: Optional[Path] = typer.Option(
        None, "--groups",
        help="groups.json from `group` (default: greedy TF-IDF grouping of the schema)",
    ),
    fewshot: Optional[Path] = typer.Option(None, "--fewshot", help="Gold docs (.spacy/.jsonl) for in-context examples"),
    strategy: str = typer.Option("mbre", "--strategy", help="binary, multiclass or mbre"),
    mode: Optional[str] = typer.Option(None, "--mode", help="relations or typing (default: from the schema's kind)"),
    theta: float = typer.Option(
        0.01, "--theta",
        help="Label Decision threshold (paper rule: for several 'yes' labels; combined rule: on the combined score)",
    ),
    min_confidence: float = typer.Option(
        0.0, "--min-confidence",
        help="Drop a single 'yes' label below this confidence",
    ),
    no_prob_policy: str = typer.Option(
        "all", "--no-prob-policy",
        help="Several 'yes' without probabilities: all or none",
    ),
    confidence: str = typer.Option(
        "raw", "--confidence",
        help=(
            "Confidence for theta/min-confidence: raw (over the whole vocabulary, the paper's) or normalised (over "
            "the options)"
        ),
    ),
    model: str = typer.Option(
        "spacy-mbre.LlamaCpp.v1", "--model",
        help="A registered spacy-llm model (llm_models registry)",
    ),
    model_args: List[str] = typer.Option([], "--model-arg", help="key=value for the model's config; repeatable"),
    code: Optional[Path] = typer.Option(
        None, "--code", "-c",
        help="Python file to import first (registers extra functions)",
    ),
    ner: str = typer.Option("en_core_web_sm", "--ner", help="spaCy NER pipeline for raw text input"),
    type_map: List[str] = typer.Option(
        [], "--type-map",
        help=(
            "NER_LABEL=TYPE: map entity labels (e.g. the --ner pipeline's PERSON, ORG, GPE) onto the schema's types "
            "before pairing; entities with unmapped labels are dropped; repeatable or comma-separated"
        ),
    ),
    limit: Optional[int] = typer.Option(None, "--limit", help="Mine at most this many pairs (in input order)"),
    batch_pairs: int = typer.Option(
        32, "--batch-pairs",
        help="Pairs per model batch; questions of a batch are sorted by shared prefix",
    ),
    cache: Optional[Path] = typer.Option(
        None, "--cache",
        help="Answer cache (sqlite; default OUTPUT_DIR/answers.sqlite); share it between strategies",
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the in-context example draws"),
    n_pos: int = typer.Option(3, "--n-pos", help="Positive examples per binary prompt"),
    n_neg: int = typer.Option(4, "--n-neg", help="Negative examples per binary prompt"),
    n_per_option: int = typer.Option(1, "--n-per-option", help="Multi-class examples per option of a group"),
    n_none: int = typer.Option(1, "--n-none", help="Multi-class 'none' examples per group"),
    option_keys: str = typer.Option("letters", "--option-keys", help="Multi-class answer keys: letters or names"),
    max_proposals: int = typer.Option(
        1, "--max-proposals",
        help="Options a group proposes for verification (with probabilities)",
    ),
    min_option_prob: float = typer.Option(0.05, "--min-option-prob", help="Min probability of a proposed option"),
    none_cutoff: float = typer.Option(0.5, "--none-cutoff", help="P(none) at or above which a group proposes nothing"),
    proposer: str = typer.Option(
        "groups", "--proposer",
        help=(
            "mbre's proposer: groups (the paper's grouped multi-class questions), classifier (a trained "
            "mbre_relations pipeline, --proposer-model) or both"
        ),
    ),
    proposer_model: Optional[Path] = typer.Option(
        None, "--proposer-model",
        help="Trained pipeline of the classifier proposer, e.g. training/gold/model-best",
    ),
    proposer_top_m: int = typer.Option(2, "--proposer-top-m", help="Options the classifier proposes per pair"),
    proposer_min_prob: float = typer.Option(
        0.0, "--proposer-min-prob",
        help="Minimum classifier probability of a proposed option",
    ),
    rule: str = typer.Option(
        "paper", "--rule",
        help=(
            "Label Decision: paper (M-BRe's) or combined (judge P(yes) with the classifier's probability; needs the"
            " classifier proposer)"
        ),
    ),
    alpha: float = typer.Option(0.5, "--alpha", help="Combined rule: the classifier's weight in the score"),
    max_labels: int = typer.Option(1, "--max-labels", help="Combined rule: labels kept per pair"),
    calibration: Optional[Path] = typer.Option(
        None, "--calibration",
        help=(
            "calibration.json from `calibrate`: takes its rule, theta, alpha and max-labels instead of the options "
            "(warns if it was fitted with other proposer or prompt settings)"
        ),
    ),
    train_view: bool = typer.Option(
        True, "--train-view/--no-train-view",
        help=(
            "Also write train.spacy: the mined docs as training data (see --unknown, --negatives, --max-per-label, "
            "--several, --weight)"
        ),
    ),
    unknown: str = typer.Option(
        "drop", "--unknown",
        help=(
            "train.spacy: pairs without a kept label and not a confident negative: drop (left out of the loss) or "
            "negative (trained as no relation)"
        ),
    ),
    negatives: str = typer.Option(
        "keep", "--negatives",
        help=(
            "train.spacy: confident negatives (every proposal rejected, classifier agrees): keep (as no relation) "
            "or drop"
        ),
    ),
    max_per_label: int = typer.Option(
        0, "--max-per-label",
        help="train.spacy: keep at most this many mined samples per label, the most confident first; 0 = no cap",
    ),
    several: str = typer.Option(
        "top", "--several",
        help=(
            "train.spacy: a pair with several kept labels: top (its most confident label), all (every label, "
            "sharing the target mass) or drop (left out)"
        ),
    ),
    weight: str = typer.Option(
        "confidence", "--weight",
        help="train.spacy: loss weight of a doc: confidence (the mean score of its kept labels) or none (1.0)",
    ),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar"),
) -> None:
    """Mine labelled pairs with an LLM and write mined.spacy, mined.jsonl,
    report.json and train.spacy (the training view of the mined docs).
    Rerunning the same command after a crash continues where it stopped; the
    outputs equal those of an uninterrupted run."""
    from ..data.entity_types import TypeMap
    from ..data.schema import load_schema
    from ..mining.run import mine_files
    from ..mining.strategies import StrategySettings
    from ..training.mined_samples import SamplePolicy

    msg = Printer()
    import_user_code(code)
    settings = StrategySettings(
        strategy=strategy,
        theta=theta,
        min_confidence=min_confidence,
        no_prob_policy=no_prob_policy,
        confidence=confidence,
        seed=seed,
        n_pos=n_pos,
        n_neg=n_neg,
        n_per_option=n_per_option,
        n_none=n_none,
        option_keys=option_keys,
        max_proposals=max_proposals,
        min_option_prob=min_option_prob,
        none_cutoff=none_cutoff,
        proposer=proposer,
        proposer_model=str(proposer_model) if proposer_model is not None else None,
        proposer_top_m=proposer_top_m,
        proposer_min_prob=proposer_min_prob,
        rule=rule,
        alpha=alpha,
        max_labels=max_labels,
    )
    policy = SamplePolicy(
        unknown=unknown, negatives=negatives, several=several, max_per_label=max_per_label or None, weight=weight,
    )
    result = mine_files(
        input_path,
        output_dir,
        load_schema(schema),
        settings,
        mode=mode,
        groups=groups,
        fewshot=fewshot,
        calibration=calibration,
        ner=ner,
        type_map=TypeMap.from_items(type_map),
        train_view=policy if train_view else None,
        model=model,
        model_config=parse_model_args(model_args),
        cache=cache,
        limit=limit,
        batch_pairs=batch_pairs,
        progress=progress,
        printer=msg,
    )
    _print_report(msg, result.report)
    counts = result.train_counts
    if counts is not None:
        msg.text(
            f"train.spacy: {counts['docs']} docs, {counts['labelled']} labelled pairs, {counts['negative']} negatives; "
            f"left out: {counts['unknown']} unknown pairs, {counts['capped']} over the per-label cap"
        )
    msg.good("Wrote " + ", ".join(str(p) for p in result.written))


def _print_report(msg: Printer, report: "MiningReport") -> None:
    rows = []
    for stage, counts in report["stages"].items():
        rows.append((
            stage, counts["prompts"], counts["llm_calls"], counts["cache_hits"], counts["unparseable"],
            counts["evaluated_tokens"], counts["reused_tokens"], round(counts["seconds"], 1),
        ))
    msg.table(
        rows,
        header=(
            "stage", "prompts", "LLM calls", "cache hits", "unparseable", "tokens evaluated", "tokens reused",
            "seconds",
        ),
        divider=True,
    )
    msg.text(
        f"{report['pairs']} pairs, {report['prompts_per_pair']} prompts per pair, "
        f"{report['mined']['relations']} mined labels, wall {report['wall_seconds']} s"
    )
    if report["gold"] is not None:
        micro = report["gold"]["micro"]
        msg.text(f"vs hidden gold: P {micro['p']:.3f} R {micro['r']:.3f} F1 {micro['f1']:.3f}")
