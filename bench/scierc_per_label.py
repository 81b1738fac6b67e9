"""Per-relation F1 on SciERC test (gold entities) across seeds, per setting, and
packing's per-label cost paired by seed.

    python bench/scierc_per_label.py \
        --arm per_pair=none-mdos-false-clm-false:0,none-mdos-false-clm-false-start:1,\
    none-mdos-false-clm-false-start:2 \
        --arm packed=subject-mdos-false-clm-false:0,subject-mdos-false-clm-false-start:1,\
    subject-mdos-false-clm-false-start:2 \
        --arm packed_mdos_clm=subject-mdos-true-clm-true:0,subject-mdos-true-clm-true-start:1

(the per_pair and packed arms are one argument each: no space after their commas).

An arm is a name and its runs, each `<tag>:<seed>`, read from
`bench/results/scierc_gold-entities-<tag>_s<seed>.json` (`scores.rel_f_per_type`,
written by `evaluate --rel-plus`), followed by two summary rows over all labels,
`(micro)` and `(macro)` (`scores.rel_micro_f`, `scores.rel_macro_f`; with gold
entities Rel = Rel+). The first arm is the reference: every other
arm gets its per-label difference to it on the seeds both have (and their
mean ± sd where there are two or more). Prints a
Markdown table (mean ± sample sd over seeds) and writes
bench/results/scierc_per_label.json. No model runs: it only reads evaluations.
"""
import json
from pathlib import Path
from typing import Any, Dict, List, Tuple

import typer
from benchlib import REPO, mean_sd, print_table, run_meta

RESULTS = REPO / "bench" / "results"
MICRO, MACRO = "(micro)", "(macro)"
app = typer.Typer(add_completion=False)


def _runs(spec: str) -> Tuple[str, List[Tuple[str, int]]]:
    name, _, runs = spec.partition("=")
    if not runs:
        raise typer.BadParameter(f"--arm {spec!r}: expected NAME=TAG:SEED[,TAG:SEED...]")
    out = []
    for run in runs.split(","):
        tag, _, seed = run.rpartition(":")
        if not tag or not seed.isdigit():
            raise typer.BadParameter(f"--arm {spec!r}: {run!r} is not TAG:SEED")
        out.append((tag, int(seed)))
    return name, out


def _per_label(tag: str, seed: int) -> Dict[str, float]:
    path = RESULTS / f"scierc_gold-entities-{tag}_s{seed}.json"
    if not path.exists():
        raise typer.BadParameter(f"{path}: no such evaluation (run bench/run_scierc_repr.sh first)")
    scores = json.loads(path.read_text())["scores"]
    per_label = {label: 100 * value["f"] for label, value in scores["rel_f_per_type"].items()}
    return {**per_label, MICRO: 100 * scores["rel_micro_f"], MACRO: 100 * scores["rel_macro_f"]}


def _cell(stats: Dict[str, Any]) -> str:
    return f"{stats['mean']:.1f} ± {stats['sd']:.1f}"


def _paired_cell(diffs: List[float], stats: Dict[str, Any]) -> str:
    cell = " / ".join(f"{d:+.1f}" for d in diffs)
    return f"{cell} ({stats['mean']:+.2f} ± {stats['sd']:.2f})" if len(diffs) > 1 else cell


@app.command()
def main(
    arm: List[str] = typer.Option(..., help="NAME=TAG:SEED[,TAG:SEED...]; the first arm is the reference"),
    out: Path = typer.Option(RESULTS / "scierc_per_label.json", help="JSON output"),
) -> None:
    """Print the table and write the JSON."""
    arms = dict(_runs(spec) for spec in arm)
    scores = {name: {seed: _per_label(tag, seed) for tag, seed in runs} for name, runs in arms.items()}
    reference, *others = arms
    labels = sorted(set(next(iter(scores[reference].values()))) - {MICRO, MACRO}) + [MICRO, MACRO]
    shared = {name: sorted(set(scores[name]) & set(scores[reference])) for name in others}
    columns = {name: f"{name} (seeds {','.join(str(s) for s in scores[name])})" for name in arms}
    paired = {name: f"{name} − {reference}, paired by seed" for name in others}
    rows, table = [], {}
    for label in labels:
        values = {name: [by_seed[s][label] for s in sorted(by_seed)] for name, by_seed in scores.items()}
        diffs = {name: [scores[name][s][label] - scores[reference][s][label] for s in shared[name]] for name in others}
        stats = {name: mean_sd(v) for name, v in values.items()}
        diff_stats = {name: mean_sd(v) for name, v in diffs.items()}
        rows.append({"label": label, **{columns[n]: _cell(stats[n]) for n in values},
                     **{paired[n]: _paired_cell(v, diff_stats[n]) for n, v in diffs.items()}})
        table[label] = {"per_seed": values, **stats,
                        "paired": {n: dict(zip(shared[n], v)) for n, v in diffs.items()},
                        "paired_mean_sd": diff_stats}
    print_table(rows, ["label", *columns.values(), *paired.values()])
    runs = {name: [f"{tag}:{seed}" for tag, seed in runs] for name, runs in arms.items()}
    out.write_text(json.dumps({**run_meta(arms=runs), "per_label_f": table}, indent=2))
    print(f"Wrote {out}")


if __name__ == "__main__":
    app()
