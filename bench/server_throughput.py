"""Benchmark: mining throughput through an OpenAI-compatible server
(llama-cpp-python's ``python -m llama_cpp.server``, ``spacy-mbre.OpenAICompatible.v1``)
with 1, 2, 4, 8 requests in flight, against the in-process backend
(``spacy-mbre.LlamaCpp.v1``) on the same model and the same SemEval pairs.

Runs the real CLI (`convert` → `fewshot` → `group` once, then `mine` per
backend/concurrency, each into a fresh output directory with its own answer
cache, so no run profits from another's answers; the server is restarted
before each run unless ``--no-restart-server``, so none inherits the
server's prefix cache either). Prints a markdown table — backend,
concurrency, prompts, wall seconds (the mining run as ``report.json`` times
it, model loading excluded), prompts/s, and the agreement of the mined labels
with the in-process run (share of pairs with the same label set) — and
writes JSON to bench/results/server_throughput.json.

    python bench/server_throughput.py --n-pairs 20 --strategy mbre --threads 2
    python bench/server_throughput.py --n-pairs 2 --concurrency 1,2 --threads 1   # smoke run

Needs the server extras (``pip install 'spacy-mbre[server]'``) and the
default GGUF (``python -m spacy_mbre fetch-llm``). llama_cpp.server runs one
model and answers requests one at a time (a lock around the model), so more
requests in flight can at most hide the HTTP and client-side gaps between
requests; on a small CPU machine expect little or no gain — measure, don't
assume. The data directory defaults to the repository's sibling
``shared/data``; pass ``--data`` to point elsewhere.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import requests
import typer
from benchlib import REPO, print_table, run_cli, run_meta, work_dir

from spacy_mbre.mining.report import read_report

SEMEVAL = "semeval2010_task8/TRAIN_FILE.TXT"
LOCAL = "in-process"
SERVER = "server"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LlamaServer:
    """``python -m llama_cpp.server`` on loopback, as a context manager.

    model_path (Path): The GGUF file.
    threads (int): --n_threads and --n_threads_batch.
    n_ctx (int): Context size.
    log_path (Path): Where the server's output goes.
    """

    def __init__(self, model_path: Path, threads: int, n_ctx: int, log_path: Path) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self.cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(model_path), "--host", "127.0.0.1",
                    "--port", str(self.port), "--n_threads", str(threads), "--n_threads_batch", str(threads),
                    "--n_ctx", str(n_ctx)]
        self.log_path = log_path
        self.proc: Optional[subprocess.Popen] = None
        self.startup_seconds = 0.0

    def __enter__(self) -> "LlamaServer":
        start = time.perf_counter()
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(self.cmd, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + 300
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"llama_cpp.server exited ({self.proc.returncode}); see {self.log_path}")
            try:
                if requests.get(f"{self.base_url}/models", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.time() > deadline:
                self.__exit__()
                raise RuntimeError(f"llama_cpp.server not up after 300 s; see {self.log_path}")
            time.sleep(0.5)
        self.startup_seconds = time.perf_counter() - start
        print(f"llama_cpp.server up at {self.base_url} after {self.startup_seconds:.1f} s", flush=True)
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def mined_labels(out: Path) -> List[List[Tuple[int, int, int, int, str]]]:
    """Per doc, the mined relations as sorted (head, tail, label) tuples."""
    import spacy
    from spacy.tokens import DocBin

    from spacy_mbre.data.relations import get_relations

    docs = DocBin().from_disk(out / "mined.spacy").get_docs(spacy.blank("en").vocab)
    return [sorted((r.head.start, r.head.end, r.tail.start, r.tail.end, r.label) for r in get_relations(d))
            for d in docs]


def agreement(a: List[Any], b: List[Any]) -> Optional[float]:
    """Share of docs (SemEval: pairs) whose mined label sets are equal."""
    if len(a) != len(b) or not a:
        return None
    return sum(x == y for x, y in zip(a, b)) / len(a)


def main(
    n_pairs: int = typer.Option(20, help="SemEval pairs mined per run (the same pairs for every run)"),
    strategy: str = typer.Option("mbre", help="binary, multiclass or mbre"),
    concurrency: str = typer.Option("1,2,4,8", help="Comma-separated max_concurrency values for the server runs"),
    threads: int = typer.Option(os.cpu_count() or 1, help="CPU threads for the in-process model and the server"),
    n_ctx: int = typer.Option(4096, help="Context size of both backends"),
    k: int = typer.Option(5, help="Few-shot gold examples per label"),
    seed: int = typer.Option(0, help="Seed of the few-shot split, pool order and example draws"),
    restart_server: bool = typer.Option(True, "--restart-server/--no-restart-server",
                                        help="A fresh server (empty prefix cache) for each concurrency level"),
    skip_local: bool = typer.Option(False, help="Skip the in-process run (no agreement column then)"),
    data: Path = typer.Option(REPO.parent / "shared" / "data", help="The shared data directory"),
    work: Path = typer.Option(REPO / "bench" / "work", help="Where converted data and mining outputs go"),
    out: Path = typer.Option(REPO / "bench" / "results" / "server_throughput.json", help="JSON output"),
) -> None:
    """Mine the same pairs in process and through llama_cpp.server at several concurrency levels."""
    from spacy_mbre.llm.models.assets import require_default_model

    levels = [int(c) for c in concurrency.split(",") if c.strip()]
    model_path = require_default_model()
    base = work_dir(work, "semeval", k, seed)
    base.mkdir(parents=True, exist_ok=True)
    converted = base / "all.spacy"
    if not converted.exists():
        run_cli(["convert", "semeval", str(data / SEMEVAL), str(converted)])
    bench_dir = base / "server_throughput"
    bench_dir.mkdir(exist_ok=True)
    fewshot, pool, groups = bench_dir / "fewshot.spacy", bench_dir / "pool.spacy", bench_dir / "groups.json"
    run_cli(["fewshot", str(converted), str(fewshot), str(pool), "--schema", "semeval", "--k", str(k),
             "--seed", str(seed), "--pool-size", str(n_pairs)])
    run_cli(["group", "semeval", str(groups), "--seed", str(seed)])
    mine_args = [str(pool), "--schema", "semeval", "--groups", str(groups), "--fewshot", str(fewshot),
                 "--strategy", strategy, "--limit", str(n_pairs), "--seed", str(seed), "--no-progress"]

    def mine(name: str, model_args: List[str]) -> Dict[str, Any]:
        mined = bench_dir / f"{name}-{strategy}-n{n_pairs}"
        if mined.exists():
            shutil.rmtree(mined)  # fresh answer cache and journal
        seconds = run_cli(["mine", mine_args[0], str(mined), *mine_args[1:], *model_args])
        report = read_report(mined)
        return {"out": mined, "report": report, "command_seconds": seconds}

    runs: List[Dict[str, Any]] = []
    local_labels = None
    if not skip_local:
        res = mine("local", ["--model", "spacy-mbre.LlamaCpp.v1", "--model-arg", f"n_threads={threads}",
                             "--model-arg", f"n_ctx={n_ctx}"])
        local_labels = mined_labels(res["out"])
        runs.append({"backend": LOCAL, "concurrency": None, **res})
    log_path = bench_dir / "llama_server.log"
    server: Optional[LlamaServer] = None
    try:
        for c in levels:
            if server is None or restart_server:
                if server is not None:
                    server.__exit__()
                server = LlamaServer(model_path, threads, n_ctx, log_path).__enter__()
            res = mine(f"server-c{c}", ["--model", "spacy-mbre.OpenAICompatible.v1",
                                         "--model-arg", f"base_url={server.base_url}", "--model-arg", "model=bench",
                                         "--model-arg", f"max_concurrency={c}", "--model-arg", "timeout=1800"])
            runs.append({"backend": SERVER, "concurrency": c, "server_startup_seconds": server.startup_seconds,
                         **res})
    finally:
        if server is not None:
            server.__exit__()

    rows = []
    for run in runs:
        report = run["report"]
        total = report["total"]
        wall = report["wall_seconds"]
        labels = mined_labels(run["out"])
        rows.append({
            "backend": run["backend"],
            "concurrency": run["concurrency"],
            "pairs": report["pairs"],
            "prompts": int(total["prompts"]),
            "wall_seconds": wall,
            "prompts_per_second": total["prompts"] / wall if wall else None,
            "label_agreement": agreement(labels, local_labels) if local_labels is not None else None,
            "mined_relations": report["mined"]["relations"],
            "unparseable": int(total.get("unparseable") or 0),
            "f1": ((report.get("gold") or {}).get("micro") or {}).get("f1"),
            "command_seconds": run["command_seconds"],
        })
    header = ["backend", "concurrency", "pairs", "prompts", "wall_seconds", "prompts_per_second", "label_agreement",
              "mined_relations", "unparseable", "f1"]
    print_table(rows, header)
    out.parent.mkdir(parents=True, exist_ok=True)
    meta = run_meta(n_pairs=n_pairs, strategy=strategy, threads=threads, n_ctx=n_ctx, k=k, seed=seed,
                    model_file=model_path.name, restart_server=restart_server)
    out.write_text(json.dumps({"meta": meta, "rows": rows,
                               "reports": {f"{r['backend']}-{r['concurrency']}": r["report"] for r in runs}},
                              indent=2))
    print(f"Wrote {out}")


if __name__ == "__main__":
    typer.run(main)
