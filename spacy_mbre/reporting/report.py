"""The workflow report: its rows, the θ sweep and the verdict of each
evaluation against the baseline (the first one)."""

from typing import TYPE_CHECKING, List, Optional, Sequence, TypedDict

from ..errors import ConfigError
from .rows import EvalRow, MiningRow

if TYPE_CHECKING:
    from ..mining.sweep import ThetaSweep


class Verdict(TypedDict):
    """An evaluation row against the baseline row (see :func:`verdict`)."""

    run: str
    baseline: str
    metric: str
    value: float
    baseline_value: float
    difference: float
    better: bool


class _WorkflowReportFields(TypedDict):
    title: str
    mining: List[MiningRow]
    evaluation: List[EvalRow]
    theta_sweep: Optional["ThetaSweep"]
    verdict: List[Verdict]


class WorkflowReport(_WorkflowReportFields, total=False):
    """The ``report`` command's report.json; ``plots`` lists its PNG files."""

    plots: List[str]


def build_report(
    minings: Sequence[MiningRow],
    evals: Sequence[EvalRow],
    sweep: Optional["ThetaSweep"] = None,
    title: str = "spacy-mbre workflow report",
) -> WorkflowReport:
    """minings (Sequence[MiningRow]): Rows from :func:`mining_row`.
    evals (Sequence[EvalRow]): Rows from :func:`eval_row`.
    sweep (Optional[ThetaSweep]): From :func:`~spacy_mbre.mining.sweep.theta_sweep`, with its
        "source".
    title (str): The report's title.
    RETURNS (WorkflowReport): The report.
    """
    if not minings and not evals:
        raise ConfigError("The report needs at least one mining report or evaluation result.")
    return {"title": title, "mining": list(minings), "evaluation": list(evals), "theta_sweep": sweep,
            "verdict": verdict(evals)}


def verdict(evals: Sequence[EvalRow]) -> List[Verdict]:
    """Each evaluation row against the first one (the baseline, e.g. gold
    only), on the SemEval official macro-F1 where both have it, else micro-F1.

    evals (Sequence[EvalRow]): Rows from :func:`eval_row`.
    RETURNS (List[Verdict]): One entry per compared row: run,
        baseline, metric, both values, the difference and whether it is better.
    """
    if len(evals) < 2:
        return []
    base = evals[0]
    out = []
    for row in evals[1:]:
        metric = (
            "semeval_macro_f"
            if row.get("semeval_macro_f") is not None and base.get("semeval_macro_f") is not None
            else "micro_f"
        )
        if row.get(metric) is None or base.get(metric) is None:
            continue
        diff = float(row[metric]) - float(base[metric])
        out.append({"run": row["label"], "baseline": base["label"], "metric": metric, "value": row[metric],
                    "baseline_value": base[metric], "difference": diff, "better": diff > 0})
    return out
