"""``python -m spacy_mbre review export|import``: mined docs to Prodigy or
doccano review files, and reviewed files back to gold docs."""
from pathlib import Path

import spacy
import typer
from wasabi import Printer

from ..data.readers.corpus import read_docs, write_docs
from ..review import ReviewFormat, export_review, import_review
from ..review.common import REJECT_NEGATIVE
from . import app

review_app = typer.Typer(
    name="review",
    help="Review mined relations by hand in Prodigy or doccano, and import the result as gold.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
app.add_typer(review_app, name="review")


@review_app.command("export")
def export_cli(
    input_path: Path = typer.Argument(..., help="Docs: .spacy / .jsonl file or a directory of them", exists=True),
    output_path: Path = typer.Argument(..., help="Review tasks to write (.jsonl)"),
    fmt: ReviewFormat = typer.Option(ReviewFormat.prodigy, "--format", "-f", help="Review tool's format"),
    source: str = typer.Option("mined", "--source", "-s", help="Record source to review"),
    skip_empty: bool = typer.Option(False, "--skip-empty", help="Leave out docs without a relation of that source"),
) -> None:
    """Write docs as Prodigy rel.manual tasks or doccano relation JSONL,
    showing the relations of one source (`mine`'s output: mined) for review."""
    nlp = spacy.blank("en")
    n_tasks = export_review(read_docs(input_path, nlp), output_path, fmt, source=source, skip_empty=skip_empty)
    Printer().good(f"Wrote {n_tasks} {fmt.value} tasks to {output_path}")


@review_app.command("import")
def import_cli(
    input_path: Path = typer.Argument(..., help="Reviewed file (.jsonl)", exists=True, dir_okay=False),
    output_path: Path = typer.Argument(..., help="Gold docs to write: .spacy or .jsonl"),
    fmt: ReviewFormat = typer.Option(ReviewFormat.prodigy, "--format", "-f", help="Review tool's format"),
    rejected: str = typer.Option(
        REJECT_NEGATIVE, "--rejected", help="Prodigy 'reject' answers: negative (no relation) or drop"
    ),
    lang: str = typer.Option("en", "--lang", "-l", help="Language of the tokenizer for doccano's texts"),
) -> None:
    """Read a reviewed Prodigy or doccano file back as gold docs. Kept
    relations become gold records, rejected ones leave their pair as "no
    relation"."""
    msg = Printer()
    docs, stats = import_review(input_path, fmt, nlp=spacy.blank(lang), rejected=rejected)
    write_docs(docs, output_path)
    msg.good(f"Wrote {stats.docs} gold docs to {output_path}")
    msg.table(stats.rows(), header=("Count", "Value"), divider=True, aligns=("l", "r"))
