"""Installing as users install. Fast: setup.cfg ships every data file the
package reads at runtime (templates, schemas) and has an entry point for
every registered factory and function. Slow: a wheel built with ``pip wheel``
carries them, and installed (not editable) in a new virtual environment it
runs the CLI, ``mine`` with the FAKE LLM and finds its components by entry
point."""
import configparser
import fnmatch
import json
import re
import sys
import zipfile
from pathlib import Path
from typing import Callable, Dict, List, Set, Tuple

import pytest
from spacy.tokens import DocBin

from spacy_mbre.data import schema as schema_module
from spacy_mbre.data.readers import read_semeval
from spacy_mbre.data.schema import load_schema
from spacy_mbre.mining.tasks import base as task_base
from spacy_mbre.pretrain import explain as explain_module
from spacy_mbre.synthesis import prompts as synthesis_prompts

REPO = Path(__file__).parents[1]
PACKAGE = REPO / "spacy_mbre"
FAKE_LLM = Path(__file__).parent / "fake_llm.py"
SEMEVAL_SAMPLE = Path(__file__).parent / "mining" / "data" / "semeval_sample.txt"
# The directories the package reads data files from at runtime (each module
# builds the path from its own __file__), as the package locates them.
RUNTIME_DIRS = {
    "spacy_mbre/data/schemas": schema_module.SCHEMA_DIR,
    "spacy_mbre/mining/tasks/templates": task_base.TEMPLATE_DIR,
    "spacy_mbre/synthesis/templates": synthesis_prompts.TEMPLATE_DIR,
    "spacy_mbre/pretrain/templates": explain_module.TEMPLATE_DIR,
}
# Registry decorator → entry-point group (spacy-llm 0.7 reads thinc_llm_*).
GROUPS = {
    "factory": "spacy_factories",
    "architectures": "spacy_architectures",
    "readers": "spacy_readers",
    "callbacks": "spacy_callbacks",
    "scorers": "spacy_scorers",
    "llm_tasks": "thinc_llm_tasks",
    "llm_models": "thinc_llm_models",
}
REGISTRATION = re.compile(r"@(?:Language\.(factory)|registry\.(\w+))\(\s*\"([^\"]+)\"")


def setup_cfg() -> configparser.ConfigParser:
    config = configparser.ConfigParser()
    config.read(REPO / "setup.cfg", encoding="utf8")
    return config


def package_data_patterns() -> List[str]:
    value = setup_cfg()["options.package_data"]["spacy_mbre"]
    return [f"spacy_mbre/{p.strip()}" for p in value.split(",") if p.strip()]


def entry_points() -> Dict[str, Dict[str, str]]:
    """RETURNS (Dict[str, Dict[str, str]]): group → name → "module:function"."""
    out: Dict[str, Dict[str, str]] = {}
    for group, text in setup_cfg()["options.entry_points"].items():
        for line in text.strip().splitlines():
            name, _, target = (x.strip() for x in line.partition("="))
            out.setdefault(group, {})[name] = target
    return out


def data_files() -> List[str]:
    """RETURNS (List[str]): Every file of the package that is not Python code."""
    return sorted(
        p.relative_to(REPO).as_posix()
        for p in PACKAGE.rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
    )


def registrations() -> Set[Tuple[str, str, str]]:
    """RETURNS (Set[Tuple[str, str, str]]): (group, name, module) of every
    factory and registered function written with a literal name."""
    found = set()
    for path in PACKAGE.rglob("*.py"):
        module = ".".join(path.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__")
        for factory, registry_name, name in REGISTRATION.findall(path.read_text(encoding="utf8")):
            group = GROUPS.get(factory or registry_name)
            if group is not None:
                found.add((group, name, module))
    return found


def test_runtime_dirs_are_what_the_package_reads():
    for relative, directory in RUNTIME_DIRS.items():
        assert Path(directory).resolve() == (REPO / relative).resolve()
        assert any(Path(directory).iterdir()), relative
    # A new data directory (a module reading files next to itself) must be
    # added to RUNTIME_DIRS and to setup.cfg's package_data.
    readers = sorted(
        p.relative_to(REPO).as_posix() for p in PACKAGE.rglob("*.py") if "Path(__file__)" in p.read_text("utf8")
    )
    assert readers == sorted({
        "spacy_mbre/data/schema.py", "spacy_mbre/mining/tasks/base.py", "spacy_mbre/synthesis/prompts.py",
        "spacy_mbre/pretrain/explain.py",
    }), "a module reads files next to itself: add its directory to RUNTIME_DIRS and setup.cfg's package_data"
    assert "importlib.resources" not in "".join(p.read_text("utf8") for p in PACKAGE.rglob("*.py")), (
        "the package reads resources through importlib.resources: add them to RUNTIME_DIRS and package_data"
    )


def test_package_data_ships_every_data_file():
    patterns = package_data_patterns()
    files = data_files()
    assert any(f.endswith(".jinja") for f in files) and any(f.endswith(".json") for f in files)
    missing = [f for f in files if not any(fnmatch.fnmatch(f, p) for p in patterns)]
    assert not missing, f"not in setup.cfg [options.package_data]: {missing}"
    for relative in RUNTIME_DIRS:
        assert any(f.startswith(relative + "/") for f in files)


def test_every_registration_has_an_entry_point():
    points = entry_points()
    found = registrations()
    assert ("spacy_factories", "mbre_type_map", "spacy_mbre.pairs.type_map") in found
    for group, name, module in sorted(found):
        target = points.get(group, {}).get(name)
        assert target is not None, f"setup.cfg has no {group} entry point for {name!r} ({module})"
        assert target.split(":")[0] == module, f"{group} {name}: entry point {target}, registered in {module}"


@pytest.mark.slow
def test_wheel_carries_every_data_file_and_entry_point(spacy_mbre_wheel: Path):
    with zipfile.ZipFile(spacy_mbre_wheel) as wheel:
        names = set(wheel.namelist())
        (ep_name,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        ep_text = wheel.read(ep_name).decode("utf8")
    missing = [f for f in data_files() if f not in names]
    assert not missing, f"the wheel lacks {missing}"
    for relative in RUNTIME_DIRS:
        assert any(n.startswith(relative + "/") for n in names)
    shipped = configparser.ConfigParser()
    shipped.optionxform = str  # type: ignore[assignment]
    shipped.read_string(ep_text)
    for group, items in entry_points().items():
        for name, target in items.items():
            assert shipped[group][name] == target


@pytest.mark.slow
def test_wheel_install_runs_cli_mine_and_entry_points(fresh_python: Path, run_command: Callable, tmp_path: Path):
    run_checked = run_command
    fake_llm = sys.modules["spacy_mbre_tests_fake_llm"]  # registered by tests/conftest.py
    python = str(fresh_python)
    where = run_checked([python, "-c", "import spacy_mbre; print(spacy_mbre.__file__)"], cwd=tmp_path)
    assert Path(where.strip()).is_relative_to(fresh_python.parents[1]), where
    run_checked([python, "-m", "spacy_mbre", "--help"], cwd=tmp_path)
    assert "Cause-Effect" in run_checked([python, "-m", "spacy_mbre", "schema", "check", "semeval"], cwd=tmp_path)
    # Components, tasks and models come from the wheel's entry points, without importing spacy_mbre.
    script = (
        "import spacy, sys\n"
        "from spacy_llm.registry import registry\n"
        "nlp = spacy.blank('en')\n"
        "for name in ('mbre_type_map', 'mbre_pairs', 'mbre_decider'):\n"
        "    nlp.add_pipe(name)\n"
        "registry.llm_tasks.get('spacy-mbre.BinaryVerify.v1')\n"
        "assert 'spacy_mbre' in sys.modules\n"
        "print(nlp.pipe_names)\n"
    )
    assert "mbre_type_map" in run_checked([python, "-c", script], cwd=tmp_path)
    # mine, with the templates and schema from the wheel and the FAKE LLM.
    docs = list(read_semeval(SEMEVAL_SAMPLE))
    DocBin(store_user_data=True, docs=docs).to_disk(tmp_path / "sample.spacy")
    (tmp_path / "gold.json").write_text(json.dumps(fake_llm.gold_table(docs, load_schema("semeval"))), "utf8")
    run_checked([python, "-m", "spacy_mbre", "mine", "sample.spacy", "mined", "--schema", "semeval",
                 "--strategy", "mbre", "--code", FAKE_LLM, "--model", "spacy-mbre-test.FakeLLM.v1",
                 "--model-arg", "gold=gold.json", "--fewshot", "sample.spacy", "--no-progress"], cwd=tmp_path)
    report = json.loads((tmp_path / "mined" / "report.json").read_text("utf8"))
    assert report["pairs"] > 0 and report["mined"]["relations"] > 0
