"""``report.json`` of a mining run: its typed shape, how it is summed from
the journal's per-stage accounting, and how it is read back (by ``report``,
calibration and the benchmarks).

The types are ``TypedDict`` s: the report stays the plain JSON object it
always was (``json.loads`` of the file *is* a :class:`MiningReport`), they
only name its keys.
"""
from pathlib import Path
from typing import Any, Dict, Optional, TypedDict, Union

from ..errors import DataError
from ..llm.gateway import USAGE_KEYS
from ..scoring.mined import PRF, GoldScores

REPORT = "report.json"
STAT_KEYS = ("prompts", "llm_calls", "cache_hits", "unparseable", *USAGE_KEYS, "seconds")
LOCAL_KEYS = ("pairs_scored", "unscored")
__all__ = ["PRF", "GoldScores", "MiningReport", "MiningSummary", "MinedCounts", "StageCounts", "StageStats"]
REPORT_KEYS = ("settings", "docs", "pairs", "stages", "total", "prompts_per_pair", "mined", "gold")

# Per-stage counters by stage name ("multiclass", "binary", "classifier").
StageStats = Dict[str, Dict[str, float]]


class StageCounts(TypedDict, total=False):
    """One stage's accounting, summed over its questions (or pairs).

    prompts (int): Questions asked. llm_calls / cache_hits (int): How many
    the model answered / the cache did. unparseable (int): Answers that are
    no allowed option. prompt_tokens, evaluated_tokens, reused_tokens,
    generated_tokens (float): Token counts, as far as the model reports them.
    seconds (float): Model time. pairs_scored / unscored (float): Local
    proposers only: pairs the classifier scored / could not score.
    """

    prompts: float
    llm_calls: float
    cache_hits: float
    unparseable: float
    prompt_tokens: float
    evaluated_tokens: float
    reused_tokens: float
    generated_tokens: float
    seconds: float
    pairs_scored: float
    unscored: float


class MinedCounts(TypedDict):
    """What was mined.

    relations (int): Mined labels. pairs_with_relation (int): Candidate pairs
    with at least one. no_relation_pairs (int): The others. labels
    (Dict[str, int]): Label → count, most frequent first.
    """

    relations: int
    pairs_with_relation: int
    no_relation_pairs: int
    labels: Dict[str, int]


class MiningSummary(TypedDict):
    """What :func:`~spacy_mbre.mining.miner.write_outputs` sums from the journal."""

    docs: int
    pairs: int
    stages: StageStats
    mined: MinedCounts


class _MiningReportFields(TypedDict):
    settings: Dict[str, Any]
    docs: int
    pairs: int
    resumed_docs: int
    stages: Dict[str, StageCounts]
    total: StageCounts
    prompts_per_pair: float
    llm_calls_per_pair: float
    wall_seconds: float
    mined: MinedCounts
    gold: Optional[GoldScores]


class MiningReport(_MiningReportFields, total=False):
    """``report.json`` of a mining run.

    settings (Dict[str, Any]): The run's settings (schema, its hash, groups,
        strategy settings, model, model id, few-shot examples, limit, and the
        proposer's identity and calibration where used).
    docs (int): Docs mined. pairs (int): Candidate pairs mined.
    resumed_docs (int): Docs taken from an earlier, interrupted run's journal.
    stages (Dict[str, StageCounts]): Accounting per stage.
    total (StageCounts): Accounting summed over the stages.
    prompts_per_pair (float), llm_calls_per_pair (float): Per mined pair.
    wall_seconds (float): This invocation's wall time.
    mined (MinedCounts): What was mined.
    gold (Optional[GoldScores]): Scores against the hidden gold; None without gold.
    train_view (Dict[str, Any]): Only with the training view: its policy and
        counts (see :func:`spacy_mbre.training.mined_samples.write_training_view`).
    """

    train_view: Dict[str, Any]


def new_stats() -> StageStats:
    """RETURNS (StageStats): Empty per-stage counters."""
    return {}


def add_stats(total: StageStats, stage: str, values: Dict[str, float]) -> None:
    """total (StageStats): Per-stage counters (changed).
    stage (str): The stage name.
    values (Dict[str, float]): Counts to add.
    """
    counters = total.setdefault(stage, {k: 0 for k in STAT_KEYS})
    for key, value in values.items():
        if key in counters:
            counters[key] += value
        elif key in LOCAL_KEYS:
            counters[key] = counters.get(key, 0) + value


def build_report(
    summary: MiningSummary,
    scores: Optional[GoldScores],
    settings: Dict[str, Any],
    wall_seconds: float,
    resumed_docs: int,
) -> MiningReport:
    """summary (MiningSummary): From write_outputs.
    scores (Optional[GoldScores]): Gold scores or None.
    settings (Dict[str, Any]): The run's settings.
    wall_seconds (float): This invocation's wall time.
    resumed_docs (int): Docs taken from an earlier run's journal.
    RETURNS (MiningReport): The report.
    """
    stages = summary["stages"]
    total = {k: 0.0 for k in STAT_KEYS}
    for counts in stages.values():
        for key in STAT_KEYS:
            total[key] += counts.get(key, 0)
    pairs = summary["pairs"] or 1
    return {
        "settings": settings,
        "docs": summary["docs"],
        "pairs": summary["pairs"],
        "resumed_docs": resumed_docs,
        "stages": {
            k: {kk: round(v, 3) if isinstance(v, float) else v for kk, v in c.items()}  # type: ignore[misc]
            for k, c in stages.items()
        },
        "total": {k: round(v, 3) for k, v in total.items()},  # type: ignore[typeddict-item]
        "prompts_per_pair": round(total["prompts"] / pairs, 3),
        "llm_calls_per_pair": round(total["llm_calls"] / pairs, 3),
        "wall_seconds": round(wall_seconds, 3),
        "mined": summary["mined"],
        "gold": scores,
    }


def read_report(path: Union[str, Path]) -> MiningReport:
    """path (Union[str, Path]): A ``report.json`` of ``mine``, or the
        directory that holds it.
    RETURNS (MiningReport): The report. Raises DataError if the file is
        missing, not JSON or not a mining report.
    """
    from ..data.readers.common import json_file

    path = Path(path)
    if path.is_dir():
        path = path / REPORT
    data = json_file(path)
    if not isinstance(data, dict):
        raise DataError(path, None, "expected a JSON object")
    missing = [key for key in REPORT_KEYS if key not in data]
    if missing:
        raise DataError(path, None, f"not a mining report.json (missing {', '.join(missing)})")
    return data  # type: ignore[return-value]
