"""``python -m spacy_mbre evaluate``: score a trained pipeline on converted
test docs (micro/macro P/R/F1, SemEval official macro-F1, typing scores;
with ``--end-to-end``, NER, Rel and Rel+ of a pipeline that predicts the
entities too) and write the result as JSON."""
from pathlib import Path
from typing import Optional

import typer
from wasabi import Printer

from . import app, import_user_code


@app.command("evaluate")
def evaluate_cli(
    model: Path = typer.Argument(..., help="A trained pipeline directory, e.g. training/gold/model-last"),
    test_path: Path = typer.Argument(..., help="Converted gold test docs (.spacy or .jsonl, or a directory of them)"),
    output: Path = typer.Argument(..., help="Where to write the JSON result"),
    schema: Optional[str] = typer.Option(
        None, "--schema",
        help="Schema (default: the pipeline's mbre_relations schema)",
    ),
    n_docs: int = typer.Option(0, "--n-docs", help="Score a seeded random sample of this many docs; 0 = all"),
    seed: int = typer.Option(0, "--seed", help="Seed of the --n-docs sample"),
    semeval: Optional[bool] = typer.Option(
        None, "--semeval/--no-semeval",
        help="SemEval official scores (default: when the schema is 'semeval')",
    ),
    batch_size: int = typer.Option(64, "--batch-size", help="Docs per batch"),
    rel_plus: bool = typer.Option(False, "--rel-plus", help="Also score Rel+ (entity types must match too)"),
    end_to_end: bool = typer.Option(
        False, "--end-to-end",
        help="Run the pipeline on the docs' text alone (its ner predicts the entities) and score NER, Rel and Rel+",
    ),
    gold_preproc: bool = typer.Option(
        False, "--gold-preproc",
        help="With --end-to-end: predict on the gold tokens instead of the pipeline's tokenisation of the text",
    ),
    spans_key: Optional[str] = typer.Option(
        None, "--spans-key",
        help="With --end-to-end: the pipeline's entities are in doc.spans[KEY] (a spancat), not doc.ents",
    ),
    label: Optional[str] = typer.Option(None, "--label", help="Name of this run in the JSON (default: the model path)"),
    code: Optional[Path] = typer.Option(
        None, "--code", "-c",
        help="Python file to import first (registers extra functions)",
    ),
) -> None:
    """Load a trained pipeline, run it on the test docs with their gold
    relations removed, score the predictions against the gold and write the
    scores (and prediction speed) as JSON. With --end-to-end the pipeline
    gets only the text (no gold entities or candidate pairs): a pipeline such
    as ner → mbre_pairs → mbre_relations (configs/scierc_e2e.cfg) is scored
    on NER P/R/F1, Rel and Rel+ (always reported), matched by character
    offsets."""
    import spacy
    import srsly

    from ..data.readers.corpus import read_docs
    from ..data.schema import load_schema
    from ..errors import ConfigError
    from ..evaluation import evaluate_docs, evaluate_end_to_end, find_schema, headline, sample_docs
    from ..pairs import PairCounts

    msg = Printer()
    import_user_code(code)
    try:
        nlp = spacy.load(model)
    except OSError as err:
        raise ConfigError(f"Cannot load the pipeline at {model}: {err}") from None
    loaded = load_schema(schema) if schema is not None else find_schema(nlp)
    if loaded is None:
        raise ConfigError(f"The pipeline at {model} has no component with a schema; pass --schema.")
    docs = sample_docs(list(read_docs(test_path, spacy.blank("en"))), n_docs, seed)
    if (gold_preproc or spans_key is not None) and not end_to_end:
        raise ConfigError("--gold-preproc and --spans-key only apply with --end-to-end.")
    if end_to_end:
        result = evaluate_end_to_end(
            nlp, docs, loaded, batch_size=batch_size, gold_preproc=gold_preproc, spans_key=spans_key
        )
        entities = result["entities"]
        msg.info(f"{entities['predicted']} entities predicted ({entities['gold']} gold) in {len(docs)} docs")
    else:
        PairCounts().count(docs, loaded).report(msg, loaded)
        result = evaluate_docs(nlp, docs, loaded, semeval=semeval, batch_size=batch_size, rel_plus=rel_plus)
    result = {
        "label": label or str(model),
        "model": str(model),
        "test": str(test_path),
        "n_docs": n_docs,
        "seed": seed,
        **result,
        "headline": headline(result),
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    srsly.write_json(output, result)
    rows = [(key, "-" if value is None else f"{value:.4f}") for key, value in result["headline"].items()]
    msg.table(rows, header=("Score", "Value"), divider=True, aligns=("l", "r"))
    msg.good(
        f"Scored {result['docs']} docs ({result['pairs']} candidate pairs) in {result['seconds']:.1f} s; wrote {output}"
    )
