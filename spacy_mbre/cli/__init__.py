"""The ``python -m spacy_mbre`` / ``spacy-mbre`` command-line interface.

Each command lives in its own module and registers itself on :data:`app`.
"""
import sys
from pathlib import Path
from typing import Optional

import typer

from ..errors import ConfigError, MBReError

app = typer.Typer(
    name="spacy-mbre",
    help="Mine relation-extraction data with an LLM (M-BRe), train and evaluate relation classifiers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)



def import_user_code(code: Optional[Path]) -> None:
    """Import a user's Python file (``--code``) so that the functions it
    registers (models, readers, ...) can be named in configs.

    code (Optional[Path]): The file, or None for nothing to import.
    RAISES (ConfigError): The file does not exist.
    """
    if code is None:
        return
    if not code.exists():
        raise ConfigError(f"--code: no file at {code}")
    from spacy.util import import_file

    import_file("spacy_mbre_user_code", code)


# Command modules register themselves on `app` when imported, in the order
# `--help` lists them.
# isort: off
from . import convert  # noqa: E402,F401
from . import schema  # noqa: E402,F401
from . import fetch_llm  # noqa: E402,F401
from . import group  # noqa: E402,F401
from . import mine  # noqa: E402,F401
from . import fewshot  # noqa: E402,F401
from . import evaluate  # noqa: E402,F401
from . import report  # noqa: E402,F401
from . import synthesize  # noqa: E402,F401
from . import self_train  # noqa: E402,F401
from . import calibrate  # noqa: E402,F401
from . import visualize  # noqa: E402,F401
from . import review  # noqa: E402,F401
from . import explain  # noqa: E402,F401
from . import pretrain  # noqa: E402,F401
from . import iterate  # noqa: E402,F401
# isort: on


def main() -> None:
    """Run the CLI; user errors print one line, not a traceback."""
    try:
        app()
    except MBReError as err:
        typer.secho(f"✘ {err}", fg=typer.colors.RED, err=True)
        sys.exit(1)
