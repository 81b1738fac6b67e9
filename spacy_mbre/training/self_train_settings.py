"""What a self-training run does: its settings, and its plan (the steps in
order and the share of the pool each iteration labels)."""

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List

from ..errors import ConfigError

TWO_STAGE = "two-stage"
MIXED = "mixed"
MODES = (TWO_STAGE, MIXED)
CHECKPOINTS = ("last", "best")
PSEUDO = "pseudo"
RUN_FILE = "run.json"


@dataclass
class SelfTrainSettings:
    """What a self-training run does; see the module docs.

    mode (str): "two-stage" or "mixed".
    n_teachers (int): Teachers trained on gold in the first iteration.
    iterations (int): T; iteration t uses the first t/T of the pool.
    seed (int): Seed of the pool order, the students and the first teacher.
    component (str): The trained component's name.
    overrides (Dict[str, Any]): Config overrides for every training run
        (e.g. ``{"training.max_steps": 40}``).
    pool_overrides (Dict[str, Any]): Extra overrides for the two-stage
        student's training on the pool (stage 1), e.g. its step count.
    teachers (List[Path]): Already trained gold models to use as the first
        iteration's teachers instead of training ``n_teachers`` new ones.
    checkpoint (str): Which model of each training run is carried on (as
        teacher, stage-2 starting point or final student): "last"
        (``model-last``) or "best" (``model-best``: the best dev score among
        spaCy's evaluations, every ``training.eval_frequency`` steps).
    """

    mode: str = TWO_STAGE
    n_teachers: int = 3
    iterations: int = 2
    seed: int = 0
    component: str = "mbre_relations"
    overrides: Dict[str, Any] = field(default_factory=dict)
    pool_overrides: Dict[str, Any] = field(default_factory=dict)
    teachers: List[Path] = field(default_factory=list)
    checkpoint: str = "last"

    def validate(self) -> None:
        """RAISES (ConfigError): A setting is out of range."""
        if self.mode not in MODES:
            raise ConfigError(f"self-training: mode must be one of {MODES}, got {self.mode!r}.")
        if self.checkpoint not in CHECKPOINTS:
            raise ConfigError(f"self-training: checkpoint must be one of {CHECKPOINTS}, got {self.checkpoint!r}.")
        if self.iterations < 1:
            raise ConfigError(f"self-training: iterations must be >= 1, got {self.iterations}.")
        if not self.teachers and self.n_teachers < 1:
            raise ConfigError(f"self-training: n_teachers must be >= 1, got {self.n_teachers}.")
        for teacher in self.teachers:
            if not (Path(teacher) / self.component).is_dir():
                raise ConfigError(f"self-training: teacher {teacher} has no component {self.component!r}.")


def pool_slice(n_docs: int, iteration: int, iterations: int) -> int:
    """n_docs (int): Pool size.
    iteration (int): t, 1-based.
    iterations (int): T.
    RETURNS (int): How many pool docs iteration t uses: ceil(n * t / T).
    """
    return math.ceil(n_docs * iteration / iterations)


def step_names(settings: SelfTrainSettings) -> List[str]:
    """settings (SelfTrainSettings): The run's settings.
    RETURNS (List[str]): The run's steps in order (each one a directory of
        the output directory): the teachers (unless given), then per
        iteration its labelling and training steps.
    """
    names = [] if settings.teachers else [f"teacher-{j}" for j in range(settings.n_teachers)]
    for t in range(1, settings.iterations + 1):
        names.append(f"iter-{t}/label")
        names += [f"iter-{t}/pool", f"iter-{t}/gold"] if settings.mode == TWO_STAGE else [f"iter-{t}/mixed"]
    return names
