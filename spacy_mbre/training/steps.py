"""Resumable steps of a long run: each step works in its own directory and
writes ``step.json`` when it is done, so a rerun after a crash skips finished
steps and redoes the interrupted one from its start (nothing half-written is
kept, nothing finished is redone); a resumed run must have the settings that
``run.json`` recorded."""
import json
import shutil
import time
from pathlib import Path
from typing import Any, Callable, Dict

import srsly
from wasabi import Printer

from ..errors import ConfigError

STEP_FILE = "step.json"


def run_step(
    output_dir: Path,
    name: str,
    run: Callable[[Path], Dict[str, Any]],
    printer: Printer,
    *,
    title: str = "Step",
    number: str = "",
    resumable: bool = False,
) -> Dict[str, Any]:
    """Run one resumable step in ``output_dir/name``.

    output_dir (Path): The run's directory.
    name (str): The step's directory name (may contain "/").
    run (Callable[[Path], Dict[str, Any]]): Does the work in the step's
        directory; returns what to record (JSON values).
    printer (Printer): Where progress messages go.
    title (str): The run's name in the step's divider line.
    number (str): Shown before the step's name, e.g. "[2/5] ".
    resumable (bool): ``run`` continues where an interrupted run of it
        stopped (e.g. a mining run with its journal): an unfinished step's
        directory is kept instead of being cleared.
    RETURNS (Dict[str, Any]): The step record: ``step``, what ``run``
        returned and ``seconds`` (read back if the step was done earlier).
    """
    directory = output_dir / name
    marker = directory / STEP_FILE
    if marker.exists():
        record = srsly.read_json(marker)
        printer.info(f"{number}{name}: done in an earlier run ({record['seconds']:.0f} s), skipped")
        return record
    if directory.exists() and resumable:
        printer.warn(f"{name}: unfinished in an earlier run, continuing it")
    elif directory.exists():
        printer.warn(f"{name}: unfinished in an earlier run, starting it again")
        shutil.rmtree(directory)
    directory.mkdir(parents=True, exist_ok=True)
    printer.divider(f"{title} {number}{name}")
    start = time.perf_counter()
    record = {"step": name, **run(directory)}
    record["seconds"] = time.perf_counter() - start
    srsly.write_json(marker, record)
    return record


def check_run_settings(path: Path, wanted: Dict[str, Any], what: str) -> None:
    """Write a run's settings to ``path`` (``run.json``), or check that a
    resumed run has the same ones.

    path (Path): The settings file in the run's directory.
    wanted (Dict[str, Any]): This run's settings (JSON values).
    what (str): The run's name in the error, e.g. "self-training".
    RAISES (ConfigError): The directory holds a run with other settings.
    """
    # The standard json module: srsly's ujson does not read floats back exactly (0.6 → 0.6000000000000001).
    if not path.exists():
        path.write_text(json.dumps(wanted, indent=2), encoding="utf8")
        return
    found = json.loads(path.read_text(encoding="utf8"))
    changed = sorted(k for k in set(wanted) | set(found) if wanted.get(k) != found.get(k))
    if changed:
        raise ConfigError(
            f"{path.parent} holds a {what} run with other settings ({', '.join(changed)}); "
            "use another output directory, or delete it to start over."
        )
