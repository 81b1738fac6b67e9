"""Benchmark: the grouped multi-class stage as a proposer (issue 3: "the
multi-class stage must be designed to work ... high recall since the binary
stage filters ... and measured").

M-BRe can only mine a label its multi-class stage proposes, so the stage's
*proposal recall* — the share of gold-labelled pairs whose gold label is among
the proposed options — caps the miner's recall. This script measures it and
what proposing more options per group (``mine --max-proposals``) buys:

1. From the stored answers of a finished ``mbre`` run (no LLM call): per
   group question, the rank of the gold option among the group's options;
   proposal recall if each group proposed its top 1, 2, 3 options; how often a
   group answered "none".
2. Mines the same pairs again with ``--strategy mbre --max-proposals m`` for
   each m, through one answer cache seeded from the ``mbre`` and ``binary``
   runs of ``bench/mine_strategies.py``. A verification question (pair, label,
   its examples) is the same prompt in both strategies, so when the ``binary``
   run covered these pairs every answer is a cache hit and this step makes no
   model call; ``llm_calls`` in the table says how many were new. Prompts per
   pair is the comparable cost (``binary`` asks N per pair).

    python bench/mine_strategies.py --schema semeval --n-pairs 200
    python bench/proposals.py --n-pairs 200
"""
import json
from pathlib import Path
from typing import Any, Dict, List, Optional

import spacy
import typer
from benchlib import REPO, mining_pool, model_flags, print_table, run_cli, run_meta, seed_cache, work_dir

from spacy_mbre.data.readers.corpus import read_docs
from spacy_mbre.data.schema import load_schema
from spacy_mbre.mining.queries import gold_options, mining_pairs
from spacy_mbre.mining.record import pair_records
from spacy_mbre.mining.report import read_report


def proposal_ranks(mined: Path, pool: Path, schema_name: str) -> Dict[str, Any]:
    """Rank of the gold option in its group's multi-class answer, per gold-labelled pair.

    mined (Path): A ``mine`` output directory of strategy ``mbre``.
    pool (Path): The gold docs ``mine`` read, in the same order.
    schema_name (str): The schema (file or shipped name).
    RETURNS (Dict[str, Any]): Counts: pairs, gold-labelled pairs, group
        questions, "none" answers, gold-labelled pairs whose gold option the
        binary stage answered "yes", and per gold-labelled pair the best rank
        (1 = top option of its group; None = not offered in any group).
    """
    nlp = spacy.blank("en")
    schema = load_schema(schema_name)
    mined_docs = list(read_docs(mined / "mined.spacy", nlp))
    gold_docs = list(read_docs(pool, nlp))[: len(mined_docs)]
    ranks: List[Optional[int]] = []
    n_pairs = n_questions = n_none = verified = 0
    for gold_doc, mined_doc in zip(gold_docs, mined_docs):
        records = pair_records(mined_doc)
        for pair in mining_pairs(gold_doc, schema):
            record = records.get(pair.key)
            if record is None:
                continue
            n_pairs += 1
            questions = record.get("mc", [])
            n_questions += len(questions)
            n_none += sum(q["choice"] == "none" for q in questions)
            gold = gold_options(gold_doc, pair, schema)
            if not gold:
                continue
            best: Optional[int] = None
            for q in questions:
                probs = q.get("probs") or {}
                ranked = sorted((o for o in probs if o != "none"), key=lambda o: -probs[o])
                for rank, option in enumerate(ranked, start=1):
                    if option in gold and (best is None or rank < best):
                        best = rank
            ranks.append(best)
            verified += any(b["option"] in gold and b["choice"] == "yes" for b in record.get("bin", []))
    return {"pairs": n_pairs, "gold_pairs": len(ranks), "group_questions": n_questions,
            "none_answers": n_none, "gold_verified_yes": verified, "ranks": ranks}


def main(
    schema: str = typer.Option("semeval", help="semeval or redocred (as in bench/mine_strategies.py)"),
    n_pairs: int = typer.Option(200, help="Pairs of the mine_strategies runs to use"),
    k: int = typer.Option(5, help="Few-shot examples per label of the mine_strategies work directory"),
    seed: int = typer.Option(0, help="Seed of the mine_strategies work directory"),
    max_proposals: str = typer.Option("1,2,3", help="Comma-separated --max-proposals values to mine with"),
    work: Path = typer.Option(REPO / "bench" / "work", help="bench/mine_strategies.py's work directory root"),
    out: Optional[Path] = typer.Option(None, help="JSON output (default bench/results/proposals_<schema>_n<n>.json)"),
    model_arg: List[str] = typer.Option([], "--model-arg", help="key=value passed to the LLM model; repeatable"),
) -> None:
    """Measure the multi-class stage's proposal recall and mine with more proposals per group."""
    base = work_dir(work, schema, k, seed)
    pool, fewshot, groups = mining_pool(base, schema, n_pairs), base / "fewshot.spacy", base / "groups.json"
    runs = {s: base / f"{s}-n{n_pairs}" for s in ("mbre", "binary")}
    for strategy, run_dir in runs.items():
        if not (run_dir / "report.json").exists():
            raise typer.BadParameter(f"{run_dir} has no report.json: run bench/mine_strategies.py "
                                     f"--schema {schema} --n-pairs {n_pairs} first")
    stage = proposal_ranks(runs["mbre"], pool, schema)
    ranks = stage["ranks"]
    stage_rows = []
    for top in (1, 2, 3):
        hit = sum(r is not None and r <= top for r in ranks)
        stage_rows.append({"top": top, "gold_pairs": len(ranks), "gold_proposed": hit,
                           "proposal_recall": hit / len(ranks) if ranks else None})
    print(f"{stage['pairs']} pairs, {stage['gold_pairs']} with a gold label, "
          f"{stage['gold_verified_yes']} of them verified 'yes' for the gold label; "
          f"{stage['none_answers']} of {stage['group_questions']} group questions answered 'none'")
    print_table(stage_rows, ["top", "gold_pairs", "gold_proposed", "proposal_recall"])

    out_dir = base / f"proposals-n{n_pairs}"
    out_dir.mkdir(parents=True, exist_ok=True)
    cache = out_dir / "shared_answers.sqlite"
    if not cache.exists():
        seed_cache(cache, [runs["mbre"] / "answers.sqlite", runs["binary"] / "answers.sqlite"])
    model_args = model_flags(model_arg)
    rows: List[Dict[str, Any]] = []
    for m in (int(x) for x in max_proposals.split(",") if x):
        mined = out_dir / f"mbre-p{m}"
        run_cli(["mine", str(pool), str(mined), "--schema", schema, "--groups", str(groups), "--fewshot", str(fewshot),
                 "--strategy", "mbre", "--max-proposals", str(m), "--limit", str(n_pairs), "--seed", str(seed),
                 "--cache", str(cache), "--no-progress", *model_args])
        report = read_report(mined)
        micro = (report.get("gold") or {}).get("micro", {})
        total = report["total"]
        rows.append({"max_proposals": m, "precision": micro.get("p"), "recall": micro.get("r"), "f1": micro.get("f1"),
                     "prompts_per_pair": report["prompts_per_pair"], "llm_calls": total["llm_calls"],
                     "cache_hits": total.get("cache_hits"), "mined_relations": report["mined"]["relations"]})
    print_table(rows, ["max_proposals", "precision", "recall", "f1", "prompts_per_pair", "llm_calls", "cache_hits",
                       "mined_relations"])
    out = out or REPO / "bench" / "results" / f"proposals_{schema}_n{n_pairs}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    meta = run_meta(schema=schema, n_pairs=n_pairs, k=k, seed=seed)
    stage_summary = {key: value for key, value in stage.items() if key != "ranks"}
    out.write_text(json.dumps({"meta": meta, "stage": {**stage_summary, "top": stage_rows}, "rows": rows}, indent=2))
    print(f"Wrote {out}")


if __name__ == "__main__":
    typer.run(main)
