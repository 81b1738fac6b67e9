"""``python -m spacy_mbre report``: combine a workflow run's mining reports and
evaluation results into report.json, report.md and PNG plots."""
from pathlib import Path
from typing import List, Optional

import typer
from wasabi import Printer

from . import app

REPORT_FILE = "report.json"
MINED_FILE = "mined.spacy"


@app.command("report")
def report_cli(
    output_dir: Path = typer.Argument(..., help="Output directory: report.json, report.md and the PNG plots"),
    mining: List[Path] = typer.Option(
        [], "--mining",
        help="A `mine` output directory (report.json, mined.spacy); repeatable, one per strategy",
    ),
    evals: List[Path] = typer.Option(
        [], "--eval",
        help="An `evaluate` JSON result; repeatable (e.g. gold-only and gold + mined)",
    ),
    sweep_pool: Optional[Path] = typer.Option(
        None, "--sweep-pool",
        help="The gold pool docs `mine` read: enables the θ sweep of the mined labels",
    ),
    sweep_mining: Optional[Path] = typer.Option(
        None, "--sweep-mining",
        help="The `mine` directory to sweep (default: the first --mining of strategy mbre, else binary)",
    ),
    schema: Optional[str] = typer.Option(
        None, "--schema",
        help="Schema file or shipped name for the θ sweep (default: the name in the mining report)",
    ),
    title: str = typer.Option("spacy-mbre workflow report", "--title", help="Title of the report"),
) -> None:
    """Read the mining report(s) and evaluation JSONs of one run, compute the
    θ sweep from the stored stage answers, and write report.json, report.md,
    f1_vs_llm_time.png (mined-label F1 over LLM seconds per pair),
    f1_gold_vs_mined.png and theta_sweep.png. Every
    number is read from the given files."""
    import spacy
    import srsly

    from ..data.readers.corpus import read_docs
    from ..data.schema import load_schema
    from ..errors import ConfigError
    from ..mining.sweep import theta_sweep
    from ..reporting import build_report, eval_row, make_plots, mining_row, read_json, to_markdown

    msg = Printer()
    mining_rows = []
    reports = {}
    for directory in mining:
        data = read_json(directory / REPORT_FILE)
        reports[directory] = data
        mining_rows.append(mining_row(data, directory / REPORT_FILE))
    eval_rows = [eval_row(read_json(path), path) for path in evals]
    sweep = None
    if sweep_pool is not None:
        target = sweep_mining
        if target is None:
            by_strategy = {row["strategy"]: d for row, d in zip(mining_rows, mining)}
            target = by_strategy.get("mbre", by_strategy.get("binary"))
        if target is None:
            raise ConfigError("--sweep-pool needs a --mining directory of strategy mbre or binary (or --sweep-mining).")
        settings = (reports.get(target) or read_json(target / REPORT_FILE))["settings"]
        loaded = load_schema(schema if schema is not None else settings["schema"])
        if loaded.name != settings["schema"]:
            raise ConfigError(
                f"--schema {schema!r} is {loaded.name!r}, but {target} was mined with {settings['schema']!r}."
            )
        nlp = spacy.blank("en")
        mined_docs = list(read_docs(target / MINED_FILE, nlp))
        gold_docs = list(read_docs(sweep_pool, nlp))
        sweep = theta_sweep(mined_docs, gold_docs, loaded, no_prob_policy=settings["strategy"]["no_prob_policy"],
                            confidence=settings["strategy"].get("confidence", "raw"))
        sweep["source"] = str(target / MINED_FILE)
        sweep["gold"] = str(sweep_pool)
        sweep["strategy"] = settings["strategy"]["strategy"]
    report = build_report(mining_rows, eval_rows, sweep, title=title)
    output_dir.mkdir(parents=True, exist_ok=True)
    plots = make_plots(report, output_dir)
    report["plots"] = [str(p) for p in plots]
    srsly.write_json(output_dir / "report.json", report)
    markdown = to_markdown(report, plots)
    (output_dir / "report.md").write_text(markdown, encoding="utf8")
    print(markdown)
    msg.good("Report written")
    for path in [output_dir / "report.json", output_dir / "report.md", *plots]:
        msg.text(str(path))
