"""The workflow report's PNG plots (matplotlib): F1 against LLM cost, gold-only
against gold + mined, and the θ sweep."""

from pathlib import Path
from typing import Any, Dict, List

from ..errors import ConfigError
from .markdown import fmt as _fmt


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
