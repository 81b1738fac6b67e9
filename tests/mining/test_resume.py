"""Kill a mining run with SIGKILL mid-way, rerun it, and check the outputs
equal those of an uninterrupted run."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

from spacy_mbre.cli import app

ROOT = Path(__file__).parents[2]
FAKE_CODE = ROOT / "tests" / "fake_llm.py"


def args(files, out, delay):
    return ["mine", str(files["docs"]), str(out), "--schema", "semeval", "--strategy", "mbre",
            "--model", "spacy-mbre-test.FakeLLM.v1", "--model-arg", f"gold={files['gold']}",
            "--model-arg", f"delay={delay}", "--fewshot", str(files["docs"]), "--batch-pairs", "2",
            "--code", str(FAKE_CODE), "--no-progress"]


def journal_lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def test_kill_and_resume(tmp_path, semeval_files):
    reference = tmp_path / "reference"
    result = CliRunner().invoke(app, args(semeval_files, reference, 0))
    assert result.exit_code == 0, result.output

    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "spacy_mbre", *args(semeval_files, out, 0.15)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    journal = out / "journal.jsonl"
    deadline = time.time() + 120
    while journal_lines(journal) < 1 + 4 and proc.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the run finished before it could be killed: " + proc.stderr.read().decode()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done = journal_lines(journal) - 1
    assert 4 <= done < 16
    assert not (out / "mined.spacy").exists()

    # Simulate a torn last line as well.
    with journal.open("ab") as file_:
        file_.write(b'{"i": 99, "doc": "tor')
    rerun = subprocess.run([sys.executable, "-m", "spacy_mbre", *args(semeval_files, out, 0)], cwd=ROOT,
                           capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    for name in ("mined.spacy", "mined.jsonl"):
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name
    assert journal_lines(journal) == 1 + 16  # nothing duplicated or lost
    import json

    report = json.loads((out / "report.json").read_text())
    assert report["resumed_docs"] == done
    assert report["mined"] == json.loads((reference / "report.json").read_text())["mined"]
