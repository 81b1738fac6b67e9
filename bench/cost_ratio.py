"""Benchmark: LLM cost of each mining mode on the same pool pairs, side by side (issue 16).

The issue's mining target is a ratio: the best mode's LLM seconds at most 0.35×
binary prompting's, on the same pairs with the same model. Binary asks one
question per directional option (18 on SemEval), so it is timed on the first
``--n-docs`` docs of the downstream pool only; every mode mines exactly those
docs, one after the other in this process's run, each with its **own, fresh**
answer cache (no mode profits from another's answers), so the ratio is measured
side by side under the same machine load.

Modes (``--modes``):

* ``binary``: every allowed option verified (the paper's baseline);
* ``mbre``: the paper's M-BRe (grouped multi-class proposals, θ = 0.01);
* ``clf``: the classifier proposer (``--proposer-model``) with its calibrated
  decision (``--calibration``), as ``bench/run_10pct.sh`` mines the pool;
* ``rel-zero`` / ``rel-few``: the peer, spacy-llm's ``spacy.REL.v1`` zero-shot
  or with ``--rel-examples`` few-shot examples (``bench/rel_peer.py`` with its
  own fresh response cache), driven by the same model.

Per mode: the labels' micro P/R/F1 against the pool's hidden gold (the peer's
lenient re-parse, its strict figure beside it), questions per pair, prompt
tokens the LLM evaluated, LLM seconds (the classifier's proposal seconds
included for ``clf``), and the ratio to ``--baseline``'s seconds. Writes JSON::

    python bench/cost_ratio.py --n-docs 40 \\
        --proposer-model bench/work/ds/runs/gold-10pct/gold-s1/model-best \\
        --calibration bench/work/ds/mine/cal-clf-10pct/calibration.json --model-arg n_threads=1
    python bench/cost_ratio.py --n-docs 100 --modes rel-few,clf --baseline rel-few ...   # against the peer
"""
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

import typer
from benchlib import REPO, model_flags, print_table, run, run_cli, run_meta

WORK = REPO / "bench" / "work" / "ds"
MODES = ("binary", "mbre", "clf", "rel-zero", "rel-few")


def mode_args(mode: str, proposer_model: Optional[Path], calibration: Optional[Path], top_m: int,
              min_prob: float) -> List[str]:
    """RETURNS (List[str]): The ``mine`` options that select a mode."""
    if mode == "binary":
        return ["--strategy", "binary"]
    if mode == "mbre":
        return ["--strategy", "mbre", "--proposer", "groups"]
    if mode == "clf":
        if proposer_model is None or calibration is None:
            raise typer.BadParameter("mode clf needs --proposer-model and --calibration")
        return ["--strategy", "mbre", "--proposer", "classifier", "--proposer-model", str(proposer_model),
                "--proposer-top-m", str(top_m), "--proposer-min-prob", str(min_prob),
                "--calibration", str(calibration)]
    raise typer.BadParameter(f"unknown mode {mode!r}; choose from {', '.join(MODES)}")


def mine_row(mode: str, report: Dict[str, Any]) -> Dict[str, Any]:
    """mode (str): The mode. report (Dict[str, Any]): Its ``mine`` report.json.
    RETURNS (Dict[str, Any]): Its table row (without the ratio).
    """
    micro = (report.get("gold") or {}).get("micro", {})
    seconds = report["total"].get("seconds", 0.0)
    return {"mode": mode, "pairs": report["pairs"], "precision": micro.get("p"), "recall": micro.get("r"),
            "f1": micro.get("f1"), "strict_f1": None, "questions_per_pair": report["prompts_per_pair"],
            "tokens": report["total"].get("evaluated_tokens"), "llm_seconds": seconds,
            "llm_seconds_per_pair": seconds / max(1, report["pairs"])}


def rel_row(mode: str, result: Dict[str, Any]) -> Dict[str, Any]:
    """mode (str): rel-zero or rel-few. result (Dict[str, Any]): ``bench/rel_peer.py``'s result of that mode.
    RETURNS (Dict[str, Any]): Its table row (lenient P/R/F1, the strict F1 beside it; one pair per SemEval doc).
    """
    lenient, seconds = result["lenient"], result["llm_seconds"]
    return {"mode": mode, "pairs": result["docs"], "precision": lenient["p"], "recall": lenient["r"],
            "f1": lenient["f1"], "strict_f1": result["strict"]["f1"],
            "questions_per_pair": result["prompts"] / max(1, result["docs"]),
            "tokens": (result.get("usage") or {}).get("evaluated_tokens"), "llm_seconds": seconds,
            "llm_seconds_per_pair": seconds / max(1, result["docs"])}


def main(
    n_docs: int = typer.Option(40, help="The pool's first N docs (SemEval: one pair each) are mined by every mode"),
    modes: str = typer.Option("binary,mbre,clf", help=f"Comma-separated modes, run in this order: {', '.join(MODES)}"),
    baseline: str = typer.Option("binary", help="The mode whose LLM seconds the ratios divide by"),
    rel_examples: int = typer.Option(5, help="Few-shot examples in each rel-few prompt"),
    proposer_model: Optional[Path] = typer.Option(None, help="The clf mode's proposer pipeline"),
    calibration: Optional[Path] = typer.Option(None, help="The clf mode's calibration.json (from `calibrate`)"),
    top_m: int = typer.Option(3, help="The clf mode's --proposer-top-m"),
    min_prob: float = typer.Option(0.05, help="The clf mode's --proposer-min-prob"),
    fewshot: str = typer.Option("gold-1pct", help="Gold set in --work whose sentences are the in-context examples"),
    work: Path = typer.Option(WORK, help="The downstream work directory (from `bench/downstream.py splits`)"),
    model_arg: List[str] = typer.Option([], "--model-arg", help="key=value passed to the LLM model; repeatable"),
    out: Optional[Path] = typer.Option(None, help="JSON output (default bench/results/cost_ratio_n<N>.json)"),
) -> None:
    """Mine the same pool docs with each mode, each with a fresh cache, and compare LLM seconds."""
    import spacy
    from spacy.tokens import DocBin

    pool = work / "pool.spacy"
    if not pool.exists():
        raise typer.BadParameter(f"{pool} is missing: run `python bench/downstream.py splits` first")
    bench_dir = work / "cost" / f"n{n_docs}"
    bench_dir.mkdir(parents=True, exist_ok=True)
    head = bench_dir / "pool.spacy"
    docs = list(DocBin(store_user_data=True).from_disk(pool).get_docs(spacy.blank("en").vocab))[:n_docs]
    DocBin(docs=docs, store_user_data=True).to_disk(head)
    load = os.getloadavg()
    mode_list = [m for m in modes.split(",") if m]
    for mode in mode_list:
        if mode not in MODES:
            raise typer.BadParameter(f"--modes: unknown mode {mode!r}; choose from {', '.join(MODES)}")
        if mode == "clf":
            mode_args(mode, proposer_model, calibration, top_m, min_prob)  # checks its options before any run
    reports: Dict[str, Any] = {}
    rows = []
    for mode in mode_list:
        out_dir = bench_dir / mode
        if out_dir.exists():  # a fresh cache and journal: the timing must not reuse answers
            shutil.rmtree(out_dir)
        if mode.startswith("rel-"):
            kind = mode.split("-", 1)[1]
            run([sys.executable, str(REPO / "bench" / "rel_peer.py"), "--pool", str(head),
                 "--fewshot", str(work / f"{fewshot}.spacy"), "--n-examples", str(rel_examples), "--modes", kind,
                 "--work", str(out_dir), "--out", str(out_dir / "rel_peer.json"), *model_flags(model_arg)])
            reports[mode] = json.loads((out_dir / "rel_peer.json").read_text())["modes"][kind]
            rows.append(rel_row(mode, reports[mode]))
        else:
            run_cli(["mine", str(head), str(out_dir), "--fewshot", str(work / f"{fewshot}.spacy"),
                     *mode_args(mode, proposer_model, calibration, top_m, min_prob),
                     "--batch-pairs", "512", "--no-progress", *model_flags(model_arg)])
            reports[mode] = json.loads((out_dir / "report.json").read_text())
            rows.append(mine_row(mode, reports[mode]))
    load_after = os.getloadavg()
    base = next((row["llm_seconds"] for row in rows if row["mode"] == baseline), None)
    for row in rows:
        row["time_vs_base"] = row["llm_seconds"] / base if base else None
    print_table(rows, ["mode", "pairs", "precision", "recall", "f1", "strict_f1", "questions_per_pair", "tokens",
                       "llm_seconds", "llm_seconds_per_pair", "time_vs_base"])
    print(f"ratios against {baseline}" + ("" if base else " (not among the modes: no ratio)"))
    print(f"load average before {load[0]:.2f}, after {load_after[0]:.2f} (1 min)")
    out = out or REPO / "bench" / "results" / f"cost_ratio_n{n_docs}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    meta = run_meta(n_docs=n_docs, modes=modes, baseline=baseline, rel_examples=rel_examples,
                    proposer_model=str(proposer_model), calibration=str(calibration),
                    top_m=top_m, min_prob=min_prob, fewshot=fewshot, model_arg=model_arg,
                    load_before=list(load), load_after=list(load_after))
    out.write_text(json.dumps({"meta": meta, "rows": rows, "reports": reports}, indent=2))
    print(f"Wrote {out}")


if __name__ == "__main__":
    typer.run(main)
