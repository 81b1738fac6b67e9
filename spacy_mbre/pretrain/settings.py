"""The settings of a pre-training run (:class:`PretrainSettings`) and the
device it runs on."""
from dataclasses import asdict, dataclass
from typing import Any, Dict

import torch

from ..errors import ConfigError
from ..relations.encoder import DEFAULT_ENCODER
from .masking import MaskProbabilities

STAGE_MSLM = 1
STAGE_SCL = 2


@dataclass
class PretrainSettings:
    """What a pre-training run does (all but ``device`` must match on resume).

    encoder (str): The encoder: a directory, a model package with
        ``get_model_path()`` or a hub name (as MarkerRelationModel.v1's ``name``).
    stage1_steps (int): Steps of stage 1 (MSLM).
    stage2_steps (int): Steps of stage 2 (MSLM + SCL).
    batch_size (int): Samples per step.
    learn_rate (float): Peak AdamW learning rate.
    warmup_steps (int): Linear warm-up steps.
    head_only_steps (int): First steps that update only the MLM head's own
        weights (not the encoder, nor the word embeddings tied to the
        decoder): for checkpoints without a trained MLM head, such as the
        default sentence-transformers MiniLM. 0 = none (the paper).
    weight_decay (float): AdamW weight decay.
    grad_clip (float): Gradient norm clipping (0 = none).
    max_length (int): Input limit in tokens (longer texts are windowed).
    mask_between (float): Mask probability between the entities.
    mask_entity (float): Mask probability on the entities.
    mask_other (float): Mask probability elsewhere.
    temperature (float): SCL temperature.
    lambda_mslm (float): Weight of the MSLM loss (λ1).
    lambda_scl (float): Weight of the SCL loss in stage 2 (λ2).
    seed (int): Seed of everything random.
    checkpoint_every (int): Steps between checkpoints.
    device (str): "auto" (CUDA if available), "cpu", "cuda", "cuda:1", ...
    """

    encoder: str = DEFAULT_ENCODER
    stage1_steps: int = 500
    stage2_steps: int = 500
    batch_size: int = 16
    learn_rate: float = 5e-5
    warmup_steps: int = 50
    head_only_steps: int = 0
    weight_decay: float = 0.01
    grad_clip: float = 1.0
    max_length: int = 128
    mask_between: float = 0.8
    mask_entity: float = 0.5
    mask_other: float = 0.2
    temperature: float = 0.1
    lambda_mslm: float = 1.0
    lambda_scl: float = 1.0
    seed: int = 0
    checkpoint_every: int = 100
    device: str = "auto"

    def __post_init__(self) -> None:
        for name in ("stage1_steps", "stage2_steps", "warmup_steps", "head_only_steps"):
            if getattr(self, name) < 0:
                raise ConfigError(f"{name} must be >= 0, got {getattr(self, name)}.")
        for name in ("batch_size", "checkpoint_every", "max_length"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1, got {getattr(self, name)}.")
        if self.total_steps < 1:
            raise ConfigError("stage1_steps + stage2_steps must be at least 1.")
        if self.temperature <= 0:
            raise ConfigError(f"temperature must be positive, got {self.temperature}.")
        self.mask  # validates the probabilities

    @property
    def total_steps(self) -> int:
        """RETURNS (int): Steps of both stages."""
        return self.stage1_steps + self.stage2_steps

    @property
    def mask(self) -> MaskProbabilities:
        """RETURNS (MaskProbabilities): The per-region mask probabilities."""
        return MaskProbabilities(self.mask_between, self.mask_entity, self.mask_other)

    def stage(self, step: int) -> int:
        """step (int): A 0-based global step.
        RETURNS (int): STAGE_MSLM or STAGE_SCL.
        """
        return STAGE_MSLM if step < self.stage1_steps else STAGE_SCL

    def identity(self) -> Dict[str, Any]:
        """RETURNS (Dict[str, Any]): The settings a resumed run must share."""
        out = asdict(self)
        out.pop("device")
        return out


def resolve_device(name: str) -> torch.device:
    """name (str): "auto", "cpu", "cuda", "cuda:N".
    RETURNS (torch.device): The device.
    """
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        device = torch.device(name)
    except RuntimeError as err:
        raise ConfigError(f"--device: {err}") from None
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ConfigError(f"--device {name}: CUDA is not available here.")
    return device
