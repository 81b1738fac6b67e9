"""Shared test fixtures: registers the FAKE LLM ``spacy-mbre-test.FakeLLM.v1``
(tests/fake_llm.py) in spacy-llm's model registry, and skips every test
marked ``llm`` (it runs the real local GGUF) where llama-cpp-python or the
default model is missing, with the command that provides it. Also the
``semeval_docbin`` fixture: a tiny SemEval-format file, converted; and, for
the slow install tests, ``spacy_mbre_wheel`` (a wheel built from a copy of
the source) and ``fresh_python`` (a new virtual environment with that wheel
installed)."""
import importlib.util
import os
import shutil
import site
import subprocess
import sys
import venv
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import pytest
from spacy.util import import_file

from spacy_mbre.cli.convert import Format, convert

FAKE_LLM_PATH = Path(__file__).parent / "fake_llm.py"
FAKE_LLM_MODULE = "spacy_mbre_tests_fake_llm"
if FAKE_LLM_MODULE not in sys.modules:
    sys.modules[FAKE_LLM_MODULE] = import_file(FAKE_LLM_MODULE, FAKE_LLM_PATH)
fake_llm = sys.modules[FAKE_LLM_MODULE]


def pytest_collection_modifyitems(config: pytest.Config, items: List[pytest.Item]) -> None:
    from spacy_mbre.llm.models import assets

    missing = []
    if importlib.util.find_spec("llama_cpp") is None:
        missing.append("llama-cpp-python is not installed (pip install 'spacy-mbre[llm]')")
    if not assets.default_model_path().is_file():
        missing.append(
            f"default GGUF not assembled at {assets.default_model_path()}: run `python -m spacy_mbre fetch-llm`"
        )
    if missing:
        skip = pytest.mark.skip(reason="; ".join(missing))
        for item in items:
            if "llm" in item.keywords:
                item.add_marker(skip)


# 12 sentences: Cause-Effect in both directions, Content-Container(e1,e2),
# Message-Topic(e1,e2) and Other; 3 each of the first two classes.
SEMEVAL_ROWS = [
    ("The <e1>fire</e1> was caused by the <e2>heat</e2>.", "Cause-Effect(e2,e1)"),
    ("The <e1>flood</e1> was caused by the <e2>rain</e2>.", "Cause-Effect(e2,e1)"),
    ("The <e1>crash</e1> came from the <e2>ice</e2>.", "Cause-Effect(e2,e1)"),
    ("The <e1>virus</e1> caused the <e2>fever</e2>.", "Cause-Effect(e1,e2)"),
    ("The <e1>storm</e1> caused the <e2>damage</e2>.", "Cause-Effect(e1,e2)"),
    ("The <e1>smoke</e1> caused a <e2>cough</e2>.", "Cause-Effect(e1,e2)"),
    ("The <e1>cup</e1> is in the <e2>box</e2>.", "Content-Container(e1,e2)"),
    ("The <e1>coins</e1> are in the <e2>jar</e2>.", "Content-Container(e1,e2)"),
    ("The <e1>book</e1> is about <e2>birds</e2>.", "Message-Topic(e1,e2)"),
    ("The <e1>man</e1> saw a <e2>dog</e2>.", "Other"),
    ("A <e1>woman</e1> walked past the <e2>shop</e2>.", "Other"),
    ("The <e1>boy</e1> sat near the <e2>desk</e2>.", "Other"),
]


def write_semeval(path: Path, rows=SEMEVAL_ROWS) -> Path:
    """path (Path): Where to write a SemEval-2010 Task 8 format file.
    RETURNS (Path): The path.
    """
    lines = []
    for i, (text, label) in enumerate(rows, start=1):
        lines += [f'{i}\t"{text}"', label, "Comment:", ""]
    path.write_text("\n".join(lines) + "\n", encoding="utf8")
    return path


@pytest.fixture
def semeval_docbin(tmp_path: Path) -> Path:
    """RETURNS (Path): The converted tiny SemEval file (.spacy)."""
    src = write_semeval(tmp_path / "tiny_semeval.txt")
    out = tmp_path / "tiny_semeval.spacy"
    convert(Format.semeval, src, out)
    return out


@pytest.fixture(scope="session")
def semeval_docbin_shared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """RETURNS (Path): The converted tiny SemEval file, one per session (for
    session- or module-scoped fixtures; do not change it)."""
    tmp = tmp_path_factory.mktemp("tiny_semeval")
    out = tmp / "tiny_semeval.spacy"
    convert(Format.semeval, write_semeval(tmp / "tiny_semeval.txt"), out)
    return out


# A user's typed schema (5 relations over Peop/Org/Loc, each allowed between
# exactly one ordered pair of types; "Other" entities pair with nothing) and
# 6 docs as JSONL with character offsets and no "pairs". Under the schema
# the docs have 3, 4, 2, 1, 0 and 1 candidate pairs (11; 20 without types),
# and doc d5 (Other + Org) has entities but none.
TYPED_DIR = Path(__file__).parent / "data" / "typed"


@pytest.fixture(scope="session")
def typed_schema_path() -> Path:
    """RETURNS (Path): The typed schema file (tests/data/typed/schema.json)."""
    return TYPED_DIR / "schema.json"


@pytest.fixture(scope="session")
def typed_jsonl() -> Path:
    """RETURNS (Path): The typed docs, JSONL without pairs (tests/data/typed/docs.jsonl)."""
    return TYPED_DIR / "docs.jsonl"


# ---------------------------------------------------------------- installing
REPO = Path(__file__).parents[1]
# What building the distribution reads: setup.cfg's metadata (README.md is the
# long description), pyproject.toml's build system and the package.
BUILD_FILES = ("setup.cfg", "pyproject.toml", "README.md")


def run_checked(args: List[Any], cwd: Path, env: Optional[Dict[str, str]] = None) -> str:
    """args (List[str]): A command.
    cwd (Path): Where to run it.
    env (Optional[Dict[str, str]]): Its environment (default: this one without PYTHONPATH).
    RETURNS (str): Its stdout; fails the test with its output if it fails.
    """
    if env is None:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        pytest.fail(f"{' '.join(map(str, args))} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result.stdout


@pytest.fixture(scope="session")
def run_command() -> Callable[..., str]:
    """RETURNS (Callable[..., str]): :func:`run_checked`, for test modules."""
    return run_checked


@pytest.fixture(scope="session")
def spacy_mbre_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """RETURNS (Path): A wheel of spacy-mbre, built as a user would (``pip
    wheel --no-deps --no-build-isolation``) from a copy of the sources, so the
    checkout gets no build/ or egg-info directories."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    source.mkdir()
    for name in BUILD_FILES:
        shutil.copy(REPO / name, source / name)
    shutil.copytree(REPO / "spacy_mbre", source / "spacy_mbre", ignore=shutil.ignore_patterns("__pycache__"))
    run_checked([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                 "--wheel-dir", tmp / "dist", "./source"], cwd=tmp)
    (wheel,) = (tmp / "dist").glob("spacy_mbre-*.whl")
    return wheel


@pytest.fixture(scope="session")
def fresh_python(tmp_path_factory: pytest.TempPathFactory, spacy_mbre_wheel: Path) -> Path:
    """RETURNS (Path): The Python of a new virtual environment with the wheel
    installed (not editable). Its dependencies (spaCy, torch, the models…)
    are this environment's, seen through a directory of links that leaves
    out spacy-mbre itself, so nothing is downloaded and the only spacy_mbre
    it can import is the wheel's."""
    tmp = tmp_path_factory.mktemp("fresh_venv")
    env_dir = tmp / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    purelib = Path(run_checked([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               cwd=tmp).strip())
    deps = tmp / "deps"
    deps.mkdir()
    for site_dir in site.getsitepackages():
        for entry in Path(site_dir).iterdir():
            name = entry.name.lower().replace("-", "_")
            if name.startswith(("spacy_mbre", "__editable__", "__pycache__")) or name.endswith(".pth"):
                continue
            if not (deps / entry.name).exists():
                (deps / entry.name).symlink_to(entry)
    (purelib / "_spacy_mbre_test_deps.pth").write_text(f"{deps}\n", encoding="utf8")
    run_checked([python, "-m", "pip", "install", "--no-deps", "--no-index", spacy_mbre_wheel], cwd=tmp)
    return python
