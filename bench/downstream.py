"""Benchmark: does mined data make a few-shot classifier better? (issue 16)

The protocol, fixed before any arm is run:

* **Splits** (``splits``): the 8,000 SemEval-2010 training sentences are
  shuffled with seed 0; the first 500 are the **dev** split (model selection
  for every arm, never trained on), the next 500 the **pool** (mined once;
  gold hidden from the LLM, used only to score mined labels), and the few-shot
  gold sets are sampled from the remaining 7,000 with ``fewshot`` (seeded,
  k per directional option incl. Other): k = 5 → ``gold-1pct`` (≈ 1 %), k = 45
  → ``gold-10pct`` (≈ 10 %). Test = the 2,717 official test sentences, scored
  with the official macro-F1 and never used for a choice.
* **Training** (``train``): ``spacy train configs/semeval.cfg`` with an
  evaluation on the dev split every ``--eval-every`` steps, early stopping
  after ``--patience`` steps without a better dev score, at most
  ``--max-steps``; ``model-best`` (the dev-selected model) is scored on test.
  A fixed-budget row (``--fixed-steps``, ``model-last``) is trained too.
  Seeds 1, 2, 3.
* **Arms**: ``NAME=extra.spacy[,extra2.spacy]``: gold + the extra files
  (e.g. the ``train.spacy`` training view that ``mine`` writes); ``gold``
  (no extra) is there unless ``--no-gold-arm``. ``--encoder-arm NAME=ENCODER_DIR[,extra.spacy]``
  trains gold (+ extras) on another encoder, e.g. one written by
  ``python -m spacy_mbre pretrain`` (``--components.mbre_relations.model.name``).
  ``--self-train-arm NAME=POOL[,POOL2]`` runs S2ynRE two-stage self-training on the
  unlabelled pool(s) (``python -m spacy_mbre self-train --checkpoint best``:
  the dev-selected models of ``--teacher-seeds`` of the arm ``--st-teacher-arm``
  (default the gold arm) label the pool with soft labels, a student trains on
  it, then on gold (+ the ``--st-gold-extra`` files, e.g. the verified labels'
  training views), each stage converged and dev-selected; ``--st-iterations`` T).
  With a mined arm's models as teachers and its training views in the gold
  stage this is the combination of self-training and verified labels.
  A compute-matched control trains gold only for as many steps as the named
  arm ran (``--control ARM``).

Every run writes its metrics under ``--work``; a rerun skips finished runs, so
the benchmark can be interrupted and resumed. Commands (see BENCHMARKS.md):

    python bench/downstream.py splits
    python bench/downstream.py extend-pool --n-extra 500 --name pool-b   # a second pool, disjoint from all
    python bench/downstream.py train --gold gold-1pct
    python bench/downstream.py train --gold gold-1pct --arm clf=bench/work/ds/mine/clf-1pct/train.spacy
    python bench/downstream.py train --gold gold-1pct --encoder-arm pt=bench/work/ds/pretrain/gold-1pct/encoder
    python bench/downstream.py train --gold gold-10pct --no-gold-arm --self-train-arm st=bench/work/ds/pool.spacy
    bash bench/run_10pct_combo.sh   # --st-teacher-arm, --st-gold-extra and two pools: self-training + verified
"""
import json
import random
import re
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import typer
from benchlib import REPO, mean_sd, run_cli, run_meta

WORK = REPO / "bench" / "work" / "ds"
DATA = REPO.parent / "shared" / "data" / "semeval2010_task8"
app = typer.Typer(add_completion=False, no_args_is_help=True)


def _layout(docs: List[Any], seed: int, n_dev: int, n_pool: int, ks: str) -> Tuple[List[int], Dict[str, Any]]:
    """The seeded order of the training docs (dev first, then the pool) and each few-shot gold set.

    RETURNS (Tuple[List[int], Dict[str, Any]]): the shuffled doc indices, and per
        gold set name its k, its doc indices and its per-class counts, drawn with
        ``fewshot``'s sampler from the docs after dev and pool.
    """
    from spacy_mbre.data.schema import load_schema
    from spacy_mbre.training.fewshot import split_docs

    order = list(range(len(docs)))
    random.Random(seed).shuffle(order)
    rest_ids = sorted(order[n_dev + n_pool :])
    rest = [docs[i] for i in rest_ids]
    gold: Dict[str, Any] = {}
    for item in ks.split(","):
        k, name = item.split(":")
        split = split_docs(rest, load_schema("semeval"), k=int(k), seed=seed, pool_size=1)
        gold[name] = (int(k), [rest_ids[i] for i in split.fewshot], split.counts)
    return order, gold


@app.command("splits")
def splits(
    work: Path = typer.Option(WORK, help="Work directory"),
    seed: int = typer.Option(0, help="Seed of the shuffle and of the few-shot draws"),
    n_dev: int = typer.Option(500, help="Dev sentences"),
    n_pool: int = typer.Option(500, help="Pool sentences"),
    ks: str = typer.Option("5:gold-1pct,45:gold-10pct", help="k:name of each few-shot gold set"),
) -> None:
    """Convert SemEval and write dev.spacy, pool.spacy, test.spacy and the gold sets."""
    import spacy

    from spacy_mbre.data.readers.corpus import read_docs, write_docs

    work.mkdir(parents=True, exist_ok=True)
    train, test = work / "train-all.spacy", work / "test.spacy"
    if not train.exists():
        run_cli(["convert", "semeval", str(DATA / "TRAIN_FILE.TXT"), str(train), "--schema", "semeval"])
    if not test.exists():
        run_cli(["convert", "semeval", str(DATA / "TEST_FILE_FULL.TXT"), str(test), "--schema", "semeval"])
    docs = list(read_docs(train, spacy.blank("en")))
    order, gold = _layout(docs, seed, n_dev, n_pool, ks)
    dev_ids, pool_ids = order[:n_dev], order[n_dev : n_dev + n_pool]
    write_docs([docs[i] for i in dev_ids], work / "dev.spacy")
    write_docs([docs[i] for i in pool_ids], work / "pool.spacy")
    summary: Dict[str, Any] = {"seed": seed, "dev": len(dev_ids), "pool": len(pool_ids),
                               "rest": len(order) - n_dev - n_pool}
    for name, (k, ids, counts) in gold.items():
        write_docs([docs[i] for i in ids], work / f"{name}.spacy")
        summary[name] = {"k": k, "docs": len(ids), "counts": counts}
    (work / "splits.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps({k: (v if not isinstance(v, dict) else v["docs"]) for k, v in summary.items()}))


@app.command("extend-pool")
def extend_pool(
    work: Path = typer.Option(WORK, help="Work directory (from `splits`)"),
    n_extra: int = typer.Option(500, help="Sentences in the extra pool"),
    name: str = typer.Option("pool-b", help="Name of the extra pool (writes NAME.spacy)"),
    seed: int = typer.Option(0, help="The seed `splits` ran with"),
    n_dev: int = typer.Option(500, help="The dev size `splits` ran with"),
    n_pool: int = typer.Option(500, help="The pool size `splits` ran with"),
    ks: str = typer.Option("5:gold-1pct,45:gold-10pct", help="The gold sets `splits` wrote"),
) -> None:
    """Write a second pool: the next sentences of the shuffle that no gold set, dev or pool holds.

    `splits` is left as it was (dev, pool and gold sets keep their sentences), so
    every arm trained so far stays comparable; the extra pool is mined like the
    first and its training view added as one more extra file.
    """
    import spacy

    from spacy_mbre.data.readers.corpus import read_docs, write_docs

    train = work / "train-all.spacy"
    if not train.exists():
        raise typer.BadParameter(f"{train} is missing: run `python bench/downstream.py splits` first")
    docs = list(read_docs(train, spacy.blank("en")))
    order, gold = _layout(docs, seed, n_dev, n_pool, ks)
    taken = {i for _, ids, _ in gold.values() for i in ids}
    extra = [i for i in order[n_dev + n_pool :] if i not in taken][:n_extra]
    if len(extra) < n_extra:
        raise typer.BadParameter(f"Only {len(extra)} sentences are left outside dev, pool and the gold sets.")
    write_docs([docs[i] for i in extra], work / f"{name}.spacy")
    summary = {"name": name, "docs": len(extra), "excluded_gold": len(taken), "first_ids": extra[:5]}
    (work / f"{name}.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary))


def _train(config: Path, out_dir: Path, gold: Path, dev: Path, extra: List[str], seed: int,
           schedule: List[str], encoder: Optional[str] = None,
           overrides: Optional[Dict[str, str]] = None) -> Optional[float]:
    """Run ``spacy train`` unless ``out_dir`` holds a finished run; returns its seconds (None if skipped).
    ``overrides`` are spaCy config overrides (dotted key → value) applied after the schedule."""
    cmd = [sys.executable, "-m", "spacy", "train", str(config), "--output", str(out_dir),
           "--paths.train", str(gold), "--paths.dev", str(dev), "--paths.extra", json.dumps(extra),
           "--system.seed", str(seed), *schedule]
    if encoder is not None:
        cmd += ["--components.mbre_relations.model.name", encoder]
    for key, value in (overrides or {}).items():
        cmd += [f"--{key}", value]
    return _run_logged(cmd, out_dir)


def _self_train(config: Path, out_dir: Path, gold: Path, dev: Path, pool: Path, teachers: List[Path], seed: int,
                iterations: int, schedule: List[str]) -> Optional[float]:
    """Run S2ynRE two-stage ``self-train`` (every step dev-selected: ``--checkpoint best``) unless ``out_dir``
    holds a finished run; its final student is ``out_dir/model-last``. Returns its seconds."""
    cmd = [sys.executable, "-m", "spacy_mbre", "self-train", str(config), str(gold), str(pool), str(out_dir),
           "--mode", "two-stage", "-T", str(iterations), "--seed", str(seed), "--dev", str(dev),
           "--checkpoint", "best", "--no-progress", *[a for t in teachers for a in ("--teacher-model", str(t))],
           *schedule]
    return _run_logged(cmd, out_dir)


def _merged(directory: Path, gold_files: List[Path], pool_files: List[Path]) -> Tuple[Path, Path]:
    """The self-training inputs as one gold and one pool file: the file itself when there is one, else the
    files' docs in order, written to ``directory`` (user data kept: training views keep their weights).

    RETURNS (Tuple[Path, Path]): The gold and pool paths."""
    import spacy

    from spacy_mbre.data.readers.doc_files import read_docs, write_docs

    merged = []
    for kind, files in (("gold", gold_files), ("pool", pool_files)):
        if len(files) == 1:
            merged.append(files[0])
            continue
        target = directory / f"{kind}.spacy"  # rewritten on every invocation, so it always holds these files
        nlp = spacy.blank("en")
        write_docs([doc for path in files for doc in read_docs(path, nlp)], target)
        merged.append(target)
    return merged[0], merged[1]


def _run_logged(cmd: List[str], out_dir: Path) -> Optional[float]:
    """Run ``cmd`` with its output in ``out_dir``'s log unless ``out_dir`` holds a finished run; returns the seconds."""
    done = out_dir / "train_seconds"
    if done.exists():
        return float(done.read_text())
    log = out_dir.parent / f"{out_dir.name}.log"
    out_dir.mkdir(parents=True, exist_ok=True)
    import subprocess
    import time

    print("$", " ".join(cmd), flush=True)
    start = time.perf_counter()
    with log.open("w") as handle:
        subprocess.run(cmd, check=True, cwd=REPO, stdout=handle, stderr=subprocess.STDOUT)
    seconds = time.perf_counter() - start
    done.write_text(f"{seconds:.1f}\n")
    return seconds


def _steps_run(out_dir: Path, model: str = "model-best") -> Dict[str, Optional[float]]:
    """The steps run, the step of the best dev score (from spaCy's console log) and that score (0–1).

    A self-training log holds one table per training run: the steps are summed over them, the best step and
    score are the last run's (the final student's), whose selected model is ``out_dir/model``."""
    log = out_dir.parent / f"{out_dir.name}.log"
    total = 0
    last = best = None
    best_score = -1.0
    if log.exists():
        for line in log.read_text().splitlines():
            m = re.match(r"\s*(\d+)\s+(\d+)\s+[\d.]+\s+.*?([\d.]+)\s*$", line)
            if m:
                step, score = int(m.group(2)), float(m.group(3))
                if step == 0 and last is not None:  # a new training run's table
                    total += last
                    best, best_score = None, -1.0
                last = step
                if score > best_score:
                    best, best_score = step, score
    meta = out_dir / model / "meta.json"
    if meta.exists():  # the dev score at full precision (the log rounds it to two digits)
        best_score = json.loads(meta.read_text()).get("performance", {}).get("rel_semeval_macro_f", best_score)
    return {"last_step": None if last is None else total + last, "best_step": best,
            "best_dev": best_score if best is not None else None}


def _evaluate(model: Path, test: Path, metrics: Path, tag: str) -> Dict[str, Any]:
    if not metrics.exists():
        run_cli(["evaluate", str(model), str(test), str(metrics), "--label", tag])
    return json.loads(metrics.read_text())["headline"]


@app.command("train")
def train(
    gold: str = typer.Option("gold-1pct", help="Name of the gold set in --work (from `splits`)"),
    arm: List[str] = typer.Option([], "--arm", help="NAME=file.spacy[,file2.spacy]: gold + these files; repeatable"),
    encoder_arm: List[str] = typer.Option(
        [], "--encoder-arm", help="NAME=ENCODER_DIR[,file.spacy,...]: gold (+ these files) on another encoder (e.g. "
        "`pretrain`'s encoder/); repeatable"
    ),
    override_arm: List[str] = typer.Option(
        [], "--override-arm", help="NAME=key=value[;key=value...]: gold only with these spaCy config overrides "
        "(dotted keys, e.g. components.mbre_relations.clm=true); repeatable"
    ),
    self_train_arm: List[str] = typer.Option(
        [], "--self-train-arm", help="NAME=pool.spacy[,pool2.spacy]: S2ynRE two-stage self-training on those "
        "unlabelled pools, teachers = --st-teacher-arm's model-best of --teacher-seeds, every step dev-selected; "
        "repeatable"
    ),
    teacher_seeds: str = typer.Option("1,2,3", help="Seeds of the runs that teach --self-train-arm"),
    st_teacher_arm: str = typer.Option(
        "gold", help="The arm (a finished run name in --work/runs/<gold>) whose models teach --self-train-arm"
    ),
    st_gold_extra: str = typer.Option(
        "", help="Comma-separated .spacy files added to gold in --self-train-arm's gold stage (e.g. the training "
        "views of verified labels)"
    ),
    st_iterations: int = typer.Option(1, help="Iterations T of --self-train-arm"),
    control: List[str] = typer.Option(
        [], "--control", help="An arm name: also train gold only for as many steps as that arm ran (per seed)"
    ),
    seeds: str = typer.Option("1,2,3", help="Training seeds"),
    gold_arm: bool = typer.Option(
        True, "--gold-arm/--no-gold-arm", help="Train the gold-only arm too (off: only the named arms, e.g. when the "
        "gold-only runs of these seeds are in an earlier JSON)"
    ),
    config: Path = typer.Option(REPO / "configs" / "semeval.cfg", help="Training config"),
    batch_size: int = typer.Option(16, help="Sentences per batch"),
    learn_rate: float = typer.Option(1e-4, help="Peak learning rate"),
    representation: str = typer.Option(
        "start", help="The pair representation (components.mbre_relations.model.representation) of every arm: "
        "\"start\", the setting every committed JSON was measured with, whatever the config's default"
    ),
    warmup: int = typer.Option(20, help="Warm-up steps"),
    eval_every: int = typer.Option(25, help="Dev evaluation every N steps"),
    patience: int = typer.Option(200, help="Stop after N steps without a better dev score"),
    max_steps: int = typer.Option(2000, help="Step limit of a converged run"),
    fixed_steps: int = typer.Option(40, help="Steps of the fixed-budget gold row (0 = none)"),
    work: Path = typer.Option(WORK, help="Work directory (from `splits`)"),
    out: Optional[Path] = typer.Option(None, help="JSON output (default bench/results/downstream_<gold>.json)"),
) -> None:
    """Train every arm to convergence (dev-selected) over seeds and score it on test."""
    gold_path, dev, test = work / f"{gold}.spacy", work / "dev.spacy", work / "test.spacy"
    for path in (gold_path, dev, test):
        if not path.exists():
            raise typer.BadParameter(f"{path} is missing: run `python bench/downstream.py splits` first")
    arms: Dict[str, List[str]] = {"gold": []} if gold_arm else {}
    for item in arm:
        name, sep, files = item.partition("=")
        paths = [f for f in files.split(",") if f]
        if not sep or not paths or not all(Path(p).exists() for p in paths):
            raise typer.BadParameter(f"--arm takes NAME=existing.spacy[,...], got {item!r}")
        arms[name] = [str(Path(p).resolve()) for p in paths]
    encoders: Dict[str, str] = {}
    for item in encoder_arm:
        name, sep, values = item.partition("=")
        encoder, *paths = [v for v in values.split(",") if v]
        if not sep or not Path(encoder).is_dir() or not all(Path(p).exists() for p in paths) or name in arms:
            raise typer.BadParameter(f"--encoder-arm takes a new NAME=existing_dir[,existing.spacy,...], got {item!r}")
        arms[name] = [str(Path(p).resolve()) for p in paths]
        encoders[name] = str(Path(encoder).resolve())
    overrides: Dict[str, Dict[str, str]] = {}
    for item in override_arm:
        name, sep, values = item.partition("=")
        pairs = [v.partition("=") for v in values.split(";") if v]
        if not sep or not pairs or name in arms or not all(k and s and v for k, s, v in pairs):
            raise typer.BadParameter(f"--override-arm takes a new NAME=key=value[;key=value...], got {item!r}")
        arms[name] = []
        overrides[name] = {k.strip().lstrip("-"): v.strip() for k, _, v in pairs}
    runs_dir = work / "runs" / gold
    pools: Dict[str, List[Path]] = {}
    for item in self_train_arm:
        name, sep, files = item.partition("=")
        paths = [Path(f) for f in files.split(",") if f]
        if not sep or not paths or not all(p.is_file() for p in paths) or name in arms:
            raise typer.BadParameter(f"--self-train-arm takes a new NAME=existing.spacy[,...], got {item!r}")
        pools[name] = [p.resolve() for p in paths]
    gold_extra = [Path(f).resolve() for f in st_gold_extra.split(",") if f]
    for path in gold_extra:
        if not path.is_file():
            raise typer.BadParameter(f"--st-gold-extra: no file {path}")
    st_inputs = {name: _merged(runs_dir / f"{name}-inputs", [gold_path, *gold_extra], files)
                 for name, files in pools.items()}
    teachers = ([runs_dir / f"{st_teacher_arm}-s{s}" / "model-best" for s in teacher_seeds.split(",")]
                if pools else [])
    for teacher in teachers:
        if not teacher.is_dir():
            raise typer.BadParameter(f"--self-train-arm: no teacher {teacher}; train the arm {st_teacher_arm!r} of "
                                     "that seed first")
    runs: List[Dict[str, Any]] = []

    pinned = ["--components.mbre_relations.model.representation", representation]

    def schedule(steps: int, stop: int) -> List[str]:
        return ["--training.max_steps", str(steps), "--training.eval_frequency", str(eval_every if stop else steps),
                "--training.patience", str(stop), "--training.batcher.size", str(batch_size),
                "--training.optimizer.learn_rate.warmup_steps", str(warmup),
                "--training.optimizer.learn_rate.initial_rate", str(learn_rate),
                "--training.optimizer.learn_rate.total_steps", str(max_steps), *pinned]

    def record(name: str, seed: int, tag: str, which: str, seconds: Optional[float]) -> None:
        out_dir = runs_dir / tag
        headline = _evaluate(out_dir / which, test, runs_dir / f"{tag}.{which}.test.json", tag)
        runs.append({"arm": name, "seed": seed, "model": which, **_steps_run(out_dir, which),
                     "train_seconds": float((out_dir / "train_seconds").read_text()),
                     **{k: headline[k] for k in ("semeval_macro_f", "micro_f", "micro_p", "micro_r")}})

    for seed in [int(s) for s in seeds.split(",")]:
        for name, extra in arms.items():
            tag = f"{name}-s{seed}"
            seconds = _train(config, runs_dir / tag, gold_path, dev, extra, seed, schedule(max_steps, patience),
                             encoder=encoders.get(name), overrides=overrides.get(name))
            record(name, seed, tag, "model-best", seconds)
        for name, (st_gold, pool) in st_inputs.items():
            tag = f"{name}-s{seed}"
            seconds = _self_train(config, runs_dir / tag, st_gold, dev, pool, teachers, seed, st_iterations,
                                  schedule(max_steps, patience))
            record(name, seed, tag, "model-last", seconds)  # the final student: its last run's model-best
        for name in control:
            steps = _steps_run(runs_dir / f"{name}-s{seed}")["last_step"]
            if not steps:
                raise typer.BadParameter(f"--control {name}: no finished run of that arm")
            tag = f"gold-ctrl-{name}-s{seed}"
            seconds = _train(config, runs_dir / tag, gold_path, dev, [], seed, schedule(steps, 0) + [
                "--training.eval_frequency", str(eval_every)])
            record(f"gold, {steps} steps (control for {name})", seed, tag, "model-best", seconds)
        if fixed_steps:
            tag = f"gold-fixed{fixed_steps}-s{seed}"
            seconds = _train(config, runs_dir / tag, gold_path, dev, [], seed, [
                "--training.max_steps", str(fixed_steps), "--training.eval_frequency", str(fixed_steps),
                "--training.batcher.size", str(batch_size), "--training.optimizer.learn_rate.warmup_steps", "4",
                "--training.optimizer.learn_rate.initial_rate", "2e-4", *pinned])
            record(f"gold, fixed {fixed_steps} steps (model-last)", seed, tag, "model-last", seconds)
    names = list(dict.fromkeys(r["arm"] for r in runs))
    rows = []
    for name in names:
        mine = [r for r in runs if r["arm"] == name]
        rows.append({"arm": name, "macro_f": mean_sd([100 * r["semeval_macro_f"] for r in mine]),
                     "micro_f": mean_sd([100 * r["micro_f"] for r in mine]),
                     "steps": mean_sd([r["last_step"] or 0 for r in mine]),
                     "best_step": mean_sd([r["best_step"] or 0 for r in mine]),
                     "best_dev": mean_sd([100 * (r["best_dev"] or 0) for r in mine]),
                     "train_seconds": mean_sd([r["train_seconds"] for r in mine])})
    print(f"| arm ({gold}) | seeds | official macro-F1 | micro-F1 | dev score | steps run | best step | train s |")
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        m, u = row["macro_f"], row["micro_f"]
        print(f"| {row['arm']} | {m['n']} | {m['mean']:.2f} ± {m['sd']:.2f} | {u['mean']:.2f} ± {u['sd']:.2f} | "
              f"{row['best_dev']['mean']:.2f} | {row['steps']['mean']:.0f} | {row['best_step']['mean']:.0f} | "
              f"{row['train_seconds']['mean']:.0f} |")
    meta = run_meta(gold=str(gold_path), dev=str(dev), test=str(test), arms=arms, encoders=encoders,
                    overrides=overrides,
                    self_train={n: [str(p) for p in ps] for n, ps in pools.items()},
                    st_gold_extra=[str(p) for p in gold_extra], teachers=[str(t) for t in teachers],
                    st_iterations=st_iterations, seeds=seeds,
                    config=str(config),
                    batch_size=batch_size, learn_rate=learn_rate, representation=representation, warmup=warmup,
                    eval_every=eval_every,
                    patience=patience, max_steps=max_steps, fixed_steps=fixed_steps)
    out = out or REPO / "bench" / "results" / f"downstream_{gold}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"meta": meta, "rows": rows, "runs": runs}, indent=2))
    print(f"Wrote {out}")


if __name__ == "__main__":
    app()
