"""The workflow report: one JSON and one markdown file combining a run's
mining reports (``mine``'s report.json), evaluation results (``evaluate``'s
JSON) and a θ sweep of the mined labels, plus PNG plots.

Every number comes from the files given: the report records their paths. The
θ sweep itself is decision logic and is computed by
:func:`spacy_mbre.mining.decision.theta_sweep`; this module only tabulates
and plots it.
"""
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence, TypedDict

from .data.readers.common import json_file
from .errors import ConfigError, DataError

if TYPE_CHECKING:
    from .mining.report import MiningReport
    from .mining.sweep import ThetaSweep


class MiningRow(TypedDict):
    """A row of the report's mining table, from a ``mine`` report.json."""

    strategy: str
    label: str
    theta: float
    schema: str
    docs: int
    pairs: int
    prompts: float
    prompts_per_pair: float
    llm_calls: float
    cache_hits: float
    prompt_tokens: float
    evaluated_tokens: float
    reused_tokens: float
    llm_seconds: float
    wall_seconds: float
    mined_labels: int
    mined_label_counts: Dict[str, int]
    p: Optional[float]
    r: Optional[float]
    f1: Optional[float]
    source: str


class EvalRow(TypedDict):
    """A row of the report's evaluation table, from an ``evaluate`` JSON."""

    label: str
    task: str
    schema: str
    docs: int
    micro_p: Optional[float]
    micro_r: Optional[float]
    micro_f: Optional[float]
    macro_f: Optional[float]
    semeval_macro_f: Optional[float]
    accuracy: Optional[float]
    source: str


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


def read_json(path: Path) -> Dict[str, Any]:
    """path (Path): A JSON file.
    RETURNS (Dict[str, Any]): Its content. Raises DataError if unreadable.
    """
    data = json_file(path)
    if not isinstance(data, dict):
        raise DataError(path, None, "expected a JSON object")
    return data


def mining_row(report: "MiningReport", path: Path) -> MiningRow:
    """report (MiningReport): A mining report.json.
    path (Path): Where it was read from.
    RETURNS (MiningRow): The row of the report's mining table.
    """
    try:
        settings = report["settings"]
        total = report["total"]
        gold: Dict[str, Any] = dict(report.get("gold") or {})
        micro = gold.get("micro") or {}
        strategy = settings["strategy"]
        label = strategy["strategy"]
        if label == "mbre" and strategy.get("proposer", "groups") != "groups":
            label = f"mbre ({strategy['proposer']} proposer, {strategy.get('rule', 'paper')} rule)"
        return {
            "strategy": strategy["strategy"],
            "label": label,
            "theta": settings["strategy"]["theta"],
            "schema": settings["schema"],
            "docs": report["docs"],
            "pairs": report["pairs"],
            "prompts": total["prompts"],
            "prompts_per_pair": report["prompts_per_pair"],
            "llm_calls": total["llm_calls"],
            "cache_hits": total["cache_hits"],
            "prompt_tokens": total.get("prompt_tokens", 0),
            "evaluated_tokens": total.get("evaluated_tokens", 0),
            "reused_tokens": total.get("reused_tokens", 0),
            "llm_seconds": total["seconds"],
            "wall_seconds": report["wall_seconds"],
            "mined_labels": report["mined"]["relations"],
            "mined_label_counts": report["mined"]["labels"],
            "p": micro.get("p"),
            "r": micro.get("r"),
            "f1": micro.get("f1"),
            "source": str(path),
        }
    except (KeyError, TypeError) as err:
        raise DataError(path, None, f"not a mining report.json (missing {err})") from None


def eval_row(result: Dict[str, Any], path: Path) -> EvalRow:
    """result (Dict[str, Any]): An ``evaluate`` JSON.
    path (Path): Where it was read from.
    RETURNS (EvalRow): The row of the report's evaluation table.
    """
    try:
        head = result["headline"]
        return {
            "label": result["label"],
            "task": result["task"],
            "schema": result["schema"],
            "docs": result["docs"],
            "micro_p": head.get("micro_p"),
            "micro_r": head.get("micro_r"),
            "micro_f": head.get("micro_f"),
            "macro_f": head.get("macro_f"),
            "semeval_macro_f": head.get("semeval_macro_f"),
            "accuracy": head.get("accuracy"),
            "source": str(path),
        }
    except (KeyError, TypeError) as err:
        raise DataError(path, None, f"not an evaluate result JSON (missing {err})") from None


def build_report(
    minings: Sequence[MiningRow],
    evals: Sequence[EvalRow],
    sweep: Optional["ThetaSweep"] = None,
    title: str = "spacy-mbre workflow report",
) -> WorkflowReport:
    """minings (Sequence[MiningRow]): Rows from :func:`mining_row`.
    evals (Sequence[EvalRow]): Rows from :func:`eval_row`.
    sweep (Optional[ThetaSweep]): From :func:`~spacy_mbre.mining.decision.theta_sweep`, with its
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


def _fmt(value: Any, digits: int = 3) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def to_markdown(report: WorkflowReport, plots: Sequence[Path] = ()) -> str:
    """report (WorkflowReport): From :func:`build_report`.
    plots (Sequence[Path]): PNG files to link (relative names are kept).
    RETURNS (str): The markdown report.
    """
    lines = [f"# {report['title']}", ""]
    if report["mining"]:
        lines += [
            "## Mining (mined labels vs hidden gold of the pool)",
            "",
            "| strategy | θ | pairs | prompts/pair | LLM calls | tokens evaluated | tokens reused | LLM s | wall s "
            "| mined labels | P | R | F1 |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for row in report["mining"]:
            lines.append(
                "| "
                + " | ".join(
                    _fmt(v)
                    for v in (
                        row.get("label", row["strategy"]), row["theta"], row["pairs"], row["prompts_per_pair"],
                        int(row["llm_calls"]),
                        int(row["evaluated_tokens"]), int(row["reused_tokens"]), f"{float(row['llm_seconds']):.1f}",
                        f"{float(row['wall_seconds']):.1f}", row["mined_labels"], row["p"], row["r"], row["f1"],
                    )
                )
                + " |"
            )
        lines += ["", "Sources: " + ", ".join(f"`{row['source']}`" for row in report["mining"]), ""]
    if report["evaluation"]:
        lines += [
            "## Test scores of the trained classifier",
            "",
            "| run | test docs | micro P | micro R | micro F1 | macro F1 | SemEval macro-F1 (official) "
            "| typing accuracy |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for row in report["evaluation"]:
            lines.append(
                "| "
                + " | ".join(
                    _fmt(v)
                    for v in (
                        row["label"], row["docs"], row["micro_p"], row["micro_r"], row["micro_f"], row["macro_f"],
                        row["semeval_macro_f"], row["accuracy"],
                    )
                )
                + " |"
            )
        lines += ["", "Sources: " + ", ".join(f"`{row['source']}`" for row in report["evaluation"]), ""]
        for item in report.get("verdict") or []:
            metric = "SemEval official macro-F1" if item["metric"] == "semeval_macro_f" else "micro-F1"
            word = "beats" if item["better"] else "does not beat"
            lines += [f"**On the test set, {item['run']} {word} {item['baseline']}: {metric} "
                      f"{100 * item['value']:.2f} vs {100 * item['baseline_value']:.2f} "
                      f"({100 * item['difference']:+.2f}).**", ""]
    sweep = report.get("theta_sweep")
    if sweep:
        lines += [
            f"## θ sweep of the mined labels ({sweep.get('strategy', '')}, `{sweep.get('source', '')}`)",
            "",
            "Pairs with several scored 'yes' answers (where the paper's θ applies): "
            f"{sweep['pairs_with_several_scored_yes']}.",
            "",
            "| θ | P (θ on several yes) | R | F1 | mined | P (θ on every yes) | R | F1 | mined |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for a, b in zip(sweep["theta"], sweep["theta_all"]):
            lines.append(
                "| "
                + " | ".join(
                    _fmt(v)
                    for v in (a["theta"], a["p"], a["r"], a["f1"], a["mined"], b["p"], b["r"], b["f1"], b["mined"])
                )
                + " |"
            )
        lines.append("")
    if plots:
        lines += ["## Plots", ""] + [f"![{p.stem}]({p.name})" for p in plots] + [""]
    return "\n".join(lines)


def cost_points(report: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The points of the F1-vs-cost plot: one per scored mining run, its cost
    in LLM seconds *per pair*, so that runs over pools of different sizes
    share the axis.

    report (Dict[str, Any]): From :func:`build_report`.
    RETURNS (List[Dict[str, Any]]): Per scored run (F1 known, at least one
        pair): "x" (LLM seconds per pair), "y" (micro-F1), "pairs", "label"
        and "text" (the point's annotation).
    """
    points = []
    for row in report["mining"]:
        if row["f1"] is None or not row["pairs"]:
            continue
        points.append({
            "x": float(row["llm_seconds"]) / row["pairs"],
            "y": float(row["f1"]),
            "pairs": row["pairs"],
            "label": row.get("label", row["strategy"]),
            "text": f"{row.get('label', row['strategy'])}, {row['pairs']} pairs "
                    f"({_fmt(row['prompts_per_pair'], 1)} q/pair)",
        })
    return points


def make_plots(report: Dict[str, Any], output_dir: Path) -> List[Path]:
    """Write the report's PNG plots (matplotlib, Agg backend).

    report (Dict[str, Any]): From :func:`build_report`.
    output_dir (Path): Where the PNGs go.
    RETURNS (List[Path]): The written files: f1_vs_llm_time.png (if any
        mining run was scored; micro-F1 over LLM seconds per pair, see
        :func:`cost_points`), f1_gold_vs_mined.png (if any evaluation),
        theta_sweep.png (if a sweep was computed).
    """
    try:
        import matplotlib
    except ImportError:
        raise ConfigError(
            "The report's plots need matplotlib: pip install matplotlib (or spacy-mbre[report])."
        ) from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    output_dir.mkdir(parents=True, exist_ok=True)
    written: List[Path] = []
    points = cost_points(report)
    if points:
        fig, ax = plt.subplots(figsize=(6.5, 4.5))
        for point in points:
            ax.scatter([point["x"]], [point["y"]], s=50)
            ax.annotate(point["text"], (point["x"], point["y"]), textcoords="offset points", xytext=(5, 5), fontsize=8)
        ax.set_xlabel("LLM seconds per pair (summed over calls / pairs mined)")
        ax.set_ylabel("mined-label micro-F1 vs hidden gold")
        sizes = sorted({point["pairs"] for point in points})
        ax.set_title(f"Mining strategies ({', '.join(map(str, sizes))} pairs)")
        ax.set_xlim(0, 1.25 * max(point["x"] for point in points) or 1.0)
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
        written.append(_save(fig, output_dir / "f1_vs_llm_time.png"))
    if report["evaluation"]:
        evals = report["evaluation"]
        metrics = [("micro_f", "micro-F1"), ("semeval_macro_f", "SemEval macro-F1"), ("accuracy", "typing accuracy")]
        metrics = [(key, name) for key, name in metrics if any(row[key] is not None for row in evals)]
        fig, ax = plt.subplots(figsize=(5.5, 4))
        width = 0.8 / len(evals)
        for j, row in enumerate(evals):
            xs = [i + j * width for i in range(len(metrics))]
            ys = [row[key] or 0.0 for key, _ in metrics]
            bars = ax.bar(xs, ys, width=width, label=row["label"])
            for bar, y in zip(bars, ys):
                ax.annotate(f"{y:.3f}", (bar.get_x() + bar.get_width() / 2, y), ha="center", va="bottom", fontsize=8)
        ax.set_xticks([i + width * (len(evals) - 1) / 2 for i in range(len(metrics))])
        ax.set_xticklabels([name for _, name in metrics])
        ax.set_ylim(0, 1)
        ax.set_ylabel("test score")
        ax.set_title(f"Gold-only vs gold + mined ({evals[0]['docs']} test docs)")
        ax.legend()
        written.append(_save(fig, output_dir / "f1_gold_vs_mined.png"))
    sweep = report.get("theta_sweep")
    if sweep:
        fig, ax = plt.subplots(figsize=(5.5, 4))
        for rule, style in (("theta", "-"), ("theta_all", "--")):
            rows = sweep[rule]
            thetas = [r["theta"] for r in rows]
            for key, marker in (("p", "o"), ("r", "s"), ("f1", "^")):
                name = "θ on several yes" if rule == "theta" else "θ on every yes"
                ax.plot(
                    thetas, [r[key] if r[key] is not None else float("nan") for r in rows], style,
                    marker=marker, markersize=3, label=f"{key.upper()} ({name})",
                )
        ax.set_xlabel("θ")
        ax.set_ylabel("mined labels vs hidden gold")
        ax.set_ylim(0, 1)
        ax.set_title("θ sweep of the Label Decision")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
        written.append(_save(fig, output_dir / "theta_sweep.png"))
    return written


def _save(fig: Any, path: Path) -> Path:
    import matplotlib.pyplot as plt

    fig.tight_layout()
    # "tight" grows the saved area to every artist, so annotations that reach
    # past the axes (long labels at the right edge) are not clipped.
    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)
    return path
