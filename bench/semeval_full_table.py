"""Tabulate `bench/run_semeval_full.sh` runs: the dev score at every evaluation,
the step `model-best` came from, and its test evaluation, per variant and seed.

    python bench/semeval_full_table.py    # every variant BENCHMARKS §13 lists, seeds 1-3

(--names / --seeds pick fewer; the JSON then holds only those.)

A variant's name is the script's NAME ("" = the config as it is). Dev scores come
from the training log (`bench/work/full/semeval[-NAME]-s<SEED>.log`, spaCy's
table: the column before SCORE, REL_SEMEVAL_MACRO_F, the official macro-F1 on
the 800-sentence dev split, which is the config's score); test scores from
`bench/results/semeval_full[_NAME]_s<SEED>.test.json`.
A run whose log is gone (work directories do not survive a machine change)
keeps the dev curve the JSON written before recorded, else is listed with its
test score and no dev curve. Choose a variant on the dev means, never on test.
Writes bench/results/semeval_full_variants.json.
"""
import json
from pathlib import Path
from typing import Any, Dict, List

import typer
from benchlib import REPO, dev_curve_or_kept, mean_sd

WORK = REPO / "bench" / "work" / "full"
RESULTS = REPO / "bench" / "results"
VARIANTS = "lr1e-4-start,lr2e-4-start,lr2e-4-startend,steps1400,lr3e-4,batch16-steps1400"

app = typer.Typer(add_completion=False)


@app.command()
def main(
    names: str = typer.Option(
        VARIANTS, help="Comma-separated variant names (\"\" = plain runs)"
    ),
    seeds: str = typer.Option("1,2,3", help="Seeds"),
    out: Path = typer.Option(RESULTS / "semeval_full_variants.json", help="JSON output"),
) -> None:
    """Print the table and write the JSON."""
    variants: List[Dict[str, Any]] = []
    kept = {(v["name"], r["seed"]): r["dev_curve"] for v in json.loads(out.read_text())["variants"]
            for r in v["runs"]} if out.exists() else {}
    for name in names.split(","):
        runs = []
        for seed in [int(s) for s in seeds.split(",")]:
            stem = f"semeval{'-' + name if name else ''}-s{seed}"
            test_file = RESULTS / f"semeval_full{'_' + name if name else ''}_s{seed}.test.json"
            if not test_file.exists():
                continue
            test = json.loads(test_file.read_text())["scores"]
            curve = dev_curve_or_kept(WORK / f"{stem}.log", kept.get((name or "(config)", seed)))
            best = max(curve, key=lambda point: point[1]) if curve else None
            runs.append({"seed": seed, "dev_curve": curve, "best_step": best[0] if best else None,
                         "best_dev": best[1] if best else None, "test_macro_f": 100 * test["rel_semeval_macro_f"],
                         "test_micro_f": 100 * test["rel_micro_f"]})
        if runs:
            variants.append({
                "name": name or "(config)", "runs": runs,
                "best_dev": mean_sd([r["best_dev"] for r in runs if r["best_dev"] is not None]),
                "test_macro_f": mean_sd([r["test_macro_f"] for r in runs]),
            })
    print("| variant | seed | dev at each evaluation | best step | best dev | test official macro-F1 |")
    print("|---|---|---|---|---|---|")
    for variant in variants:
        for run in variant["runs"]:
            curve = " / ".join(f"{score:.2f}" for _, score in run["dev_curve"]) or "(log not kept)"
            best_dev = f"{run['best_dev']:.2f}" if run["best_dev"] is not None else "–"
            print(f"| {variant['name']} | {run['seed']} | {curve} | {run['best_step'] or '–'} | {best_dev} | "
                  f"{run['test_macro_f']:.2f} |")
        test, dev = variant["test_macro_f"], variant["best_dev"]
        dev_text = f"{dev['mean']:.2f} (n={dev['n']})" if dev["mean"] is not None else "–"
        sd = f" ± {test['sd']:.2f}" if test["n"] > 1 else ""
        print(f"| {variant['name']} | mean | | | {dev_text} | **{test['mean']:.2f}{sd}** (n={test['n']}) |")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"variants": variants}, indent=2))
    print(f"Wrote {out}")


if __name__ == "__main__":
    app()
