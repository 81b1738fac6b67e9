"""The workflow report as markdown: its tables and the links to its plots."""

from pathlib import Path
from typing import Any, Sequence

from .report import WorkflowReport


def fmt(value: Any, digits: int = 3) -> str:
    """value (Any): A table cell.
    digits (int): Decimals of a float.
    RETURNS (str): The cell's text: "–" for None, floats rounded.
    """
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
                    fmt(v)
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
                    fmt(v)
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
                    fmt(v)
                    for v in (a["theta"], a["p"], a["r"], a["f1"], a["mined"], b["p"], b["r"], b["f1"], b["mined"])
                )
                + " |"
            )
        lines.append("")
    if plots:
        lines += ["## Plots", ""] + [f"![{p.stem}]({p.name})" for p in plots] + [""]
    return "\n".join(lines)
