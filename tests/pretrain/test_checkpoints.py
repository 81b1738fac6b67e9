"""Checkpoints: atomic pointer, identity check, the live one never rewritten."""
import json
from collections import Counter
from pathlib import Path

import pytest
import torch

from spacy_mbre.errors import ConfigError
from spacy_mbre.pretrain.checkpoints import (
    CHECKPOINT_POINTER,
    RunState,
    StepRecord,
    load_checkpoint,
    save_checkpoint,
)

IDENTITY = {"settings": {"seed": 0}, "samples": "abc"}


def state(step: int) -> RunState:
    history = [StepRecord(i, 1, 2.0, None, 0, 3, 0.1) for i in range(step)]
    return RunState(step, history, Counter({"unlabelled": step}))


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    module = torch.nn.Linear(3, 2)
    save_checkpoint(tmp_path, state(2), {"model": module}, IDENTITY)
    saved = {k: v.clone() for k, v in module.state_dict().items()}
    with torch.no_grad():
        module.weight.add_(1.0)
    restored = load_checkpoint(tmp_path, {"model": module}, IDENTITY, torch.device("cpu"))
    assert restored == state(2)
    assert torch.equal(module.weight, saved["weight"])


def test_pointer_moves_and_old_checkpoints_go(tmp_path: Path) -> None:
    module = torch.nn.Linear(3, 2)
    save_checkpoint(tmp_path, state(2), {"model": module}, IDENTITY)
    save_checkpoint(tmp_path, state(4), {"model": module}, IDENTITY)
    assert json.loads((tmp_path / CHECKPOINT_POINTER).read_text()) == {"checkpoint": "checkpoint-4", "step": 4}
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([CHECKPOINT_POINTER, "checkpoint-4"])


def test_live_checkpoint_is_not_rewritten(tmp_path: Path) -> None:
    module = torch.nn.Linear(3, 2)
    path = save_checkpoint(tmp_path, state(2), {"model": module}, IDENTITY)
    before = (path / "state.pt").stat().st_mtime_ns
    with torch.no_grad():
        module.weight.add_(1.0)
    assert save_checkpoint(tmp_path, state(2), {"model": module}, IDENTITY) == path
    assert (path / "state.pt").stat().st_mtime_ns == before


def test_no_checkpoint_and_other_identity(tmp_path: Path) -> None:
    module = torch.nn.Linear(3, 2)
    assert load_checkpoint(tmp_path, {"model": module}, IDENTITY, torch.device("cpu")) is None
    save_checkpoint(tmp_path, state(1), {"model": module}, IDENTITY)
    with pytest.raises(ConfigError, match="other settings or samples"):
        load_checkpoint(tmp_path, {"model": module}, {**IDENTITY, "samples": "xyz"}, torch.device("cpu"))
