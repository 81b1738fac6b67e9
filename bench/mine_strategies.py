"""Benchmark: the three mining strategies on the same pairs, model and examples.

Runs the real CLI (`convert` → `fewshot` → `group` → `mine` once per
strategy, each with its own answer cache so no strategy profits from another's
answers) and prints, per strategy: micro P/R/F1 of the mined labels against the
hidden gold, prompts, LLM calls, prompt tokens evaluated and reused from the
prefix cache, wall time, and the ratio of its LLM time to `binary`'s in the same
run. Writes everything to JSON.

    python bench/mine_strategies.py --schema semeval --n-pairs 50
    python bench/mine_strategies.py --schema redocred --n-pairs 16 --model-arg n_ctx=16384
    bash bench/run_redocred_clf.sh   # the classifier proposer (strategy clf) on the same 16 Re-DocRED pairs

Data: SemEval-2010 Task 8 training file (one pair per sentence; the few-shot
examples and the pool are disjoint training sentences) or Re-DocRED dev
(sentence-level docs, both pair directions; the few-shot split is taken from
dev too, the pool from the remaining sentences). Re-DocRED sentences hold
many entity pairs and few relations (84 gold records over 708 pairs in a
50-sentence pool), so the first N pairs of the pool would hold two or three
labels: the script mines ``pool-n<N>.spacy`` instead, the sentences of the
seeded pool order that hold at least one gold relation, whole sentences only,
until they cover N pairs. Both directions of every entity pair are mined, so
labelled and unlabelled pairs both occur; the table's ``gold`` column counts
the labels. On Re-DocRED the ``multiclass`` question (96 options, one
example each) is a 12,962-token prompt: it needs ``--model-arg
n_ctx=16384`` and is very slow on CPU (BENCHMARKS.md §1). The data directory
defaults to the repository's sibling ``shared/data``; pass ``--data`` to
point elsewhere.

Strategy ``clf`` is issue 16's classifier proposer: ``mine --strategy mbre
--proposer classifier`` with a trained ``mbre_relations`` pipeline
(``--proposer-model``, e.g. trained on ``fewshot.spacy``; ``--prepare-only``
writes the data first, and ``--dev-size`` a held-out ``dev.spacy`` of sentences
in neither the few-shot set nor the pool, for its model selection) and the
paper's Label Decision.
"""
import json
import random
from pathlib import Path
from typing import Any, Dict, List, Optional

import spacy
import typer
from benchlib import REPO, mining_pool, model_flags, print_table, run_cli, run_meta, work_dir

from spacy_mbre.data.readers.corpus import read_docs, write_docs
from spacy_mbre.data.relations import get_relations
from spacy_mbre.data.schema import load_schema
from spacy_mbre.mining.queries import mining_pairs
from spacy_mbre.mining.report import read_report

SOURCES = {
    "semeval": ("semeval", "semeval2010_task8/TRAIN_FILE.TXT"),
    "redocred": ("redocred", "re_docred/dev_revised.json"),
}


def labelled_pool(pool: Path, out: Path, schema: str, n_pairs: int) -> int:
    """Write the pool's docs that hold a gold relation, in pool order, until
    they cover ``n_pairs`` candidate pairs. Only whole sentences are taken (a
    sentence with more pairs than are still missing is skipped), so every gold
    pair of a chosen sentence is mined.

    pool (Path): The seeded pool from ``fewshot``.
    out (Path): The selected docs (.spacy).
    schema (str): The schema name.
    n_pairs (int): Pairs to cover.
    RETURNS (int): The number of sentences selected.
    """
    loaded, vocab = load_schema(schema), spacy.blank("en").vocab
    chosen, pairs = [], 0
    for doc in read_docs(pool, vocab):
        n = len(mining_pairs(doc, loaded))
        # Whole sentences only, so every gold pair of a chosen sentence is mined.
        if n > n_pairs - pairs or not any(r.source == "gold" for r in get_relations(doc)):
            continue
        chosen.append(doc)
        pairs += n
        if pairs == n_pairs:
            break
    if pairs < n_pairs:
        raise SystemExit(f"Only {pairs} of {n_pairs} pairs found in whole pool sentences with a gold relation; "
                         "raise the pool size.")
    write_docs(chosen, out)
    return len(chosen)


def held_out_dev(converted: Path, taken: List[Path], out: Path, n_docs: int, seed: int) -> int:
    """Write a dev split for training a proposer: ``n_docs`` sentences (seeded
    draw) of ``converted`` whose text is in none of the ``taken`` files.

    converted (Path): All converted docs. taken (List[Path]): The few-shot set
        and the pool. out (Path): The dev file (.spacy). n_docs (int): Its size.
    seed (int): The draw's seed.
    RETURNS (int): The number of docs written.
    """
    nlp = spacy.blank("en")
    used = {doc.text for path in taken for doc in read_docs(path, nlp)}
    free = [doc for doc in read_docs(converted, nlp) if doc.text not in used]
    random.Random(seed).shuffle(free)
    write_docs(free[:n_docs], out)
    return len(free[:n_docs])


def strategy_args(strategy: str, proposer_model: Optional[Path], top_m: int, min_prob: float) -> List[str]:
    """RETURNS (List[str]): The ``mine`` options of a strategy (``clf``: the classifier proposer)."""
    if strategy != "clf":
        return ["--strategy", strategy]
    if proposer_model is None or not proposer_model.is_dir():
        raise typer.BadParameter(f"strategy clf needs --proposer-model, a trained pipeline (got {proposer_model})")
    return ["--strategy", "mbre", "--proposer", "classifier", "--proposer-model", str(proposer_model),
            "--proposer-top-m", str(top_m), "--proposer-min-prob", str(min_prob)]


def main(
    schema: str = typer.Option("semeval", help="semeval or redocred"),
    n_pairs: int = typer.Option(50, help="Pairs mined per strategy (the same pairs for every strategy)"),
    k: int = typer.Option(5, help="Few-shot gold examples per label (in-context examples are drawn from them)"),
    seed: int = typer.Option(0, help="Seed of the few-shot split, pool order and example draws"),
    strategies: str = typer.Option("binary,multiclass,mbre", help="Comma-separated strategies"),
    data: Path = typer.Option(REPO.parent / "shared" / "data", help="The shared data directory"),
    work: Path = typer.Option(REPO / "bench" / "work", help="Where converted data and mining outputs go"),
    out: Path = typer.Option(None, help="JSON output (default bench/results/mine_strategies_<schema>.json)"),
    model_arg: List[str] = typer.Option([], "--model-arg", help="key=value passed to the LLM model; repeatable"),
    reuse: bool = typer.Option(
        False,
        help="Use a strategy's finished report.json from an earlier run of the same settings instead of mining again",
    ),
    proposer_model: Optional[Path] = typer.Option(None, help="Strategy clf: the trained mbre_relations pipeline"),
    proposer_top_m: int = typer.Option(3, help="Strategy clf: options proposed per pair"),
    proposer_min_prob: float = typer.Option(0.05, help="Strategy clf: minimum probability of a proposed option"),
    prepare_only: bool = typer.Option(False, help="Write the data (converted, few-shot, pool, groups) and stop"),
    dev_size: int = typer.Option(0, help="Also write dev.spacy: this many held-out sentences (for a proposer)"),
) -> None:
    """Mine the same pairs with each strategy and compare quality and cost."""
    fmt, rel_path = SOURCES[schema]
    work = work_dir(work, schema, k, seed)
    work.mkdir(parents=True, exist_ok=True)
    converted = work / "all.spacy"
    if not converted.exists():
        run_cli(["convert", fmt, str(data / rel_path), str(converted)])
    fewshot, pool = work / "fewshot.spacy", work / "pool.spacy"
    # SemEval: one pair per doc, so n_pairs docs; Re-DocRED: enough sentences to
    # select whole sentences with a gold relation from (see the module docstring).
    pool_docs = n_pairs if schema == "semeval" else max(200, n_pairs)
    run_cli(["fewshot", str(converted), str(fewshot), str(pool), "--schema", schema, "--k", str(k),
         "--seed", str(seed), "--pool-size", str(pool_docs)])
    selected = mining_pool(work, schema, n_pairs)
    if selected != pool:  # Re-DocRED: whole sentences with a gold relation (module docstring)
        n_docs = labelled_pool(pool, selected, schema, n_pairs)
        print(f"Mining {n_pairs} pairs of the {n_docs} pool sentences that hold a gold relation")
        pool = selected
    groups = work / "groups.json"
    run_cli(["group", schema, str(groups), "--seed", str(seed)])
    if dev_size:
        n_dev = held_out_dev(converted, [fewshot, work / "pool.spacy"], work / "dev.spacy", dev_size, seed)
        print(f"Wrote {n_dev} held-out sentences to {work / 'dev.spacy'}")
    if prepare_only:
        return
    model_args = model_flags(model_arg)
    results: Dict[str, Any] = {}
    for strategy in strategies.split(","):
        mined = work / f"{strategy}-n{n_pairs}"
        if reuse and (mined / "report.json").exists():
            report = read_report(mined)
            if report["pairs"] == n_pairs and report["resumed_docs"] == 0:
                print(f"Reusing {mined / 'report.json'}")
                results[strategy] = {"report": report, "command_seconds": None}
                continue
        seconds = run_cli(["mine", str(pool), str(mined), "--schema", schema, "--groups", str(groups),
                           "--fewshot", str(fewshot),
                           *strategy_args(strategy, proposer_model, proposer_top_m, proposer_min_prob),
                           "--limit", str(n_pairs),
                           "--seed", str(seed), "--no-progress", *model_args])
        report = read_report(mined)
        results[strategy] = {"report": report, "command_seconds": seconds}
    rows = []
    # The ratio uses LLM seconds: they are summed over every run that contributed to a
    # strategy's journal, so a resumed run still counts all its work (wall_seconds is
    # the last invocation's only).
    base = results.get("binary", {}).get("report", {}).get("total", {}).get("seconds")
    for strategy, res in results.items():
        rep = res["report"]
        total, micro = rep["total"], (rep.get("gold") or {}).get("micro", {})
        rows.append({
            "strategy": strategy,
            "pairs": rep["pairs"],
            "gold": micro.get("tp", 0) + micro.get("fn", 0) if micro else None,
            "precision": micro.get("p"),
            "recall": micro.get("r"),
            "f1": micro.get("f1"),
            "prompts": total["prompts"],
            "prompts_per_pair": rep["prompts_per_pair"],
            "llm_calls": total["llm_calls"],
            "evaluated_tokens": total.get("evaluated_tokens"),
            "reused_tokens": total.get("reused_tokens"),
            "unparseable": total.get("unparseable"),
            "mined_relations": rep["mined"]["relations"],
            "llm_seconds": total.get("seconds"),
            "wall_seconds": rep["wall_seconds"],
            "resumed_docs": rep.get("resumed_docs", 0),
            "time_vs_binary": (total.get("seconds", 0.0) / base) if base else None,
        })
    header = ["strategy", "pairs", "gold", "precision", "recall", "f1", "prompts", "prompts_per_pair", "llm_calls",
              "evaluated_tokens", "reused_tokens", "unparseable", "mined_relations", "llm_seconds", "wall_seconds",
              "resumed_docs", "time_vs_binary"]
    print_table(rows, header)
    out = out or REPO / "bench" / "results" / f"mine_strategies_{schema}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    meta = run_meta(schema=schema, n_pairs=n_pairs, k=k, seed=seed, proposer_model=str(proposer_model),
                    proposer_top_m=proposer_top_m, proposer_min_prob=proposer_min_prob)
    out.write_text(json.dumps({"meta": meta, "rows": rows, "reports": {s: r["report"] for s, r in results.items()}},
                              indent=2))
    print(f"Wrote {out}")


if __name__ == "__main__":
    typer.run(main)
