"""Resumable steps of a long run: each step works in its own directory and
writes ``step.json`` when it is done, so a rerun after a crash skips finished
steps and redoes the interrupted one from its start (nothing half-written is
kept, nothing finished is redone)."""
import shutil
import time
from pathlib import Path
from typing import Any, Callable, Dict

import srsly
from wasabi import Printer

STEP_FILE = "step.json"


def run_step(
    output_dir: Path, name: str, run: Callable[[Path], Dict[str, Any]], printer: Printer, *, title: str = "Step"
) -> Dict[str, Any]:
    """Run one resumable step in ``output_dir/name``.

    output_dir (Path): The run's directory.
    name (str): The step's directory name (may contain "/").
    run (Callable[[Path], Dict[str, Any]]): Does the work in the step's
        directory; returns what to record (JSON values).
    printer (Printer): Where progress messages go.
    title (str): The run's name in the step's divider line.
    RETURNS (Dict[str, Any]): The step record: ``step``, what ``run``
        returned and ``seconds`` (read back if the step was done earlier).
    """
    directory = output_dir / name
    marker = directory / STEP_FILE
    if marker.exists():
        record = srsly.read_json(marker)
        printer.info(f"{name}: done in an earlier run ({record['seconds']:.0f} s), skipped")
        return record
    if directory.exists():
        printer.warn(f"{name}: unfinished in an earlier run, starting it again")
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    printer.divider(f"{title}: {name}")
    start = time.perf_counter()
    record = {"step": name, **run(directory)}
    record["seconds"] = time.perf_counter() - start
    srsly.write_json(marker, record)
    return record
