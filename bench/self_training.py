"""Benchmark: learning from mined and synthetic data (issue 7).

For each seed, on the same gold set and the same seeded sample of SemEval
test sentences (``python -m spacy_mbre evaluate``):

* ``gold``: ``spacy train`` on the gold set only;
* ``gold+<mined>``: gold + the mined file with its hard (mined) labels;
* ``two-stage <pool>``: ``python -m spacy_mbre self-train --mode two-stage``
  on the mined pool and on the synthetic pool (S2ynRE: teachers' averaged
  soft labels, KL on the pool, cross-entropy fine-tuning on gold, T iterations);
* ``mixed <mined>``: ``self-train --mode mixed`` (hard pseudo-labels on the
  mined pool merged into gold);
* ``gold, 2 x steps``: a compute control — gold only, trained twice as long
  (a two-stage student trains on the pool, then as long as ``gold`` on gold).

The k teachers of seed s are the gold models of seeds s, s+100, s+200, ...
(the first is the ``gold`` baseline itself); every run uses the same
schedule (steps, batch size, warm-up, learning rate). Pool docs that are also
in the gold set (same ``mbre_id``) are dropped first. Prints mean ± sample sd
of the SemEval official macro-F1 and the micro-F1, writes every run to JSON;
a rerun skips runs whose metrics exist.

    # 1 % (the 91 few-shot sentences of bench/mine_strategies.py; reuses bench/downstream.py's runs)
    python bench/self_training.py --work bench/work/downstream \\
        --synthetic bench/work/synth/schema-n10/synthetic.spacy
    # 10 %
    python -m spacy_mbre fewshot bench/work/semeval-k5-s0/all.spacy bench/work/semeval-10pct/gold.spacy \\
        bench/work/semeval-10pct/rest.spacy --k 45 --seed 0 --pool-size 1
    python bench/self_training.py --gold bench/work/semeval-10pct/gold.spacy --steps 100 --warmup 10 \\
        --work bench/work/selftrain-10pct --synthetic bench/work/synth/schema-n10/synthetic.spacy \\
        --out bench/results/self_training_semeval_10pct.json
"""
import json
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

import typer
from benchlib import REPO, evaluate_semeval, mean_sd, run, run_cli, run_meta, schedule_args, semeval_test

WORK = REPO / "bench" / "work"


def read_ids(path: Path) -> List[str]:
    """path (Path): A .spacy file. RETURNS (List[str]): Its docs' mbre_id values."""
    import spacy

    from spacy_mbre.data.readers.corpus import read_docs

    return [str(doc.user_data.get("mbre_id")) for doc in read_docs(path, spacy.blank("en"))]


def without_gold(pool: Path, gold: Path, work: Path, name: str) -> Path:
    """Drop pool docs that are also gold docs (same mbre_id).

    RETURNS (Path): ``pool`` itself, or a filtered copy in ``work``.
    """
    import spacy

    from spacy_mbre.data.readers.corpus import read_docs, write_docs

    gold_ids = set(read_ids(gold))
    docs = list(read_docs(pool, spacy.blank("en")))
    kept = [d for d in docs if d.user_data.get("mbre_id") is None or str(d.user_data["mbre_id"]) not in gold_ids]
    if len(kept) == len(docs):
        return pool
    print(f"{name}: dropped {len(docs) - len(kept)} of {len(docs)} pool docs that are gold docs too")
    out = work / f"pool-{name}-without-gold.spacy"
    write_docs(kept, out)
    return out


def main(
    gold: Path = typer.Option(WORK / "semeval-k5-s0" / "fewshot.spacy", help="Gold training docs"),
    mined: str = typer.Option(
        f"mbre={WORK / 'semeval-k5-s0' / 'mbre-n50' / 'mined.spacy'}",
        help="name=path of the mined pool (mined.spacy)",
    ),
    synthetic: Optional[Path] = typer.Option(
        None,
        help="The synthetic pool (synthetic.spacy); without it the synthetic setting is left out",
    ),
    data: Path = typer.Option(REPO.parent / "shared" / "data", help="The shared data directory"),
    config: Path = typer.Option(REPO / "configs" / "semeval.cfg", help="Training config"),
    seeds: str = typer.Option("1,2,3", help="Comma-separated seeds"),
    teachers: int = typer.Option(2, help="Teachers k per self-training run"),
    iterations: int = typer.Option(2, help="Self-training iterations T"),
    steps: int = typer.Option(40, help="Training steps (batches) of every gold / mixed / fine-tuning run"),
    pool_steps: Optional[int] = typer.Option(
        None,
        help="Steps of the two-stage student on the pool (default: --steps)",
    ),
    batch_size: int = typer.Option(16, help="Sentences per batch"),
    warmup: int = typer.Option(4, help="Warm-up steps of the learning rate"),
    learn_rate: float = typer.Option(2e-4, help="Peak learning rate"),
    n_test: int = typer.Option(600, help="Test sentences scored (a seeded sample; 0 = all 2,717)"),
    test_seed: int = typer.Option(0, help="Seed of the test sample"),
    control: bool = typer.Option(
        True,
        help=(
            "Also train gold-only for 2 x --steps: two-stage training sees gold for --steps after its pool stage, so "
            "this separates the pool's effect from the longer training"
        ),
    ),
    work: Path = typer.Option(WORK / "selftrain", help="Where models and metrics go"),
    out: Path = typer.Option(REPO / "bench" / "results" / "self_training_semeval_1pct.json", help="JSON output"),
) -> None:
    """Compare gold-only, gold + mined, two-stage self-training (mined and
    synthetic pools) and mixed self-training over seeds."""
    mined_name, sep, mined_path = mined.partition("=")
    if not sep or not Path(mined_path).exists():
        raise typer.BadParameter(f"--mined takes name=path of an existing file, got {mined!r}")
    for path in (gold, *([synthetic] if synthetic else [])):
        if not path.exists():
            raise typer.BadParameter(f"No file at {path}")
    work.mkdir(parents=True, exist_ok=True)
    test = semeval_test(work, data)
    schedule = schedule_args(steps, batch_size, warmup, learn_rate)
    pools = {mined_name: without_gold(Path(mined_path), gold, work, mined_name)}
    if synthetic:
        pools["synthetic"] = synthetic

    def train_gold(seed: int, extra: Optional[Path] = None, n_steps: int = steps) -> Path:
        tag = f"gold{'+' + mined_name if extra else ''}-s{seed}-steps{n_steps}"
        model = work / tag / "model-last"
        if not model.exists():
            seconds = run([sys.executable, "-m", "spacy", "train", str(config), "--output", str(work / tag),
                           "--paths.train", str(gold), "--paths.dev", str(gold),
                           "--paths.extra", json.dumps([str(extra)] if extra else []),
                           "--system.seed", str(seed), *schedule_args(n_steps, batch_size, warmup, learn_rate)])
            (work / f"{tag}.train_seconds").write_text(f"{seconds:.1f}\n")
        return model

    def self_train(seed: int, mode: str, pool_name: str) -> Path:
        tag = f"st-{mode}-{pool_name}-s{seed}-k{teachers}-T{iterations}-steps{steps}"
        cmd = ["self-train", str(config), str(gold), str(pools[pool_name]), str(work / tag), "--mode", mode,
               "-T", str(iterations), "--seed", str(seed), *schedule]
        for j in range(teachers):
            cmd += ["--teacher-model", str(train_gold(seed + 100 * j))]
        if pool_steps is not None:
            cmd += ["--pool-steps", str(pool_steps)]
        if not (work / tag / "model-last").exists():
            seconds = run_cli(cmd)
            (work / f"{tag}.train_seconds").write_text(f"{seconds:.1f}\n")
        return work / tag / "model-last"

    settings = {
        "gold": lambda seed: train_gold(seed),
        f"gold+{mined_name} (hard labels)": lambda seed: train_gold(seed, pools[mined_name]),
        f"two-stage, {mined_name} pool": lambda seed: self_train(seed, "two-stage", mined_name),
    }
    if synthetic:
        settings["two-stage, synthetic pool"] = lambda seed: self_train(seed, "two-stage", "synthetic")
    settings[f"mixed, {mined_name} pool"] = lambda seed: self_train(seed, "mixed", mined_name)
    if control:
        settings[f"gold, {2 * steps} steps (compute control)"] = lambda seed: train_gold(seed, n_steps=2 * steps)
    runs: List[Dict[str, Any]] = []
    for seed in [int(s) for s in seeds.split(",")]:
        for name, make in settings.items():
            model = make(seed)
            tag = model.parent.name
            headline = evaluate_semeval(model, test, work / f"{tag}.test.json", n_test, test_seed, tag)
            seconds_file = work / f"{tag}.train_seconds"
            runs.append({"setting": name, "seed": seed, "model": str(model),
                         "train_seconds": float(seconds_file.read_text()) if seconds_file.exists() else None,
                         **{k: headline[k] for k in ("semeval_macro_f", "micro_f", "micro_p", "micro_r")}})
    rows = []
    for name in settings:
        mine = [r for r in runs if r["setting"] == name]
        rows.append({"setting": name,
                     "semeval_macro_f": mean_sd([100 * r["semeval_macro_f"] for r in mine]),
                     "micro_f": mean_sd([100 * r["micro_f"] for r in mine]),
                     "train_seconds": mean_sd([r["train_seconds"] for r in mine if r["train_seconds"] is not None])})
    print("| setting | seeds | SemEval macro-F1 (mean ± sd) | micro-F1 (mean ± sd) | train s (mean) |")
    print("|---|---|---|---|---|")
    for row in rows:
        m, u, t = row["semeval_macro_f"], row["micro_f"], row["train_seconds"]
        secs = "-" if t["mean"] is None else f"{t['mean']:.0f}"
        print(
            f"| {row['setting']} | {m['n']} | {m['mean']:.2f} ± {m['sd']:.2f} | {u['mean']:.2f} ± {u['sd']:.2f} "
            f"| {secs} |"
        )
    meta = run_meta(gold=str(gold), gold_docs=len(read_ids(gold)), pools={k: str(v) for k, v in pools.items()},
                    pool_docs={k: len(read_ids(v)) for k, v in pools.items()}, test=str(test), n_test=n_test,
                    test_seed=test_seed, config=str(config), seeds=seeds, teachers=teachers, iterations=iterations,
                    steps=steps, pool_steps=pool_steps or steps, batch_size=batch_size, warmup=warmup,
                    learn_rate=learn_rate)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"meta": meta, "rows": rows, "runs": runs}, indent=2))
    print(f"Wrote {out}")


if __name__ == "__main__":
    typer.run(main)
