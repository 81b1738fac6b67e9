"""The ``python -m spacy_mbre`` / ``spacy-mbre`` command-line interface.

Each command lives in its own module and registers itself on :data:`app`.
"""
import sys

import typer

from ..errors import MBReError

app = typer.Typer(
    name="spacy-mbre",
    help="Mine relation-extraction data with an LLM (M-BRe), train and evaluate relation classifiers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

# Command modules register themselves on `app` when imported.
from . import convert  # noqa: E402,F401
from . import schema  # noqa: E402,F401
from . import fetch_llm  # noqa: E402,F401
from . import group  # noqa: E402,F401
from . import mine  # noqa: E402,F401
from . import fewshot  # noqa: E402,F401
from . import evaluate  # noqa: E402,F401
from . import report  # noqa: E402,F401
from . import synthesize  # noqa: E402,F401


def main() -> None:
    """Run the CLI; user errors print one line, not a traceback."""
    try:
        app()
    except MBReError as err:
        typer.secho(f"✘ {err}", fg=typer.colors.RED, err=True)
        sys.exit(1)
