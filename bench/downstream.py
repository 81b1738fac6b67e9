"""Benchmark: does mined data help a few-shot classifier? (issue 6, downstream gain)

Trains ``mbre_relations`` (configs/semeval.cfg, MiniLM) on the few-shot gold
alone and on gold + each mined file, for several seeds, with the real
``python -m spacy train`` and scores every model with ``python -m spacy_mbre
evaluate`` on the same seeded sample of SemEval test sentences. Prints mean ±
sample sd of the official SemEval macro-F1 and the micro-F1 (18 directional
labels) per setting, and writes every run to JSON.

The few-shot set and the mined files come from ``bench/mine_strategies.py``
(the same few-shot sentences were the miner's in-context examples, and the
mined pool is disjoint from them and from the test set):

    python bench/mine_strategies.py --schema semeval --n-pairs 50
    python bench/downstream.py \\
        --mined mbre=bench/work/semeval-k5-s0/mbre-n50/mined.spacy \\
        --mined binary=bench/work/semeval-k5-s0/binary-n50/mined.spacy

Every run writes its metrics JSON under ``--work``; a rerun skips runs whose
metrics exist, so an interrupted benchmark continues where it stopped.
"""
import json
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

import typer

from benchlib import REPO, evaluate_semeval, mean_sd, run, run_meta, schedule_args, semeval_test

WORK = REPO / "bench" / "work"


def main(
    fewshot: Path = typer.Option(WORK / "semeval-k5-s0" / "fewshot.spacy", help="Few-shot gold training docs"),
    mined: List[str] = typer.Option([], "--mined", help="name=path of a mined.spacy to add to the gold; repeatable"),
    test: Optional[Path] = typer.Option(None, help="Converted SemEval test docs (default: convert the shared TEST_FILE_FULL.TXT)"),
    data: Path = typer.Option(REPO.parent / "shared" / "data", help="The shared data directory"),
    config: Path = typer.Option(REPO / "configs" / "semeval.cfg", help="Training config"),
    seeds: str = typer.Option("1,2,3", help="Comma-separated training seeds"),
    steps: int = typer.Option(40, help="Training steps (batches)"),
    batch_size: int = typer.Option(16, help="Sentences per batch"),
    warmup: int = typer.Option(4, help="Warm-up steps of the learning rate"),
    learn_rate: float = typer.Option(2e-4, help="Peak learning rate"),
    n_test: int = typer.Option(600, help="Test sentences scored (a seeded sample; 0 = all 2,717)"),
    test_seed: int = typer.Option(0, help="Seed of the test sample"),
    work: Path = typer.Option(WORK / "downstream", help="Where models and metrics go"),
    out: Path = typer.Option(REPO / "bench" / "results" / "downstream_semeval.json", help="JSON output"),
) -> None:
    """Train gold-only and gold + mined classifiers over seeds and compare their test F1."""
    settings: Dict[str, Optional[Path]] = {"gold": None}
    for item in mined:
        name, sep, path = item.partition("=")
        if not sep or not Path(path).exists():
            raise typer.BadParameter(f"--mined takes name=path of an existing file, got {item!r}")
        settings[f"gold+{name}"] = Path(path)
    if not fewshot.exists():
        raise typer.BadParameter(f"No few-shot file at {fewshot}: run bench/mine_strategies.py first")
    work.mkdir(parents=True, exist_ok=True)
    if test is None:
        test = semeval_test(work, data)
    runs: List[Dict[str, Any]] = []
    for name, extra in settings.items():
        for seed in [int(s) for s in seeds.split(",")]:
            tag = f"{name}-s{seed}-steps{steps}"
            model_dir, metrics = work / tag, work / f"{tag}.test.json"
            train_seconds = None
            if not metrics.exists():
                cmd = [sys.executable, "-m", "spacy", "train", str(config), "--output", str(model_dir),
                       "--paths.train", str(fewshot), "--paths.dev", str(fewshot),
                       "--paths.extra", json.dumps([str(extra)] if extra else []),
                       "--system.seed", str(seed), *schedule_args(steps, batch_size, warmup, learn_rate)]
                train_seconds = run(cmd)
                (work / f"{tag}.train_seconds").write_text(f"{train_seconds:.1f}\n")
            elif (work / f"{tag}.train_seconds").exists():
                train_seconds = float((work / f"{tag}.train_seconds").read_text())
            headline = evaluate_semeval(model_dir / "model-last", test, metrics, n_test, test_seed, tag)
            runs.append({"setting": name, "seed": seed, "extra": str(extra) if extra else None,
                         "semeval_macro_f": headline["semeval_macro_f"], "micro_f": headline["micro_f"],
                         "micro_p": headline["micro_p"], "micro_r": headline["micro_r"],
                         "train_seconds": train_seconds, "metrics": str(metrics)})
    rows = []
    for name in settings:
        mine = [r for r in runs if r["setting"] == name]
        rows.append({"setting": name,
                     "semeval_macro_f": mean_sd([100 * r["semeval_macro_f"] for r in mine]),
                     "micro_f": mean_sd([100 * r["micro_f"] for r in mine])})
    print("| setting | seeds | SemEval macro-F1 (mean ± sd) | micro-F1 (mean ± sd) |")
    print("|---|---|---|---|")
    for row in rows:
        m, u = row["semeval_macro_f"], row["micro_f"]
        print(f"| {row['setting']} | {m['n']} | {m['mean']:.2f} ± {m['sd']:.2f} | {u['mean']:.2f} ± {u['sd']:.2f} |")
    meta = run_meta(fewshot=str(fewshot), test=str(test), n_test=n_test, test_seed=test_seed, config=str(config),
                    steps=steps, batch_size=batch_size, warmup=warmup, learn_rate=learn_rate, seeds=seeds)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"meta": meta, "rows": rows, "runs": runs}, indent=2))
    print(f"Wrote {out}")


if __name__ == "__main__":
    typer.run(main)
