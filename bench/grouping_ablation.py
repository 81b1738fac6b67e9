"""Benchmark: how the relation grouping affects M-BRe mining (issue 6, grouping ablation).

Mines the same pairs with ``--strategy mbre`` once per grouping: the paper's
greedy dissimilar grouping and random, k-means and agglomerative grouping
(scikit-learn) at K = N // 6, plus greedy grouping at other K. Prints, per
grouping, the mean intra-group TF-IDF similarity, micro P/R/F1 of the mined
labels against the hidden gold, prompts per pair, questions the model
answered, and LLM seconds; writes JSON.

The pairs, few-shot set and in-context examples are those of
``bench/mine_strategies.py`` (run it first). A binary verification question
(pair, label, its examples) is the same whatever the grouping, so by default
all groupings share one answer cache (``--shared-cache``, copied from
``--seed-cache`` if given): each verification is asked once, and prompts per
pair — not seconds — is the comparable cost. ``--no-shared-cache`` gives
every grouping its own empty cache and honest per-run seconds, at several
times the run time.

    python bench/mine_strategies.py --schema semeval --n-pairs 50 --strategies mbre
    python bench/grouping_ablation.py --n-pairs 50 \\
        --seed-cache bench/work/semeval-k5-s0/mbre-n50/answers.sqlite
"""
import json
from pathlib import Path
from typing import Any, Dict, List, Optional

import typer
from benchlib import REPO, mining_pool, model_flags, print_table, run_cli, run_meta, work_dir
from benchlib import seed_cache as seed_answers  # the name seed_cache is an option of main

from spacy_mbre.mining.report import read_report


def main(
    schema: str = typer.Option("semeval", help="semeval or redocred (as in bench/mine_strategies.py)"),
    n_pairs: int = typer.Option(50, help="Pairs mined per grouping"),
    k: int = typer.Option(5, help="Few-shot examples per label of the mine_strategies work directory"),
    seed: int = typer.Option(0, help="Seed of the work directory, of the groupings and the example draws"),
    methods: str = typer.Option("greedy,random,kmeans,agglomerative", help="Grouping methods at the default K"),
    ks: str = typer.Option("1,2,6", help="Other K values, with greedy grouping"),
    shared_cache: bool = typer.Option(True, "--shared-cache/--no-shared-cache",
                                      help="One answer cache for all groupings (see the module docstring)"),
    seed_cache: Optional[Path] = typer.Option(None, help="Copy this answer cache as the shared cache's start"),
    work: Path = typer.Option(REPO / "bench" / "work", help="bench/mine_strategies.py's work directory root"),
    out: Optional[Path] = typer.Option(
        None,
        help="JSON output (default bench/results/grouping_ablation_<schema>.json)",
    ),
    model_arg: List[str] = typer.Option([], "--model-arg", help="key=value passed to the LLM model; repeatable"),
) -> None:
    """Mine the same pairs with M-BRe under different groupings and compare."""
    base = work_dir(work, schema, k, seed)
    pool, fewshot = mining_pool(base, schema, n_pairs), base / "fewshot.spacy"
    if not pool.exists() or not fewshot.exists():
        raise typer.BadParameter(f"{pool} or {fewshot} is missing: run bench/mine_strategies.py --schema {schema} "
                                 f"--n-pairs {n_pairs} first")
    abl = base / f"grouping-n{n_pairs}"
    abl.mkdir(parents=True, exist_ok=True)
    cache = abl / "shared_answers.sqlite"
    if shared_cache and seed_cache and not cache.exists():
        seed_answers(cache, [seed_cache])
    runs = [(m, None) for m in methods.split(",") if m] + [("greedy", int(x)) for x in ks.split(",") if x]
    model_args = model_flags(model_arg)
    rows: List[Dict[str, Any]] = []
    for method, n_groups in runs:
        tag = f"{method}-k{n_groups if n_groups else 'default'}"
        groups = abl / f"groups-{tag}.json"
        run_cli(["group", schema, str(groups), "--method", method, "--seed", str(seed),
                 *(["--k", str(n_groups)] if n_groups else [])])
        mined = abl / f"mbre-{tag}"
        cache_args = ["--cache", str(cache)] if shared_cache else []
        run_cli(["mine", str(pool), str(mined), "--schema", schema, "--groups", str(groups), "--fewshot", str(fewshot),
                 "--strategy", "mbre", "--limit", str(n_pairs), "--seed", str(seed), "--no-progress",
                 *cache_args, *model_args])
        report = read_report(mined)
        info = json.loads(groups.read_text())
        micro = (report.get("gold") or {}).get("micro", {})
        total = report["total"]
        rows.append({
            "method": method, "k": info["k"], "mean_similarity": info["mean_similarity"],
            "precision": micro.get("p"), "recall": micro.get("r"), "f1": micro.get("f1"),
            "prompts_per_pair": report["prompts_per_pair"], "llm_calls": total["llm_calls"],
            "cache_hits": total.get("cache_hits"), "llm_seconds": total.get("seconds"),
            "mined_relations": report["mined"]["relations"],
        })
    header = ["method", "k", "mean_similarity", "precision", "recall", "f1", "prompts_per_pair", "llm_calls",
              "cache_hits", "llm_seconds", "mined_relations"]
    print_table(rows, header)
    out = out or REPO / "bench" / "results" / f"grouping_ablation_{schema}.json"
    meta = run_meta(schema=schema, n_pairs=n_pairs, k=k, seed=seed, shared_cache=shared_cache,
                    seed_cache=str(seed_cache) if seed_cache else None)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"meta": meta, "rows": rows}, indent=2))
    print(f"Wrote {out}")


if __name__ == "__main__":
    typer.run(main)
