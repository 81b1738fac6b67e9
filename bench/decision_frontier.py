"""Diagnostic: how far can the Label Decision go on one mining run? (issue 16)

Reads a ``mine`` output directory (its ``mined.spacy`` keeps every stage
answer) and the pool's hidden gold, and sweeps the combined rule's
``alpha`` and ``theta`` (:mod:`spacy_mbre.mining.decision`) over the pool
itself. For each (max_labels, alpha) it reports the best precision among
the thetas whose recall reaches ``--min-recall``, and the best F1.

This is an **oracle**: it chooses on the data it scores, so it is an upper
bound of what any calibration of this rule could give on this run, never a
result to quote as the method's. ``mine`` uses the calibrated choice of
``calibrate`` (fitted on the few-shot gold); this script only says whether
a target was reachable at all with a given proposer and judge.

    python bench/decision_frontier.py --pool bench/work/ds/pool.spacy --run bench/work/ds/mine/clf-1pct
"""
import json
from pathlib import Path
from typing import Any, Dict, List

import typer
from benchlib import REPO, print_table, run_meta


def main(
    pool: Path = typer.Option(..., help="The pool file the run mined (gold on its docs)"),
    run: Path = typer.Option(..., help="The mine output directory (with mined.spacy)"),
    min_recall: float = typer.Option(0.35, help="Recall the best-precision row must reach"),
    schema: str = typer.Option("semeval", help="The schema"),
    out: Path = typer.Option(None, help="JSON output (default bench/results/decision_frontier_<run>.json)"),
) -> None:
    """Sweep alpha × theta of the combined rule on one mining run, against the pool's gold."""
    import spacy

    from spacy_mbre.data.readers.corpus import read_docs
    from spacy_mbre.data.schema import load_schema
    from spacy_mbre.mining.calibration import ALPHAS, evaluate
    from spacy_mbre.mining.crossfit import calibration_items

    nlp = spacy.blank("en")
    gold_docs = list(read_docs(pool, nlp))
    items = calibration_items(gold_docs, list(read_docs(run / "mined.spacy", nlp)), load_schema(schema))
    thetas = [round(0.02 * i, 2) for i in range(50)]
    rows: List[Dict[str, Any]] = []
    for max_labels in (1, 2):
        for alpha in ALPHAS:
            sweep = [(theta, evaluate(items, alpha, theta, max_labels)) for theta in thetas]
            reaching = [s for s in sweep if s[1]["r"] >= min_recall]
            best_p = max(reaching, key=lambda s: (s[1]["p"], s[0])) if reaching else None
            best_f = max(sweep, key=lambda s: (s[1]["f1"], s[0]))
            rows.append({
                "max_labels": max_labels, "alpha": alpha,
                "theta@R": best_p[0] if best_p else None,
                "P@R": round(best_p[1]["p"], 3) if best_p else None,
                "R@R": round(best_p[1]["r"], 3) if best_p else None,
                "theta@F1": best_f[0], "P@F1": round(best_f[1]["p"], 3), "R@F1": round(best_f[1]["r"], 3),
                "F1": round(best_f[1]["f1"], 3),
            })
    print(f"{len(items)} pairs; oracle sweep on the pool's gold (an upper bound, not a result)")
    print_table(rows, list(rows[0]))
    out = out or REPO / "bench" / "results" / f"decision_frontier_{run.name}.json"
    meta = run_meta(pool=str(pool), run=str(run), min_recall=min_recall, schema=schema, n_pairs=len(items))
    out.write_text(json.dumps({"meta": meta, "rows": rows}, indent=1) + "\n", encoding="utf8")
    print(f"→ {out}")


if __name__ == "__main__":
    typer.run(main)
