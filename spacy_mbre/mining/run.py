"""The library entry points of a mining run. :func:`mine_files` does what
``python -m spacy_mbre mine`` does (the command only parses its options):
read the input, apply a calibration, mine and write the training view.
:func:`mine` is the run itself, on docs in memory, so other steps —
calibration, the benchmarks — run the same code.

See :mod:`spacy_mbre.mining.miner` for how a run works and what it writes,
:mod:`spacy_mbre.mining.report` for ``report.json``, and
:mod:`spacy_mbre.mining.inputs` for how ``mine_files`` reads its inputs.
"""
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence

import srsly
from spacy.tokens import Doc
from wasabi import Printer

from ..data.entity_types import TypeMap
from ..data.schema import Schema
from ..pairs import PairCounts
from ..training.mined_samples import TRAIN_VIEW, SamplePolicy
from .examples import ExamplePool, PairExample
from .grouping import Grouping, group_schema
from .inputs import CALIBRATION_SETTINGS, RELATIONS, TYPING_MODE, apply_calibration, check_mode, read_input
from .report import REPORT, MiningReport
from .strategies import StrategySettings

__all__ = [
    "CALIBRATION_SETTINGS", "RELATIONS", "TYPING_MODE", "MiningResult", "apply_calibration", "check_mode",
    "examples_hash", "mine", "mine_files", "read_input",
]


def examples_hash(examples: Sequence[PairExample]) -> str:
    """examples (Sequence[PairExample]): The in-context example pairs.
    RETURNS (str): Their sha256 (part of the run's settings)."""
    return hashlib.sha256(json.dumps([e.__dict__ for e in examples], default=list).encode("utf8")).hexdigest()


def mine(
    docs: Iterable[Doc],
    output_dir: Path,
    schema: Schema,
    settings: StrategySettings,
    *,
    examples: Sequence[PairExample] = (),
    grouping: Optional[Grouping] = None,
    model: str = "spacy-mbre.LlamaCpp.v1",
    model_config: Optional[Dict[str, Any]] = None,
    cache: Optional[Path] = None,
    limit: Optional[int] = None,
    batch_pairs: int = 32,
    progress: bool = True,
    extra_settings: Optional[Dict[str, Any]] = None,
    printer: Optional[Printer] = None,
    write_jsonl: Optional[Callable[[Iterable[Doc], Path], Any]] = None,
) -> MiningReport:
    """Mine labelled pairs with an LLM; write ``mined.spacy``, ``mined.jsonl``,
    ``report.json`` and the journal to ``output_dir``. Rerunning with the
    same arguments after a crash continues where the last run stopped.

    docs (Iterable[Doc]): Input docs with entities (gold relations are hidden
        from the LLM and only used to score the mined labels).
    output_dir (Path): The output directory.
    schema (Schema): The schema.
    settings (StrategySettings): The strategy, proposer and decision settings.
    examples (Sequence[PairExample]): In-context examples (from few-shot gold).
    grouping (Optional[Grouping]): The groups; None = greedy TF-IDF grouping.
    model (str): A registered spacy-llm model.
    model_config (Optional[Dict[str, Any]]): Its config.
    cache (Optional[Path]): The answer cache; None = ``output_dir/answers.sqlite``.
    limit (Optional[int]): Mine at most this many pairs.
    batch_pairs (int): Pairs per model batch.
    progress (bool): Show a progress bar.
    extra_settings (Optional[Dict[str, Any]]): More settings to record in
        the report and the journal header (e.g. the calibration's origin).
    printer (Optional[Printer]): Where messages go.
    write_jsonl (Optional[Callable]): Writes docs as JSONL (default: the JSONL writer).
    RETURNS (MiningReport): The report (also written to ``report.json``).
    """
    from ..data.readers.jsonl import write_jsonl as default_write_jsonl
    from ..llm.gateway import open_gateway
    from ..llm.journal import Journal
    from .decider import LabelDecider
    from .miner import Miner, now, prepare_docs, run_mining, write_outputs
    from .proposers import ClassifierProposer
    from .report import build_report
    from .strategies import build_stages

    start = now()
    msg = printer or Printer()
    grouping = grouping if grouping is not None else group_schema(schema)
    pool = ExamplePool(list(examples), seed=settings.seed)
    proposer = None
    if settings.strategy == "mbre" and settings.proposer != "groups":
        proposer = ClassifierProposer.from_path(settings.proposer_model, schema, top_m=settings.proposer_top_m,
                                                min_prob=settings.proposer_min_prob)
    stages = build_stages(schema, grouping, pool, settings, proposer=proposer)
    output_dir.mkdir(parents=True, exist_ok=True)
    model_config = dict(model_config or {})
    gateway = open_gateway(model, model_config, cache if cache is not None else output_dir / "answers.sqlite")
    decider = LabelDecider("mbre_decider", schema, settings.theta, settings.min_confidence, settings.no_prob_policy,
                           confidence=settings.confidence, rule=settings.rule, alpha=settings.alpha,
                           max_labels=settings.max_labels)
    miner = Miner(stages, gateway, decider)
    run_settings = {
        "schema": schema.name,
        "schema_hash": hashlib.sha256(json.dumps(schema.to_dict(), sort_keys=True).encode("utf8")).hexdigest(),
        "groups": grouping.groups if settings.strategy == "mbre" and settings.proposer != "classifier" else None,
        "strategy": settings.to_dict(),
        "model": model,
        "model_id": json.loads(gateway.model_id),
        "fewshot_examples": len(examples),
        "fewshot_hash": examples_hash(examples),
        "limit": limit,
        **({"proposer": proposer.identity} if proposer is not None else {}),
        **(extra_settings or {}),
    }
    journal = Journal(output_dir / "journal.jsonl", run_settings)
    counts = PairCounts()
    prepared = list(prepare_docs(docs, schema, limit=limit, counts=counts))
    counts.report(msg, schema)
    proposer_text = f", proposer {settings.proposer!r}" if settings.strategy == "mbre" else ""
    msg.info(
        f"Mining {sum(p.n_pairs for p in prepared)} pairs in {len(prepared)} docs with strategy "
        f"{settings.strategy!r}{proposer_text}, model {model!r}, {len(examples)} few-shot pairs"
    )
    try:
        entries = run_mining(prepared, miner, journal, batch_pairs=batch_pairs, progress=progress)
    finally:
        gateway.close()
    summary, scores = write_outputs(prepared, entries, schema, output_dir, write_jsonl or default_write_jsonl)
    report = build_report(summary, scores, run_settings, now() - start, journal.resumed)
    srsly.write_json(output_dir / REPORT, report)
    return report


@dataclass
class MiningResult:
    """What :func:`mine_files` did.

    report (MiningReport): The run's report (as in ``report.json``).
    written (List[Path]): The output files, for the user.
    train_counts (Optional[Dict[str, int]]): The training view's counts
        (see :func:`spacy_mbre.training.mined_samples.select_samples`), or
        None when no training view was written.
    """

    report: MiningReport
    written: List[Path]
    train_counts: Optional[Dict[str, int]] = None


def mine_files(
    input_path: Path,
    output_dir: Path,
    schema: Schema,
    settings: StrategySettings,
    *,
    mode: Optional[str] = None,
    groups: Optional[Path] = None,
    fewshot: Optional[Path] = None,
    calibration: Optional[Path] = None,
    ner: str = "en_core_web_sm",
    type_map: Optional[TypeMap] = None,
    train_view: Optional[SamplePolicy] = SamplePolicy(),
    model: str = "spacy-mbre.LlamaCpp.v1",
    model_config: Optional[Dict[str, Any]] = None,
    cache: Optional[Path] = None,
    limit: Optional[int] = None,
    batch_pairs: int = 32,
    progress: bool = True,
    printer: Optional[Printer] = None,
) -> MiningResult:
    """Mine the docs of a file: what ``python -m spacy_mbre mine`` does. Writes
    ``mined.spacy``, ``mined.jsonl``, ``report.json`` and the journal (see
    :func:`mine`) and, with ``train_view``, ``train.spacy``.

    input_path (Path): Docs with entities (.spacy / .jsonl) or raw text (.txt).
    output_dir (Path): The output directory.
    schema (Schema): The schema.
    settings (StrategySettings): The strategy, proposer and decision settings.
    mode (Optional[str]): "relations" or "typing", checked against the
        schema's kind; None = the schema's kind.
    groups (Optional[Path]): groups.json from ``group``; None = greedy TF-IDF grouping.
    fewshot (Optional[Path]): Gold docs for in-context examples.
    calibration (Optional[Path]): calibration.json from ``calibrate``: its
        decision replaces the settings' (see :func:`apply_calibration`).
    ner (str): The spaCy NER pipeline for raw text input.
    type_map (Optional[TypeMap]): Maps the input's entity labels onto the
        schema's types before pairing; None = keep them.
    train_view (Optional[SamplePolicy]): Also write ``train.spacy`` with this
        policy; None = don't.
    model (str): A registered spacy-llm model.
    model_config (Optional[Dict[str, Any]]): Its config.
    cache (Optional[Path]): The answer cache; None = ``output_dir/answers.sqlite``.
    limit (Optional[int]): Mine at most this many pairs.
    batch_pairs (int): Pairs per model batch.
    progress (bool): Show a progress bar.
    printer (Optional[Printer]): Where messages go.
    RETURNS (MiningResult): The report, the written files and the training view's counts.
    """
    import spacy

    from ..data.readers.corpus import read_docs
    from ..training.mined_samples import write_training_view
    from .examples import collect_examples
    from .grouping import read_groups

    msg = printer or Printer()
    check_mode(schema, mode)
    extra: Dict[str, Any] = {}
    if calibration is not None:
        settings, extra = apply_calibration(settings, calibration, msg)
    grouping = read_groups(groups, schema) if groups is not None else None
    examples = collect_examples(read_docs(fewshot, spacy.blank("en")), schema) if fewshot is not None else []
    docs = read_input(input_path, ner)
    report = mine(
        type_map.map_docs(docs) if type_map is not None else docs,
        output_dir,
        schema,
        settings,
        examples=examples,
        grouping=grouping,
        model=model,
        model_config=model_config,
        cache=cache,
        limit=limit,
        batch_pairs=batch_pairs,
        progress=progress,
        extra_settings=extra,
        printer=msg,
    )
    written = [output_dir / "mined.spacy", output_dir / "mined.jsonl", output_dir / REPORT]
    counts = None
    if train_view is not None:
        counts = write_training_view(output_dir, schema, train_view)
        written.append(output_dir / TRAIN_VIEW)
    return MiningResult(report, written, counts)
