"""Static checks of project.yml: weasel parses it, every workflow step is a
command, every dependency is a shipped file or an output of an earlier step
of the same workflow, and the shipped assets match their checksums."""
from pathlib import Path
from typing import Dict, List, Set

import pytest
from weasel.schemas import ProjectConfigSchema, validate
from weasel.util import get_checksum, load_project_config

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def config() -> Dict:
    return load_project_config(ROOT)


def test_schema_valid(config):
    assert validate(ProjectConfigSchema, config) == []
    assert {"all", "typing", "selftrain", "pretrain", "full"} <= set(config["workflows"])


def test_vars_substituted(config):
    for command in config["commands"]:
        for line in command["script"] + command.get("deps", []) + command.get("outputs", []):
            assert "${" not in line, (command["name"], line)


@pytest.mark.parametrize("workflow", ["all", "typing", "selftrain", "pretrain", "full"])
def test_deps_exist_or_are_produced_earlier(config, workflow):
    commands = {c["name"]: c for c in config["commands"]}
    produced: Set[str] = set()
    for name in config["workflows"][workflow]:
        assert name in commands, f"workflow {workflow!r} names unknown command {name!r}"
        command = commands[name]
        for dep in command.get("deps", []):
            shipped = (ROOT / dep).exists() and not dep.startswith(("corpus/", "training/", "metrics/", "reports/"))
            assert shipped or dep in produced, (
                f"{workflow}/{name}: dependency {dep} is neither shipped nor produced earlier"
            )
        produced.update(command.get("outputs", []))


def test_every_output_is_generated(config):
    for command in config["commands"]:
        for out in command.get("outputs", []):
            assert out.split("/")[0] in ("corpus", "training", "metrics", "reports"), out


def test_assets_shipped_with_checksums(config):
    for asset in config["assets"]:
        path = ROOT / asset["dest"]
        assert path.is_file(), asset["dest"]
        assert get_checksum(path) == asset["checksum"], asset["dest"]
    for licence in (
        "assets/semeval2010_task8/SEMEVAL_TASK8_FULL_RELEASE_README.txt", "assets/crossner/LICENSE", "assets/README.md"
    ):
        assert (ROOT / licence).is_file(), licence


def test_commands_use_registered_cli(config):
    from spacy_mbre.cli import app

    names = {c.name for c in app.registered_commands}
    used: List[str] = []
    for command in config["commands"]:
        for line in command["script"]:
            parts = line.split()
            if parts[:3] == ["python", "-m", "spacy_mbre"]:
                used.append(parts[3])
    assert used and set(used) <= names, set(used) - names


def test_scierc_workflow(config):
    """`scierc` reads SciERC from vars.scierc_dir (not shipped: no licence);
    every other dependency is shipped or produced earlier, and it uses the
    SciERC configs."""
    commands = {c["name"]: c for c in config["commands"]}
    data_dir = config["vars"]["scierc_dir"]
    produced: Set[str] = set()
    external: List[str] = []
    for name in config["workflows"]["scierc"]:
        command = commands[name]
        for dep in command.get("deps", []):
            if dep.startswith(data_dir + "/"):
                external.append(dep)
                continue
            shipped = (ROOT / dep).exists() and not dep.startswith(("corpus/", "training/", "metrics/", "reports/"))
            assert shipped or dep in produced, f"scierc/{name}: {dep} is neither shipped nor produced earlier"
        produced.update(command.get("outputs", []))
    assert external == [f"{data_dir}/{split}.json" for split in ("train", "dev", "test")]
    scripts = " ".join(line for name in config["workflows"]["scierc"] for line in commands[name]["script"])
    for cfg in ("configs/scierc_ner.cfg", "configs/scierc.cfg", "configs/scierc_e2e.cfg"):
        assert cfg in scripts and (ROOT / cfg).is_file()
    assert "--end-to-end" in scripts and "--rel-plus" in scripts
