"""Tabulate `bench/run_scierc.sh` runs: SciERC Rel / Rel+ with gold entities and
end to end (spaCy ner -> mbre_pairs -> mbre_relations), per relation setting.

    python bench/scierc_table.py --settings subject-mdos-false-clm-false,none-mdos-false-clm-false --seed 0

A setting is the workflow's `<packing>-mdos-<mdos>-clm-<clm>`. Dev scores (Rel
micro-F1 on SciERC dev with gold entities, the config's score) come from the
training log `bench/work/scierc/logs/<setting>-s<SEED>.log`; test scores from
`bench/results/scierc_gold-entities-<setting>_s<SEED>.json` and
`bench/results/scierc_e2e-<setting>_s<SEED>.json` (what `evaluate --rel-plus` and
`evaluate --end-to-end` wrote). `<setting>@<tag>` reads a rerun made with
`RUN_TAG=<tag>`: `<setting>-s<SEED>-<tag>.log` and `..._s<SEED>_<tag>.json`.
A run whose log is gone (work directories do not survive a machine change)
keeps the dev curve the JSON written before recorded. Speeds are each evaluation's own timing of the
551 test sentences (`docs_per_second` = sentences/s, SURE's unit); the ratio
column divides by the per-pair setting's (`none-mdos-false-clm-false`).
Writes bench/results/scierc_table.json.
"""
import json
from pathlib import Path
from typing import Any, Dict, List, Optional

import typer
from benchlib import REPO, dev_curve_or_kept

LOGS = REPO / "bench" / "work" / "scierc" / "logs"
RESULTS = REPO / "bench" / "results"
PER_PAIR = "none-mdos-false-clm-false"

app = typer.Typer(add_completion=False)


def _pct(value: Optional[float]) -> str:
    return "–" if value is None else f"{100 * value:.2f}"


def _load(path: Path) -> Optional[Dict[str, Any]]:
    return json.loads(path.read_text()) if path.exists() else None


@app.command()
def main(
    settings: str = typer.Option(
        "subject-mdos-false-clm-false,none-mdos-false-clm-false", help="Comma-separated settings"
    ),
    seed: int = typer.Option(0, help="The workflow's seed"),
    out: Path = typer.Option(RESULTS / "scierc_table.json", help="JSON output"),
) -> None:
    """Print the table and write the JSON."""
    rows: List[Dict[str, Any]] = []
    kept = {row["setting"]: row["dev_curve"] for row in json.loads(out.read_text())["rows"]} if out.exists() else {}
    for setting in settings.split(","):
        name, _, tag = setting.partition("@")
        suffix = f"_s{seed}_{tag}" if tag else f"_s{seed}"
        gold = _load(RESULTS / f"scierc_gold-entities-{name}{suffix}.json")
        e2e = _load(RESULTS / f"scierc_e2e-{name}{suffix}.json") or {}
        if gold is None:
            continue
        log = LOGS / (f"{name}-s{seed}-{tag}.log" if tag else f"{name}-s{seed}.log")
        curve = dev_curve_or_kept(log, kept.get(setting))
        best = max(curve, key=lambda point: point[1]) if curve else None
        g, e = gold["scores"], e2e.get("scores", {})
        rows.append({
            "setting": setting, "seed": seed, "dev_curve": curve,
            "best_step": best[0] if best else None, "best_dev_rel_f": best[1] if best else None,
            "gold_rel_p": g["rel_micro_p"], "gold_rel_r": g["rel_micro_r"], "gold_rel_f": g["rel_micro_f"],
            "gold_rel_plus_f": g.get("rel_plus_micro_f"),
            "gold_sentences_per_s": gold["docs_per_second"], "gold_pairs_per_s": gold["pairs_per_second"],
            "gold_pairs": gold["pairs"],
            "ner_p": e.get("ents_p"), "ner_r": e.get("ents_r"), "ner_f": e.get("ents_f"),
            "e2e_rel_f": e.get("rel_micro_f"), "e2e_rel_plus_f": e.get("rel_plus_micro_f"),
            "e2e_sentences_per_s": e2e.get("docs_per_second"),
            "e2e_pairs": e2e.get("pairs"),
        })
    base = next((row for row in rows if row["setting"] == PER_PAIR), None)
    print("| setting | dev Rel F1 at each evaluation | best step | gold entities: Rel P / R / F1 (= Rel+) | "
          "sentences/s (vs per pair) | end to end: NER F1 | Rel F1 | Rel+ F1 | sentences/s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        row["gold_speed_vs_per_pair"] = (row["gold_sentences_per_s"] / base["gold_sentences_per_s"]
                                         if base and row["gold_sentences_per_s"] else None)
        ratio = f" ({row['gold_speed_vs_per_pair']:.2f}×)" if row["gold_speed_vs_per_pair"] else ""
        curve = " / ".join(f"{score:.2f}" for _, score in row["dev_curve"]) or "(log not kept)"
        print(f"| {row['setting']} | {curve} | {row['best_step'] or '–'} | {_pct(row['gold_rel_p'])} / "
              f"{_pct(row['gold_rel_r'])} / **{_pct(row['gold_rel_f'])}** | {row['gold_sentences_per_s']}{ratio} | "
              f"{_pct(row['ner_f'])} | **{_pct(row['e2e_rel_f'])}** | **{_pct(row['e2e_rel_plus_f'])}** | "
              f"{row['e2e_sentences_per_s'] if row['e2e_sentences_per_s'] is not None else '–'} |")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"seed": seed, "rows": rows}, indent=2))
    print(f"Wrote {out}")


if __name__ == "__main__":
    app()
