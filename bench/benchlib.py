"""What the ``bench/`` scripts share: running the CLI, printing a markdown
table, and the ``meta`` block (date, command, settings, machine) of every
results JSON. Imported by the scripts as ``from benchlib import …`` (the
script's own directory is on ``sys.path`` when run as ``python bench/x.py``).
"""
import os
import platform
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

REPO = Path(__file__).resolve().parents[1]


def run(cmd: List[str]) -> float:
    """Run a command in the repository, failing on a non-zero exit.

    cmd (List[str]): The command line.
    RETURNS (float): Its wall time in seconds.
    """
    print("$", " ".join(cmd), flush=True)
    start = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=REPO)
    return time.perf_counter() - start


def run_cli(args: List[str]) -> float:
    """args (List[str]): Arguments of ``python -m spacy_mbre``.
    RETURNS (float): Its wall time in seconds.
    """
    return run([sys.executable, "-m", "spacy_mbre", *args])


def work_dir(work: Path, schema: str, k: int, seed: int) -> Path:
    """RETURNS (Path): ``bench/mine_strategies.py``'s work directory for a
    schema, few-shot k and seed (converted data, few-shot set, pool, groups,
    mining runs), which the other mining benchmarks build on."""
    return work / f"{schema}-k{k}-s{seed}"


def mining_pool(base: Path, schema: str, n_pairs: int) -> Path:
    """base (Path): A :func:`work_dir`. schema (str): semeval or redocred.
    n_pairs (int): The runs' pair count.
    RETURNS (Path): The docs ``mine`` reads in the runs of
        ``bench/mine_strategies.py``: the seeded pool, or for Re-DocRED the
        sentences selected from it (``pool-n<N>.spacy``, see that script).
    """
    return base / (f"pool-n{n_pairs}.spacy" if schema == "redocred" else "pool.spacy")


def model_flags(model_arg: Sequence[str]) -> List[str]:
    """model_arg (Sequence[str]): key=value items.
    RETURNS (List[str]): Them as repeated ``--model-arg`` options of ``mine``.
    """
    return [a for arg in model_arg for a in ("--model-arg", arg)]


def print_table(rows: Iterable[Dict[str, Any]], header: Sequence[str]) -> None:
    """Print rows as a markdown table: floats with 3 decimals, None as "-".

    rows (Iterable[Dict[str, Any]]): One dict per row.
    header (Sequence[str]): The keys to print, in order.
    """
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        cells = ["-" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v) for v in (row[h] for h in header)]
        print("| " + " | ".join(cells) + " |")


def run_meta(**settings: Any) -> Dict[str, Any]:
    """settings (Any): The run's settings.
    RETURNS (Dict[str, Any]): date, the command line, the settings and the machine (with the load average now).
    """
    return {
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        **settings,
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "loadavg_end": os.getloadavg()},
    }


def mean_sd(values: List[float]) -> Dict[str, Any]:
    """values (List[float]): One figure per seed.
    RETURNS (Dict[str, Any]): mean, sample sd (0 for one value) and n; None without values.
    """
    import statistics

    if not values:
        return {"mean": None, "sd": None, "n": 0}
    return {"mean": statistics.mean(values), "sd": statistics.stdev(values) if len(values) > 1 else 0.0,
            "n": len(values)}


def schedule_args(steps: int, batch_size: int, warmup: int, learn_rate: float,
                  representation: str = "start") -> List[str]:
    """RETURNS (List[str]): spaCy config overrides for a short training run of
    ``steps`` batches (one evaluation at the end), as command-line arguments,
    with the pair representation pinned (default "start", the setting the
    committed results were measured with, whatever the config's default)."""
    return ["--training.max_steps", str(steps), "--training.eval_frequency", str(steps),
            "--training.batcher.size", str(batch_size),
            "--training.optimizer.learn_rate.warmup_steps", str(warmup),
            "--training.optimizer.learn_rate.initial_rate", str(learn_rate),
            "--components.mbre_relations.model.representation", representation]


def semeval_test(work: Path, data: Path) -> Path:
    """work (Path): A bench work directory. data (Path): The shared data directory.
    RETURNS (Path): The converted SemEval test file (converted on first use).
    """
    test = work / "semeval_test.spacy"
    if not test.exists():
        run_cli(["convert", "semeval", str(data / "semeval2010_task8" / "TEST_FILE_FULL.TXT"), str(test),
                 "--schema", "semeval"])
    return test


def evaluate_semeval(model: Path, test: Path, metrics: Path, n_test: int, test_seed: int, tag: str) -> Dict[str, Any]:
    """Score a trained pipeline with ``python -m spacy_mbre evaluate`` (skipped
    when ``metrics`` exists) and return its headline scores.

    RETURNS (Dict[str, Any]): semeval_macro_f, micro_f, micro_p, micro_r.
    """
    import json

    if not metrics.exists():
        run_cli(["evaluate", str(model), str(test), str(metrics), "--n-docs", str(n_test), "--seed", str(test_seed),
                 "--label", tag])
    return json.loads(metrics.read_text())["headline"]


def seed_cache(cache: Path, sources: Sequence[Path]) -> None:
    """Start an answer cache from the answers of earlier runs.

    cache (Path): The new sqlite answer cache (must not exist yet).
    sources (Sequence[Path]): Answer caches to copy, the first with sqlite's
        backup API (not a file copy: it may hold answers in its WAL file), the
        others merged in (identical keys hold identical answers).
    """
    with sqlite3.connect(sources[0]) as src, sqlite3.connect(cache) as dst:
        src.backup(dst)
    with sqlite3.connect(cache) as dst:
        for other in sources[1:]:
            dst.execute("ATTACH DATABASE ? AS other", (str(other),))
            dst.execute("INSERT OR IGNORE INTO answers SELECT * FROM other.answers")
            dst.commit()
            dst.execute("DETACH DATABASE other")


# An evaluation row: epoch, step, ..., the score column just before SCORE (%, two decimals), SCORE (0-1, rounded).
ROW = re.compile(r"^\s*\d+\s+(\d+)\s+.*\s([\d.]+)\s+[\d.]+\s*$")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def dev_curve(log: Path) -> List[Tuple[int, float]]:
    """(step, dev score in %) of every evaluation after step 0 in a spaCy training log:
    the score column just before SCORE (REL_SEMEVAL_MACRO_F in semeval.cfg, REL_MICRO_F in scierc.cfg).

    log (Path): A `spacy train` log (the bench scripts tee it to a file).
    RETURNS (List[Tuple[int, float]]): The evaluations in order.
    """
    curve = []
    for line in ANSI.sub("", log.read_text(encoding="utf8")).splitlines():
        match = ROW.match(line)
        if match and int(match.group(1)) > 0:
            curve.append((int(match.group(1)), float(match.group(2))))
    return curve


def dev_curve_or_kept(log: Path, kept: Optional[Sequence[Sequence[float]]]) -> List[Tuple[int, float]]:
    """The dev curve of a training log, or where the log is gone (work directories do
    not survive a machine change) the one a table's earlier JSON recorded.

    log (Path): A `spacy train` log.
    kept (Optional[Sequence[Sequence[float]]]): The earlier JSON's [step, score] pairs, if any.
    RETURNS (List[Tuple[int, float]]): The evaluations in order; empty when neither exists.
    """
    if log.exists():
        return dev_curve(log)
    return [(int(step), float(score)) for step, score in kept or []]
