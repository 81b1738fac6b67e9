"""Kill a synthesis run with SIGKILL mid-way (between rounds of prompts),
rerun it, and check the outputs equal those of an uninterrupted run."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

from spacy_mbre.cli import app

ROOT = Path(__file__).parents[2]
FAKE_CODE = Path(__file__).parent / "fake_writer.py"
N_LABELS = 9  # SemEval


def args(fewshot: Path, out: Path, delay: float):
    return ["synthesize", str(fewshot), str(out), "--mode", "schema", "--schema", "semeval", "--n", "20",
            "--max-attempts-per-label", "4", "--n-examples", "1", "--per-prompt", "3",
            "--model", "spacy-mbre-test.FakeWriterLLM.v1", "--model-arg", f"delay={delay}",
            "--code", str(FAKE_CODE), "--no-progress"]


def journal_lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def test_kill_and_resume(tmp_path, fewshot_path):
    reference = tmp_path / "reference"
    result = CliRunner().invoke(app, args(fewshot_path, reference, 0))
    assert result.exit_code == 0, result.output + repr(result.exception)
    ref_report = json.loads((reference / "report.json").read_text())
    total = journal_lines(reference / "journal.jsonl") - 1
    assert total == ref_report["attempts"] == N_LABELS * 4  # nobody reaches n=20: every label hits the cap
    assert ref_report["prompts"] >= N_LABELS + 3, "too few prompts after the first round to kill the run in"

    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "spacy_mbre", *args(fewshot_path, out, 0.4)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    journal = out / "journal.jsonl"
    deadline = time.time() + 120
    while journal_lines(journal) < 1 + N_LABELS and proc.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the run finished before it could be killed: " + proc.stderr.read().decode()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done = journal_lines(journal) - 1
    assert N_LABELS <= done < total
    assert not (out / "synthetic.spacy").exists()

    with journal.open("ab") as file_:  # a torn last line as well
        file_.write(b'{"i": 99, "label": "Cause-')
    rerun = subprocess.run([sys.executable, "-m", "spacy_mbre", *args(fewshot_path, out, 0)], cwd=ROOT,
                           capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    for name in ("synthetic.spacy", "synthetic.jsonl"):
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name
    assert journal_lines(journal) == 1 + total  # nothing duplicated or lost
    report = json.loads((out / "report.json").read_text())
    assert report["resumed_attempts"] == done
    for key in ("attempts", "prompts", "candidates", "valid", "kept", "rejected", "labels", "per_label", "diversity"):
        assert report[key] == ref_report[key], key
