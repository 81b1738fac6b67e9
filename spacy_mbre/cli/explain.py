"""``python -m spacy_mbre explain``: ask an LLM why each few-shot gold
relation holds (TKRE's explanation-driven knowledge), crash-safe and cached
like ``mine``. See :mod:`spacy_mbre.pretrain.explain`."""
from pathlib import Path
from typing import List, Optional

import typer
from wasabi import Printer

from . import app, import_user_code

LLAMACPP = "spacy-mbre.LlamaCpp.v1"
MAX_TOKENS = 96


@app.command("explain")
def explain_cli(
    fewshot: Path = typer.Argument(..., help="Few-shot gold docs (.spacy or .jsonl) with gold relations"),
    output_dir: Path = typer.Argument(..., help="Output directory: explanations.jsonl, report.json, journal.jsonl"),
    schema: str = typer.Option("semeval", "--schema", help="Schema file or shipped schema name"),
    min_words: int = typer.Option(5, "--min-words", help="Reject explanations with fewer words"),
    min_distinct_trigrams: float = typer.Option(
        0.5, "--min-distinct-trigrams", help="Reject explanations whose share of distinct word 3-grams is lower (0-1)"
    ),
    require_entity: bool = typer.Option(
        True, "--require-entity/--no-require-entity", help="Reject explanations that name neither entity"
    ),
    model: str = typer.Option(LLAMACPP, "--model", help="A registered spacy-llm model (llm_models registry)"),
    model_args: List[str] = typer.Option(
        [], "--model-arg", help=f"key=value for the model's config; repeatable. For {LLAMACPP}, max_tokens defaults "
        f"to {MAX_TOKENS}"
    ),
    code: Optional[Path] = typer.Option(None, "--code", "-c", help="Python file to import first (registers models)"),
    cache: Optional[Path] = typer.Option(
        None, "--cache", help="Answer cache (sqlite; default OUTPUT_DIR/answers.sqlite); shareable with other runs"
    ),
    limit: Optional[int] = typer.Option(None, "--limit", help="Explain at most this many gold relations"),
    batch_size: int = typer.Option(16, "--batch-size", help="Relations per model call and journal chunk"),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar"),
) -> None:
    """Ask the LLM, for every gold relation of the few-shot docs, why the head
    has the relation with the tail; keep the non-degenerate answers in
    explanations.jsonl (input of `pretrain --explanations`). Rerunning the
    same command after a crash continues where it stopped."""
    import spacy

    from ..data.readers.corpus import read_docs
    from ..data.schema import load_schema
    from ..errors import ConfigError
    from ..llm.gateway import open_gateway
    from ..pretrain.explain import OUTPUT, REPORT, explain
    from ..pretrain.filtering import ExplanationFilter
    from .mine import parse_model_args

    msg = Printer()
    import_user_code(code)
    loaded = load_schema(schema)
    explanation_filter = ExplanationFilter(min_words, min_distinct_trigrams, require_entity)
    docs = list(read_docs(fewshot, spacy.blank("en")))
    if not docs:
        raise ConfigError(f"{fewshot}: no few-shot docs.")
    model_config = parse_model_args(model_args)
    if model == LLAMACPP and "max_tokens" not in model_config:
        model_config["max_tokens"] = MAX_TOKENS
    output_dir.mkdir(parents=True, exist_ok=True)
    gateway = open_gateway(model, model_config, cache if cache is not None else output_dir / "answers.sqlite")
    msg.info(f"Explaining the gold relations of {len(docs)} few-shot docs with model {model!r}")
    try:
        report = explain(docs, loaded, gateway, output_dir, explanation_filter, model=model, limit=limit,
                         batch_size=batch_size, progress=progress)
    finally:
        gateway.close()
    rejected = ", ".join(f"{k} {v}" for k, v in report["rejected"].items() if v) or "none"
    msg.text(
        f"{report['items']} relations: {report['kept']} explanations kept; rejected: {rejected}. "
        f"{report['llm_calls']} LLM calls, {report['cache_hits']} cache hits, {report['generated_tokens']:.0f} tokens "
        f"generated, model {report['seconds']:.1f} s, wall {report['wall_seconds']:.1f} s"
    )
    msg.good(f"Wrote {output_dir / OUTPUT} and {output_dir / REPORT}")
