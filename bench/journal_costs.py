"""Per-batch LLM cost of mining runs, read from their journals (no LLM calls).

``mine`` journals every finished doc with its share of the stage statistics
(calls, evaluated tokens, seconds). Summing them per batch of docs shows
whether a run's speed changed part-way — e.g. because another job started on
the same cores — and lets runs be compared on the docs where all of them ran
under the same conditions:

    python bench/journal_costs.py bench/work/semeval-k5-s0/{binary,multiclass,mbre}-n50 --batch 32

Prints, per run and batch: docs, LLM calls, evaluated tokens, LLM seconds,
seconds per call and evaluated tokens per second; then the ratio of each
run's seconds and evaluated tokens to the first run's, per batch.
"""
import json
from pathlib import Path
from typing import Dict, List

import typer


def batch_costs(mined_dir: Path, batch: int) -> List[Dict[str, float]]:
    """mined_dir (Path): A `mine` output directory with journal.jsonl.
    batch (int): Docs per batch (the `mine --batch-pairs` of a one-pair-per-doc run).
    RETURNS (List[Dict[str, float]]): Summed statistics per batch of docs, in doc order.
    """
    journal = mined_dir / "journal.jsonl"
    if not journal.exists():
        raise typer.BadParameter(f"No journal.jsonl in {mined_dir}")
    out: Dict[int, Dict[str, float]] = {}
    for line_no, line in enumerate(journal.read_text(encoding="utf8").splitlines()[1:], start=2):
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise typer.BadParameter(f"{journal}:{line_no}: not JSON ({err})") from None
        row = out.setdefault(record["i"] // batch, {"docs": 0, "calls": 0, "tokens": 0, "seconds": 0.0})
        row["docs"] += 1
        for stats in record.get("stats", {}).values():
            row["calls"] += stats.get("llm_calls", 0)
            row["tokens"] += stats.get("evaluated_tokens", 0)
            row["seconds"] += stats.get("seconds", 0.0)
    return [out[k] for k in sorted(out)]


def main(
    mined_dirs: List[Path] = typer.Argument(..., help="`mine` output directories; the first is the reference"),
    batch: int = typer.Option(32, help="Docs per batch"),
) -> None:
    """Print per-batch LLM cost of mining runs and their ratios to the first run."""
    costs = {d: batch_costs(d, batch) for d in mined_dirs}
    print("| run | batch | docs | LLM calls | evaluated tokens | LLM s | s/call | tokens/s |")
    print("|---|---|---|---|---|---|---|---|")
    for d, rows in costs.items():
        for i, r in enumerate(rows):
            per_call = r["seconds"] / r["calls"] if r["calls"] else 0.0
            rate = r["tokens"] / r["seconds"] if r["seconds"] else 0.0
            print(f"| {d.name} | {i} | {r['docs']} | {r['calls']:.0f} | {r['tokens']:.0f} | {r['seconds']:.1f} "
                  f"| {per_call:.2f} | {rate:.1f} |")
    ref = costs[mined_dirs[0]]
    print(f"\n| run | batch | LLM s vs {mined_dirs[0].name} | evaluated tokens vs {mined_dirs[0].name} |")
    print("|---|---|---|---|")
    for d, rows in costs.items():
        for i, r in enumerate(rows):
            if i < len(ref) and ref[i]["seconds"] and ref[i]["tokens"]:
                print(
                    f"| {d.name} | {i} | {r['seconds'] / ref[i]['seconds']:.3f} "
                    f"| {r['tokens'] / ref[i]['tokens']:.3f} |"
                )


if __name__ == "__main__":
    typer.run(main)
