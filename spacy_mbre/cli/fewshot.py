"""``python -m spacy_mbre fewshot``: split converted gold docs into a few-shot
training set (k gold units per label, seeded) and an unlabelled mining pool."""
from pathlib import Path
from typing import Optional

import typer
from wasabi import Printer

from . import app


@app.command("fewshot")
def fewshot_cli(
    input_path: Path = typer.Argument(..., help="Converted gold docs (.spacy or .jsonl), e.g. the training set"),
    fewshot_path: Path = typer.Argument(..., help="Output: the few-shot gold docs (.spacy or .jsonl)"),
    pool_path: Path = typer.Argument(
        ...,
        help=(
            "Output: the mining pool, docs not in the few-shot set (.spacy or .jsonl); gold stays on the docs so "
            "mining can be scored, `mine` hides it from the LLM"
        ),
    ),
    schema: str = typer.Option("semeval", "--schema", help="Schema file or shipped schema name"),
    k: int = typer.Option(5, "--k", "-k", help="Gold units (pairs, or spans for typing) per label"),
    seed: int = typer.Option(0, "--seed", help="Seed of the sampling and of the pool order"),
    pool_size: int = typer.Option(
        0, "--pool-size",
        help="Docs in the pool (seeded random order); 0 = all remaining docs",
    ),
    include_none: bool = typer.Option(
        True, "--include-none/--no-include-none",
        help="Also sample k units of the 'no relation' label",
    ),
    summary_path: Optional[Path] = typer.Option(
        None, "--summary",
        help="Write the split (indices, counts per label, settings) as JSON",
    ),
) -> None:
    """Sample k gold examples per label (seeded, rarest label first) as a
    few-shot training set; the remaining docs, in seeded order and cut to
    --pool-size, form the pool that `mine` labels."""
    import spacy
    import srsly

    from ..data.readers.corpus import read_docs, write_docs
    from ..data.schema import load_schema
    from ..pairs import PairCounts
    from ..training.fewshot import split_docs

    msg = Printer()
    loaded = load_schema(schema)
    docs = list(read_docs(input_path, spacy.blank("en")))
    PairCounts().count(docs, loaded).report(msg, loaded)
    split = split_docs(docs, loaded, k=k, seed=seed, pool_size=pool_size, include_none=include_none)
    write_docs([docs[i] for i in split.fewshot], fewshot_path)
    write_docs([docs[i] for i in split.pool], pool_path)
    rows = [(label, split.counts.get(label, 0), n) for label, n in split.available.items()]
    msg.table(rows, header=("Label", "Few-shot units", "Available"), divider=True, aligns=("l", "r", "r"))
    if summary_path is not None:
        summary_path.parent.mkdir(parents=True, exist_ok=True)
        srsly.write_json(
            summary_path,
            {
                "input": str(input_path),
                "schema": loaded.name,
                "k": k,
                "seed": seed,
                "include_none": include_none,
                "docs": len(docs),
                "fewshot_docs": len(split.fewshot),
                "pool_docs": len(split.pool),
                "counts": split.counts,
                "available": split.available,
                "fewshot": split.fewshot,
                "pool": split.pool,
            },
        )
    msg.good(
        f"{len(split.fewshot)} few-shot docs → {fewshot_path}; {len(split.pool)} pool docs → {pool_path}"
        + (f"; summary → {summary_path}" if summary_path is not None else "")
    )
