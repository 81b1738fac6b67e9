"""Tabulate SURE's candidate label markers (CLMs) against the same classifier without them, per seed, on
SemEval (issue 17, item 2), from the runs `bench/run_clm.sh` made.

    python bench/clm_table.py --scope 10pct
    python bench/clm_table.py --scope full --variants 2-4

10pct: the "without" arm is the gold-only arm of the --without JSONs (bench/results/downstream_gold-10pct.json,
then its reruns downstream_gold-10pct_gold-rerun-s<SEED>.json, which record the dev scores; the same splits,
schedule, pinned start-marker representation and seeds); the CLM arms (``clm-<n>-<m>``) come from the --with
JSONs (`bench/downstream.py train` output, by default every downstream_gold-10pct_clm*.json). full: the "without" arm is
`bench/run_semeval_full.sh`'s lr2e-4-startend runs (the config's defaults), the CLM arms its
``clm-<n>-<m>`` runs (bench/results/semeval_full_<name>_s<SEED>.test.json).

The gain is paired: CLM minus without, seed by seed, then mean ± sd over the seeds both arms have. A seed
fixes the split, the pretrained encoder and spaCy's batch order, but not the whole initialisation: the CLM
arm adds one marker token per label, whose new embedding rows are drawn from torch's generator before the
classification head is, so the two arms' heads (and dropout masks) start from different draws. The pairing
therefore removes no initialisation noise; read the gain against the arms' own seed spread. Test scores are
reported, never used to choose: a setting is chosen on the dev column. Writes bench/results/clm_table_<scope>.json.
"""
import json
from pathlib import Path
from typing import Any, Dict, List, Optional

import typer
from benchlib import REPO, dev_curve_or_kept, mean_sd

RESULTS = REPO / "bench" / "results"
FULL_WORK = REPO / "bench" / "work" / "full"

app = typer.Typer(add_completion=False)


def _downstream_runs(paths: List[Path]) -> Dict[str, Dict[int, Dict[str, Optional[float]]]]:
    """Arm → seed → {test, dev} (0–100) from `downstream.py train` JSONs; a later file's run replaces an
    earlier file's run of the same arm and seed (a rerun skips finished runs, so they are the same run)."""
    arms: Dict[str, Dict[int, Dict[str, Optional[float]]]] = {}
    for path in paths:
        for run in json.loads(path.read_text())["runs"]:
            dev = run.get("best_dev")
            arms.setdefault(run["arm"], {})[int(run["seed"])] = {
                "test": 100 * run["semeval_macro_f"], "dev": None if dev is None else 100 * dev,
                "best_step": run.get("best_step"), "steps": run.get("last_step"),
            }
    return arms


def _full_runs(name: str, seeds: List[int], kept: Dict[str, Any]) -> Dict[int, Dict[str, Optional[float]]]:
    """Seed → {test, dev} of `run_semeval_full.sh`'s variant ``name``; the dev score is the best of its
    training log's curve (or of the curve an earlier JSON kept, when the log is gone)."""
    runs: Dict[int, Dict[str, Optional[float]]] = {}
    for seed in seeds:
        test_file = RESULTS / f"semeval_full_{name}_s{seed}.test.json"
        if not test_file.exists():
            continue
        curve = dev_curve_or_kept(FULL_WORK / f"semeval-{name}-s{seed}.log", kept.get(f"{name}:{seed}"))
        best = max(curve, key=lambda point: point[1]) if curve else None
        runs[seed] = {"test": 100 * json.loads(test_file.read_text())["scores"]["rel_semeval_macro_f"],
                      "dev": best[1] if best else None, "best_step": best[0] if best else None,
                      "steps": curve[-1][0] if curve else None, "dev_curve": curve}
    return runs


def _results(patterns: str) -> List[Path]:
    """The files in bench/results that comma-separated names or glob patterns match, each pattern's matches
    sorted by name, in the order the patterns are given, without repeats."""
    found: List[Path] = []
    for pattern in filter(None, patterns.split(",")):
        found.extend(p for p in sorted(RESULTS.glob(pattern)) if p not in found)
    return found


def _kept_curves(path: Path, key: str, name_key: str) -> Dict[str, Any]:
    """"name:seed" → the non-empty dev curves a table JSON recorded (its ``key`` list of entries with
    ``name_key`` and ``runs``); empty when the file does not exist."""
    if not path.exists():
        return {}
    return {f"{entry[name_key]}:{run['seed']}": run["dev_curve"] for entry in json.loads(path.read_text())[key]
            for run in entry["runs"] if run.get("dev_curve")}


@app.command()
def main(
    scope: str = typer.Option("10pct", help="10pct or full"),
    variants: str = typer.Option("2-4,3-2,1-1", help="Comma-separated (n, m) variants as n-m"),
    seeds: str = typer.Option("1,2,3", help="Seeds"),
    with_json: str = typer.Option(
        "downstream_gold-10pct_clm*.json",
        "--with", help="10pct: comma-separated `downstream.py train` JSONs (or glob patterns) in bench/results "
        "holding the CLM arms",
    ),
    without_json: str = typer.Option(
        "downstream_gold-10pct.json,downstream_gold-10pct_gold-rerun-s*.json",
        "--without", help="10pct: comma-separated `downstream.py train` JSONs (or glob patterns) in bench/results "
        "holding the gold-only arm; a later file's run of a seed replaces an earlier file's (the rerun adds the dev "
        "scores the first run did not record)",
    ),
    out: Optional[Path] = typer.Option(None, help="JSON output (default bench/results/clm_table_<scope>.json)"),
) -> None:
    """Print the table and write the JSON."""
    wanted = [int(s) for s in seeds.split(",")]
    out = out or RESULTS / f"clm_table_{scope}.json"
    names = [f"clm-{v}" for v in variants.split(",") if v]
    if scope == "10pct":
        without_found = _results(without_json)
        without = _downstream_runs(without_found).get("gold", {})
        found = _results(with_json)
        arms = _downstream_runs(found)
        sources = {"without": [f"{p.relative_to(REPO)} (arm gold)" for p in without_found],
                   "with": [str(p.relative_to(REPO)) for p in found]}
    elif scope == "full":
        # dev curves kept by semeval_full_table.py's JSON and by this table's earlier JSON (this one wins)
        kept = {**_kept_curves(RESULTS / "semeval_full_variants.json", "variants", "name"),
                **_kept_curves(out, "rows", "source_name")}
        without = _full_runs("lr2e-4-startend", wanted, kept)
        arms = {name: _full_runs(name, wanted, kept) for name in names}
        sources = {"without": "bench/results/semeval_full_lr2e-4-startend_s<SEED>.test.json",
                   "with": "bench/results/semeval_full_clm-<n>-<m>_s<SEED>.test.json"}
    else:
        raise typer.BadParameter(f"--scope is 10pct or full, not {scope!r}")
    rows: List[Dict[str, Any]] = []
    for name, runs in [("without CLMs", without), *[(n, arms.get(n, {})) for n in names]]:
        mine = {s: r for s, r in runs.items() if s in wanted}
        if not mine:
            continue
        paired = [mine[s]["test"] - without[s]["test"] for s in sorted(mine) if s in without]
        dev_paired = [mine[s]["dev"] - without[s]["dev"] for s in sorted(mine)
                      if s in without and mine[s]["dev"] is not None and without[s]["dev"] is not None]
        source_name = "lr2e-4-startend" if name == "without CLMs" else name
        rows.append({
            "arm": name, "source_name": source_name, "seeds": sorted(mine),
            "test_macro_f": mean_sd([r["test"] for r in mine.values()]),
            "dev": mean_sd([r["dev"] for r in mine.values() if r["dev"] is not None]),
            "gain_test": mean_sd(paired) if name != "without CLMs" else None,
            "gain_dev": mean_sd(dev_paired) if name != "without CLMs" else None,
            "runs": [{"seed": s, **r} for s, r in sorted(mine.items())],
        })
    print(f"| CLMs ({scope}) | seeds | dev (best) | test official macro-F1 | gain on dev (paired) | "
          "gain on test (paired) | per seed (test) |")
    print("|---|---|---|---|---|---|---|")

    def fmt(stat: Optional[Dict[str, Any]], sign: bool = False) -> str:
        if not stat or not stat["n"]:
            return ""
        value = f"{stat['mean']:+.2f}" if sign else f"{stat['mean']:.2f}"
        return f"{value} ± {stat['sd']:.2f}" if stat["n"] > 1 else value

    for row in rows:
        per_seed = " / ".join(f"{r['test']:.2f}" for r in row["runs"])
        print(f"| {row['arm']} | {','.join(map(str, row['seeds']))} | {fmt(row['dev'])} | "
              f"{fmt(row['test_macro_f'])} | {fmt(row['gain_dev'], True)} | {fmt(row['gain_test'], True)} | "
              f"{per_seed} |")
    out.write_text(json.dumps({"scope": scope, "sources": sources, "rows": rows}, indent=2))
    print(f"Wrote {out}")


if __name__ == "__main__":
    app()
