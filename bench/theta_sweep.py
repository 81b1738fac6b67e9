"""Benchmark: the Label Decision threshold θ, swept over stored mining answers.

No LLM calls: `mine` stores every stage answer on the docs of ``mined.spacy``
(``doc.user_data["mbre_mining"]``), so the decision can be re-run for any θ
and scored against the hidden gold of the pool the docs were mined from.

Reported, for both confidences ("raw": the answer's probability over the
model's whole vocabulary, the paper's; "normalised": over the options) and
both rules ("theta": the paper's, θ only filters pairs with several "yes";
"theta_all": θ also filters a single "yes"):

1. micro P/R/F1 of the mined labels for every θ of the grid, on all docs;
2. a dev-calibrated θ: the docs are split (seeded) into dev and test halves,
   θ is chosen on dev (best F1, ties to the smaller θ) and scored on test
   next to the paper's θ = 0.01;
3. per-label θ (rule "theta_all"): starting from the dev-chosen global θ,
   one pass of coordinate ascent over labels on dev, scored on test.

    python bench/mine_strategies.py --schema semeval --n-pairs 50 --strategies binary
    python bench/theta_sweep.py bench/work/semeval-k5-s0/binary-n50 bench/work/semeval-k5-s0/pool.spacy

With few pairs the dev/test halves are tiny: read the calibrated figures as
an illustration of the procedure, not as a tuned θ.
"""
import json
import random
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import spacy
import typer
from spacy.tokens import Doc

from spacy_mbre.data.readers.corpus import read_docs
from spacy_mbre.data.relations import get_relations, relation_to_record
from spacy_mbre.data.schema import Schema, load_schema
from spacy_mbre.mining.decider import LabelDecider
from spacy_mbre.mining.decision import CONFIDENCES
from spacy_mbre.mining.miner import Prepared, score_mined
from spacy_mbre.mining.report import read_report
from spacy_mbre.mining.sweep import SWEEP_RULES, THETAS, theta_sweep

REPO = Path(__file__).resolve().parents[1]

Scored = Tuple[Optional[float], Optional[float], Optional[float], int]


def decide_all(docs: Sequence[Doc], schema: Schema, confidence: str, rule: str, theta: float,
               per_label: Optional[Dict[str, float]] = None) -> List[List[Dict[str, Any]]]:
    """Mined relation records per doc for one θ (or per-label θs)."""
    decider = LabelDecider("sweep", schema, theta=0.0 if per_label else theta,
                           min_confidence=0.0 if per_label or rule == "theta" else theta, confidence=confidence)
    out = []
    for doc in docs:
        rels = decider.decide(doc)
        if per_label is not None:
            rels = [r for r in rels if r.score is None or r.score >= per_label.get(r.label, theta)]
        out.append([relation_to_record(r) for r in rels])
    return out


def score(docs: Sequence[Doc], gold: Sequence[List[Dict[str, Any]]], mined: Sequence[List[Dict[str, Any]]],
          schema: Schema) -> Scored:
    items = [(Prepared(i, doc, g), m) for i, (doc, g, m) in enumerate(zip(docs, gold, mined))]
    scores = score_mined(items, schema)
    micro = scores["micro"] if scores else {"p": None, "r": None, "f1": None}
    return micro["p"], micro["r"], micro["f1"], sum(map(len, mined))


def best_theta(docs, gold, schema, confidence, rule, thetas) -> Tuple[float, float]:
    results = [(score(docs, gold, decide_all(docs, schema, confidence, rule, t), schema)[2] or 0.0, t) for t in thetas]
    f1, theta = max(results, key=lambda x: (x[0], -x[1]))
    return theta, f1


def per_label_thetas(docs, gold, schema, confidence, start: float, thetas) -> Dict[str, float]:
    labels = sorted(
        {r.label for doc in docs for r in LabelDecider("x", schema, 0.0, confidence=confidence).decide(doc)}
    )
    chosen: Dict[str, float] = {}
    for label in labels:
        def f1_with(t: float) -> float:
            trial = {**chosen, label: t}
            mined = decide_all(docs, schema, confidence, "theta_all", start, per_label=trial)
            return score(docs, gold, mined, schema)[2] or 0.0
        chosen[label] = max(thetas, key=lambda t: (f1_with(t), -abs(t - start)))
    return chosen


def main(
    mined_dir: Path = typer.Argument(..., help="A `mine` output directory (its mined.spacy and report.json are read)"),
    pool: Path = typer.Argument(..., help="The gold docs `mine` read, in the same order"),
    schema_name: str = typer.Option("semeval", "--schema", help="The schema the run mined with (file or shipped name)"),
    dev_fraction: float = typer.Option(0.5, help="Share of the docs used to choose θ"),
    seed: int = typer.Option(0, help="Seed of the dev/test split"),
    out: Optional[Path] = typer.Option(None, help="JSON output (default bench/results/theta_sweep_<dir name>.json)"),
) -> None:
    """Sweep θ over stored mining answers; choose θ on a dev split."""
    report = read_report(mined_dir)
    schema = load_schema(schema_name)
    if schema.name != report["settings"]["schema"]:
        raise typer.BadParameter(
            f"{mined_dir} was mined with schema {report['settings']['schema']!r}, not {schema.name!r}"
        )
    nlp = spacy.blank("en")
    mined_docs = list(read_docs(mined_dir / "mined.spacy", nlp))
    gold_docs = list(read_docs(pool, nlp))[: len(mined_docs)]
    gold = [[relation_to_record(r) for r in get_relations(d, source="gold")] for d in gold_docs]
    has_mass = any("mass" in e for d in mined_docs for rec in d.user_data.get("mbre_mining", {}).get("pairs", [])
                   for e in [*rec.get("bin", []), *rec.get("mc", [])])
    order = list(range(len(mined_docs)))
    random.Random(seed).shuffle(order)
    n_dev = int(round(len(order) * dev_fraction))
    dev_idx, test_idx = sorted(order[:n_dev]), sorted(order[n_dev:])
    dev = ([mined_docs[i] for i in dev_idx], [gold[i] for i in dev_idx])
    test = ([mined_docs[i] for i in test_idx], [gold[i] for i in test_idx])

    sweeps: Dict[str, Any] = {}
    calibrated: List[Dict[str, Any]] = []
    for confidence in CONFIDENCES:
        sweeps[confidence] = theta_sweep(mined_docs, gold_docs, schema, thetas=THETAS, confidence=confidence,
                                         no_prob_policy=report["settings"]["strategy"]["no_prob_policy"])
        for rule in SWEEP_RULES:
            theta, dev_f1 = best_theta(*dev, schema, confidence, rule, THETAS)
            row = {"confidence": confidence, "rule": rule, "theta_dev": theta, "dev_f1": dev_f1}
            for name, t in (("paper", 0.01), ("calibrated", theta)):
                p, r, f1, n = score(*test, decide_all(test[0], schema, confidence, rule, t), schema)
                row.update({f"test_{name}_p": p, f"test_{name}_r": r, f"test_{name}_f1": f1})
            if rule == "theta_all":
                chosen = per_label_thetas(*dev, schema, confidence, theta, THETAS)
                p, r, f1, n = score(*test, decide_all(test[0], schema, confidence, rule, theta, per_label=chosen),
                                    schema)
                row.update({"per_label_thetas": chosen, "test_per_label_p": p, "test_per_label_r": r,
                            "test_per_label_f1": f1})
            calibrated.append(row)

    def fmt(v: Any) -> str:
        return f"{v:.3f}" if isinstance(v, float) else ("–" if v is None else str(v))

    print(f"\nθ sweep over {len(mined_docs)} docs of {mined_dir} "
          f"(strategy {report['settings']['strategy']['strategy']}; option mass stored: {has_mass})")
    for confidence in CONFIDENCES:
        print(f"\nconfidence = {confidence}")
        print("| θ | " + " | ".join(f"{rule} P / R / F1 (mined)" for rule in SWEEP_RULES) + " |")
        print("|---|" + "---|" * len(SWEEP_RULES))
        for i, theta in enumerate(THETAS):
            cells = []
            for rule in SWEEP_RULES:
                row = sweeps[confidence][rule][i]
                cells.append(f"{fmt(row['p'])} / {fmt(row['r'])} / {fmt(row['f1'])} ({row['mined']})")
            print(f"| {theta} | " + " | ".join(cells) + " |")
    print(f"\nθ chosen on dev ({len(dev_idx)} docs), scored on test ({len(test_idx)} docs): F1")
    print("| confidence | rule | θ (dev) | dev F1 | test F1, θ = 0.01 | test F1, dev θ | test F1, per-label θ |")
    print("|---|---|---|---|---|---|---|")
    for row in calibrated:
        print(f"| {row['confidence']} | {row['rule']} | {row['theta_dev']} | {fmt(row['dev_f1'])} | "
              f"{fmt(row['test_paper_f1'])} | {fmt(row['test_calibrated_f1'])} | {fmt(row.get('test_per_label_f1'))} |")
    out = out or REPO / "bench" / "results" / f"theta_sweep_{mined_dir.name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    meta = {"date": time.strftime("%Y-%m-%d %H:%M:%S"), "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
            "mined_dir": str(mined_dir), "pool": str(pool), "docs": len(mined_docs), "dev_docs": len(dev_idx),
            "test_docs": len(test_idx), "seed": seed, "option_mass_stored": has_mass,
            "strategy": report["settings"]["strategy"]}
    out.write_text(json.dumps({"meta": meta, "sweeps": sweeps, "calibrated": calibrated}, indent=2))
    print(f"Wrote {out}")


if __name__ == "__main__":
    typer.run(main)
