"""``python -m spacy_mbre synthesize``: write new training sentences with an
LLM from few-shot gold examples — unconditional (S2ynRE, an unlabelled pool)
or schema-constrained (TKRE, labelled samples) — crash-safe and cached like
``mine``. See :mod:`spacy_mbre.synthesis.synthesizer` for how a run works."""
from pathlib import Path
from typing import TYPE_CHECKING, List, Optional

import typer
from wasabi import Printer

from ..synthesis.run import LLAMACPP, TOKENS_PER_SAMPLE
from . import app, import_user_code

if TYPE_CHECKING:
    from ..synthesis.report import SynthesisReport


@app.command("synthesize")
def synthesize_cli(
    fewshot: Path = typer.Argument(
        ...,
        help=(
            "Few-shot gold docs (.spacy or .jsonl) with entities, candidate pairs and (for --mode schema) gold "
            "relations"
        ),
    ),
    output_dir: Path = typer.Argument(
        ...,
        help="Output directory: synthetic.spacy, synthetic.jsonl, report.json, journal.jsonl",
    ),
    mode: str = typer.Option(
        "unconditional", "--mode",
        help="unconditional (S2ynRE: marked sentences, no label) or schema (TKRE: labelled samples per relation)",
    ),
    schema: str = typer.Option("semeval", "--schema", help="Schema file or shipped schema name"),
    n: int = typer.Option(20, "--n", help="Samples to keep: in total (unconditional) or per relation (schema)"),
    max_attempts: int = typer.Option(
        10, "--max-attempts-per-label",
        help="Hard cap of prompts per relation (schema) or in total (unconditional)",
    ),
    per_prompt: int = typer.Option(5, "--per-prompt", help="Samples asked for per prompt"),
    n_examples: int = typer.Option(
        4, "--n-examples",
        help="In-context gold examples per prompt (drawn per attempt, seeded)",
    ),
    labels: Optional[str] = typer.Option(
        None, "--labels",
        help="Comma-separated relations to synthesise (schema mode; default: all)",
    ),
    entity_label: Optional[str] = typer.Option(
        None, "--entity-label",
        help="Entity label of unconditional samples (default: the gold entities' label if they share one, else ENTITY)",
    ),
    max_gold_overlap: Optional[float] = typer.Option(
        None, "--max-gold-overlap",
        help=(
            "Also reject near copies: samples with more than this share of their 3-grams from one gold text (0-1; "
            "default: only exact copies)"
        ),
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the in-context example draws"),
    model: str = typer.Option(LLAMACPP, "--model", help="A registered spacy-llm model (llm_models registry)"),
    model_args: List[str] = typer.Option(
        [], "--model-arg",
        help=(
            f"key=value for the model's config; repeatable. For {LLAMACPP}, max_tokens defaults to {TOKENS_PER_SAMPLE} "
            f"x --per-prompt"
        ),
    ),
    code: Optional[Path] = typer.Option(
        None, "--code", "-c",
        help="Python file to import first (registers extra functions)",
    ),
    cache: Optional[Path] = typer.Option(
        None, "--cache",
        help="Answer cache (sqlite; default OUTPUT_DIR/answers.sqlite); shareable with other runs",
    ),
    limit: Optional[int] = typer.Option(
        None, "--limit",
        help="Make at most this many attempts (prompts) in the whole run",
    ),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar"),
) -> None:
    """Write new relation-extraction samples with an LLM from few-shot gold
    examples, keep the well-formed ones, and write synthetic.spacy,
    synthetic.jsonl and report.json. Rerunning the same command after a
    crash continues where it stopped; the outputs equal those of an
    uninterrupted run."""
    from ..data.schema import load_schema
    from ..synthesis.run import synthesize_files
    from ..synthesis.synthesizer import SynthesisSettings
    from .mine import parse_model_args

    msg = Printer()
    import_user_code(code)
    loaded = load_schema(schema)
    chosen = [x.strip() for x in labels.split(",") if x.strip()] if labels else None
    settings = SynthesisSettings(
        mode=mode, n=n, max_attempts_per_label=max_attempts, per_prompt=per_prompt, n_examples=n_examples,
        seed=seed, limit=limit, labels=chosen, max_gold_overlap=max_gold_overlap,
    )
    report = synthesize_files(
        fewshot,
        output_dir,
        loaded,
        settings,
        model=model,
        model_config=parse_model_args(model_args),
        cache=cache,
        entity_label=entity_label,
        progress=progress,
        printer=msg,
    )
    _print_report(msg, report)
    msg.good(f"Wrote {output_dir / 'synthetic.spacy'}, {output_dir / 'synthetic.jsonl'} and "
             f"{output_dir / 'report.json'}")


def _print_report(msg: Printer, report: "SynthesisReport") -> None:
    rows = [
        (label, c["attempts"], c["kept"], "yes" if c["hit_attempt_cap"] else "")
        for label, c in report["per_label"].items()
    ]
    msg.table(rows, header=("label", "attempts", "kept", "attempt cap hit"), divider=True)
    rejected = ", ".join(f"{k} {v}" for k, v in report["rejected"].items()) or "none"
    fraction = report["kept_fraction"]
    msg.text(
        f"{report['prompts']} prompts ({report['llm_calls']:.0f} LLM calls, {report['cache_hits']:.0f} cache hits, "
        f"{report['skipped_duplicate_prompts']} identical prompts skipped), {report['generated_tokens']:.0f} tokens "
        f"generated, model {report['seconds']:.1f} s, wall {report['wall_seconds']:.1f} s"
    )
    msg.text(
        f"{report['candidates']} candidates: {report['valid']} valid "
        f"(kept fraction {'n/a' if fraction is None else f'{fraction:.3f}'}), {report['kept']} kept, "
        f"{report['surplus']} surplus; rejected: {rejected}"
    )
    div = report["diversity"]
    msg.text(
        f"3-gram TTR: pool {div['pool']['ttr']:.3f} ({div['pool']['ngrams']} 3-grams), gold {div['gold']['ttr']:.3f} "
        f"({div['gold']['ngrams']}); size-matched ({div['size_matched']['ngrams']}): pool "
        f"{div['size_matched']['pool_ttr']:.3f} vs gold {div['size_matched']['gold_ttr']:.3f}; "
        f"novel 3-gram types {div['novel_type_fraction']:.3f}"
    )
    if div["mean_max_gold_overlap"] is not None:
        msg.text(f"mean max share of a sample's 3-grams from one gold text: {div['mean_max_gold_overlap']:.3f}")
