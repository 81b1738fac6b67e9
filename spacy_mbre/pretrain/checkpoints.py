"""Checkpoints of a pre-training run.

A checkpoint is a directory ``OUTPUT_DIR/checkpoint-<step>/`` holding
``state.pt`` (the state dicts of model, contrastive head, optimizer and
schedule) and ``run.json`` (the run's identity — settings and sample
fingerprint — the step and the per-step records). ``OUTPUT_DIR/checkpoint.json``
points to the live one; it is replaced atomically after the new checkpoint
is complete, and older checkpoints are deleted only then, so a run killed at
any moment leaves a loadable checkpoint behind.
"""
import json
import os
import shutil
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Protocol

import srsly
import torch

from ..errors import ConfigError

CHECKPOINT_POINTER = "checkpoint.json"
CHECKPOINT_PREFIX = "checkpoint-"
STATE_FILE = "state.pt"
RUN_FILE = "run.json"


class Stateful(Protocol):
    """What a checkpoint saves: a torch module, optimizer or scheduler."""

    def state_dict(self) -> Dict[str, Any]: ...

    def load_state_dict(self, state_dict: Dict[str, Any]) -> Any: ...


@dataclass
class StepRecord:
    """What one step did.

    step (int): The 0-based global step.
    stage (int): STAGE_MSLM or STAGE_SCL.
    mslm (float): The MSLM loss.
    scl (Optional[float]): The SCL loss (stage 2 only).
    scl_rows (int): Samples that took part in SCL.
    masked (int): Tokens masked.
    seconds (float): Wall time of the step.
    """

    step: int
    stage: int
    mslm: float
    scl: Optional[float]
    scl_rows: int
    masked: int
    seconds: float


@dataclass
class RunState:
    """What a checkpoint holds besides the weights.

    step (int): Steps done.
    history (List[StepRecord]): One record per step done.
    excluded (Counter): SCL rows left out, by reason.
    """

    step: int = 0
    history: List[StepRecord] = field(default_factory=list)
    excluded: Counter = field(default_factory=Counter)


def save_checkpoint(output_dir: Path, state: RunState, parts: Mapping[str, Stateful], identity: Dict[str, Any]) -> Path:
    """Write the checkpoint of the steps done and point to it. A checkpoint
    of the same step that is already live is left as it is.

    output_dir (Path): The run's output directory.
    state (RunState): Steps done and their records.
    parts (Mapping[str, Stateful]): What to save, by name.
    identity (Dict[str, Any]): Settings and sample fingerprint.
    RETURNS (Path): The checkpoint directory.
    """
    path = output_dir / f"{CHECKPOINT_PREFIX}{state.step}"
    pointer = output_dir / CHECKPOINT_POINTER
    if pointer.exists() and json.loads(pointer.read_text(encoding="utf8"))["checkpoint"] == path.name:
        return path  # e.g. Ctrl-C right after a checkpoint: never rewrite the live one
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    torch.save({name: part.state_dict() for name, part in parts.items()}, path / STATE_FILE)
    srsly.write_json(
        path / RUN_FILE,
        {
            "identity": identity,
            "step": state.step,
            "history": [asdict(r) for r in state.history],
            "excluded": dict(state.excluded),
        },
    )
    tmp = output_dir / f"{CHECKPOINT_POINTER}.tmp"
    tmp.write_text(json.dumps({"checkpoint": path.name, "step": state.step}), encoding="utf8")
    os.replace(tmp, pointer)
    for old in output_dir.glob(f"{CHECKPOINT_PREFIX}*"):
        if old != path and old.is_dir():
            shutil.rmtree(old)
    return path


def load_checkpoint(
    output_dir: Path, parts: Mapping[str, Stateful], identity: Dict[str, Any], device: torch.device
) -> Optional[RunState]:
    """Restore the live checkpoint, if there is one.

    output_dir (Path): The run's output directory.
    parts (Mapping[str, Stateful]): What to restore, by name (as saved).
    identity (Dict[str, Any]): Settings and sample fingerprint of this run.
    device (torch.device): Where the tensors go.
    RETURNS (Optional[RunState]): The restored state, or None without a checkpoint.
    RAISES (ConfigError): The checkpoint belongs to another run.
    """
    pointer = output_dir / CHECKPOINT_POINTER
    if not pointer.exists():
        return None
    path = output_dir / json.loads(pointer.read_text(encoding="utf8"))["checkpoint"]
    run = srsly.read_json(path / RUN_FILE)
    if run["identity"] != json.loads(json.dumps(identity)):
        raise ConfigError(
            f"{path} belongs to a pre-training run with other settings or samples; "
            "use another output directory (or delete it to start over)."
        )
    saved = torch.load(path / STATE_FILE, map_location=device, weights_only=True)
    for name, part in parts.items():
        part.load_state_dict(saved[name])
    return RunState(
        step=int(run["step"]),
        history=[StepRecord(**r) for r in run["history"]],
        excluded=Counter(run["excluded"]),
    )
