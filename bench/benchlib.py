"""What the ``bench/`` scripts share: running the CLI, printing a markdown
table, and the ``meta`` block (date, command, settings, machine) of every
results JSON. Imported by the scripts as ``from benchlib import …`` (the
script's own directory is on ``sys.path`` when run as ``python bench/x.py``).
"""
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, Iterable, List, Sequence

REPO = Path(__file__).resolve().parents[1]


def run(cmd: List[str]) -> float:
    """Run a command in the repository, failing on a non-zero exit.

    cmd (List[str]): The command line.
    RETURNS (float): Its wall time in seconds.
    """
    print("$", " ".join(cmd), flush=True)
    start = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=REPO)
    return time.perf_counter() - start


def run_cli(args: List[str]) -> float:
    """args (List[str]): Arguments of ``python -m spacy_mbre``.
    RETURNS (float): Its wall time in seconds.
    """
    return run([sys.executable, "-m", "spacy_mbre", *args])


def print_table(rows: Iterable[Dict[str, Any]], header: Sequence[str]) -> None:
    """Print rows as a markdown table: floats with 3 decimals, None as "-".

    rows (Iterable[Dict[str, Any]]): One dict per row.
    header (Sequence[str]): The keys to print, in order.
    """
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        cells = ["-" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v) for v in (row[h] for h in header)]
        print("| " + " | ".join(cells) + " |")


def run_meta(**settings: Any) -> Dict[str, Any]:
    """settings (Any): The run's settings.
    RETURNS (Dict[str, Any]): date, the command line, the settings and the machine (with the load average now).
    """
    return {
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        **settings,
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "loadavg_end": os.getloadavg()},
    }
