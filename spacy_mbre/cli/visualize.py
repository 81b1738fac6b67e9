"""``python -m spacy_mbre visualize``: docs with entities and relation arcs → HTML."""
from itertools import islice
from pathlib import Path
from typing import List, Optional

import spacy
import typer
from wasabi import Printer

from ..data.readers.corpus import read_docs
from ..errors import ConfigError
from ..visualize import add_records_from, ordered_sources, write_html
from . import app


def visualize(
    input_path: Path,
    output_path: Path,
    *,
    sources: Optional[List[str]] = None,
    with_paths: Optional[List[Path]] = None,
    limit: int = 20,
    offset: int = 0,
    collapse: bool = True,
    max_gap_chars: int = 16,
    max_span_chars: int = 20,
) -> List[str]:
    """Write docs as an HTML page of entities and relation arcs.

    input_path (Path): A .spacy / .jsonl file (or a directory of them).
    output_path (Path): The .html file.
    sources (Optional[List[str]]): Record sources to draw; None draws all.
    with_paths (Optional[List[Path]]): Files whose docs (matched by id, else
        text) add their records of other sources, e.g. the gold pool next to
        mined docs.
    limit (int): Docs drawn at most (0 for all).
    offset (int): Docs skipped first.
    collapse (bool): Collapse the text between entities in the arc views.
    max_gap_chars (int): Longest collapsed text.
    max_span_chars (int): Longest span text in the arc views.
    RETURNS (List[str]): The sources drawn.
    """
    if output_path.suffix not in (".html", ".htm"):
        raise ConfigError(f"Output must end in .html, got {output_path.name!r}.")
    if limit < 0 or offset < 0:
        raise ConfigError("--limit and --offset must be 0 or more.")
    nlp = spacy.blank("en")
    docs = list(islice(read_docs(input_path, nlp), offset, offset + limit if limit else None))
    for path in with_paths or []:
        docs = add_records_from(docs, read_docs(path, nlp))
    shown = list(sources) if sources else ordered_sources(docs)
    write_html(
        docs,
        output_path,
        shown,
        title=input_path.name,
        collapse=collapse,
        max_gap_chars=max_gap_chars,
        max_span_chars=max_span_chars,
    )
    return shown


@app.command("visualize")
def visualize_cli(
    input_path: Path = typer.Argument(..., help="Docs: .spacy / .jsonl file or a directory of them", exists=True),
    output_path: Path = typer.Argument(..., help="Output .html file"),
    source: Optional[List[str]] = typer.Option(
        None, "--source", "-s", help="Record source to draw, repeatable (default: every source present)"
    ),
    with_paths: Optional[List[Path]] = typer.Option(
        None, "--with", "-w", help="Add the records of the same docs (by id, else text) from this file, repeatable"
    ),
    limit: int = typer.Option(20, "--limit", "-n", help="Docs to draw at most (0: all)"),
    offset: int = typer.Option(0, "--offset", help="Docs to skip first"),
    collapse: bool = typer.Option(True, "--collapse/--no-collapse", help="One word for the text between entities"),
    max_gap_chars: int = typer.Option(16, "--max-gap-chars", help="Longest collapsed text between entities"),
    max_span_chars: int = typer.Option(20, "--max-span-chars", help="Longest entity text in the arc views"),
) -> None:
    """Render docs with their entities and relation arcs (head → tail, label,
    score) as an HTML page: one arc view per record source (gold, mined,
    predicted...), side by side and coloured by source, drawn by displaCy."""
    msg = Printer()
    shown = visualize(
        input_path,
        output_path,
        sources=source,
        with_paths=with_paths,
        limit=limit,
        offset=offset,
        collapse=collapse,
        max_gap_chars=max_gap_chars,
        max_span_chars=max_span_chars,
    )
    msg.good(f"Wrote {output_path} (sources: {', '.join(shown) or 'none'})")
