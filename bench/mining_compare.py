"""Benchmark: mining modes compared on the same pool sentences (issue 16).

Mining runs of different modes may cover different numbers of pool
sentences (binary prompting costs 18 questions per SemEval pair, so it
covers only the start of the pool). This script reads several ``mine``
output directories made from the same pool file, keeps the first N docs
that every run has (or ``--n-docs``), and reports for each run, on exactly
those docs: the mined labels' micro P/R/F1 against the pool's hidden gold,
the proposer's recall (``proposed_r``: the share of gold labels whose option
was asked in a yes/no question; 1.0 for binary prompting, which asks them all),
the LLM questions, the prompt tokens the LLM evaluated (cached prefixes not
counted; unlike seconds, independent of the threads and of the load), the LLM
seconds and the classifier proposer's seconds (all summed from the journal's
per-doc accounting) and the LLM seconds relative to the run named by
``--baseline``. Answers served from the answer cache count 0 tokens and 0 s:
compare costs with the run that asked the questions.

    python bench/mining_compare.py --pool bench/work/ds/pool.spacy \\
        --run clf=bench/work/ds/mine/clf-1pct --run binary=bench/work/ds/mine/binary-n30 --baseline binary
"""
import json
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import typer
from benchlib import REPO, print_table, run_meta


def _journal(directory: Path) -> Dict[int, Dict[str, Any]]:
    entries: Dict[int, Dict[str, Any]] = {}
    with (directory / "journal.jsonl").open(encoding="utf8") as handle:
        for n, line in enumerate(handle):
            if n:
                entry = json.loads(line)
                entries[int(entry["i"])] = entry
    return entries


def _proposed(mined_doc: Any, gold_doc: Any, pairs: List[Dict[str, Any]], loaded: Any) -> Tuple[int, int]:
    """Count one doc's gold labels whose option was asked in a yes/no question (the proposer's recall).

    mined_doc (Doc): The mined doc (its candidate pairs).
    gold_doc (Doc): The pool doc with its gold relations.
    pairs (List[Dict[str, Any]]): The doc's mining records from the journal (``mining.pairs``).
    loaded (Schema): The schema.
    RETURNS (Tuple[int, int]): (gold labels asked about, gold labels of the schema).
    """
    from spacy_mbre.data.relations import get_pairs, get_relations
    from spacy_mbre.pairs.options import gold_options

    relations = [r for r in get_relations(gold_doc, source="gold") if r.label in loaded]
    asked = {tuple(p["pair"]): {b["option"] for b in p.get("bin", [])} for p in pairs}
    hit = sum(len(gold_options(mined_doc, pair, loaded, relations) & asked.get(pair.key, set()))
              for pair in get_pairs(mined_doc))
    return hit, len(relations)


def main(
    pool: Path = typer.Option(..., help="The pool file every run mined (gold on its docs)"),
    run: List[str] = typer.Option(..., "--run", help="NAME=mine output directory; repeatable"),
    baseline: Optional[str] = typer.Option(None, help="The run whose LLM seconds are 1.0"),
    n_docs: int = typer.Option(0, help="Docs compared (0 = as many as every run has)"),
    schema: str = typer.Option("semeval", help="The schema"),
    out: Path = typer.Option(REPO / "bench" / "results" / "mining_compare.json", help="JSON output"),
) -> None:
    """Compare mining runs on the docs they share."""
    import spacy

    from spacy_mbre.data.readers.corpus import read_docs
    from spacy_mbre.data.relations import get_relations, relation_to_record
    from spacy_mbre.data.schema import load_schema
    from spacy_mbre.mining.miner import Prepared, score_mined

    loaded = load_schema(schema)
    nlp = spacy.blank("en")
    gold_docs = list(read_docs(pool, nlp))
    runs: Dict[str, Dict[str, Any]] = {}
    for item in run:
        name, sep, path = item.partition("=")
        directory = Path(path)
        if not sep or not (directory / "journal.jsonl").exists():
            raise typer.BadParameter(f"--run takes NAME=mine output directory, got {item!r}")
        runs[name] = {"dir": directory, "journal": _journal(directory)}
    shared = min(len(r["journal"]) for r in runs.values())
    n = min(n_docs or shared, shared)
    if any(set(range(n)) - set(r["journal"]) for r in runs.values()):
        raise typer.BadParameter("the runs do not all hold the first docs of the pool")
    rows = []
    for name, data in runs.items():
        mined_docs = list(read_docs(data["dir"] / "mined.spacy", nlp))[:n]
        items = []
        for i, (gold_doc, mined_doc) in enumerate(zip(gold_docs[:n], mined_docs)):
            gold = [relation_to_record(r) for r in get_relations(gold_doc, source="gold")]
            items.append((Prepared(i, mined_doc, gold), data["journal"][i]["relations"]))
        scores = (score_mined(items, loaded) or {}).get("micro", {})
        proposed = [_proposed(mined_doc, gold_doc, data["journal"][i].get("mining", {}).get("pairs", []), loaded)
                    for i, (gold_doc, mined_doc) in enumerate(zip(gold_docs[:n], mined_docs))]
        stats: Dict[str, float] = {}
        for i in range(n):
            for stage, counts in data["journal"][i]["stats"].items():
                kind = "classifier" if stage == "classifier" else "llm"
                stats[f"{kind}_seconds"] = stats.get(f"{kind}_seconds", 0.0) + float(counts.get("seconds", 0.0))
                stats["questions"] = stats.get("questions", 0.0) + float(counts.get("prompts", 0.0))
                stats["tokens"] = stats.get("tokens", 0.0) + float(counts.get("evaluated_tokens", 0.0))
        n_gold = sum(total for _, total in proposed)
        rows.append({"run": name, "docs": n, "p": scores.get("p"), "r": scores.get("r"), "f1": scores.get("f1"),
                     "proposed_r": sum(hit for hit, _ in proposed) / n_gold if n_gold else None,
                     "mined": sum(len(data["journal"][i]["relations"]) for i in range(n)),
                     "questions": int(stats.get("questions", 0)), "tokens": int(stats.get("tokens", 0)),
                     "llm_s": stats.get("llm_seconds", 0.0), "llm_s_per_pair": stats.get("llm_seconds", 0.0) / n,
                     "classifier_s": stats.get("classifier_seconds", 0.0), "vs_baseline": None})
    if baseline is not None:
        base = next((r for r in rows if r["run"] == baseline), None)
        if base is None or not base["llm_s"]:
            raise typer.BadParameter(f"--baseline {baseline!r} is not a run with LLM seconds")
        for row in rows:
            row["vs_baseline"] = row["llm_s"] / base["llm_s"]
    print_table(rows, ["run", "docs", "p", "r", "f1", "proposed_r", "mined", "questions", "tokens", "llm_s",
                       "llm_s_per_pair", "classifier_s", "vs_baseline"])
    out.parent.mkdir(parents=True, exist_ok=True)
    meta = run_meta(pool=str(pool), runs={k: str(v["dir"]) for k, v in runs.items()}, n_docs=n, baseline=baseline)
    out.write_text(json.dumps({"meta": meta, "rows": rows}, indent=2))
    print(f"Wrote {out}")


if __name__ == "__main__":
    typer.run(main)
