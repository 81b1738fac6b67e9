"""The settings of a synthesis run (all of them go into the journal header)
and its two modes: ``unconditional`` (S2ynRE) and ``schema`` (TKRE)."""
from dataclasses import asdict, dataclass
from typing import Any, Dict, List, Optional

from ..errors import ConfigError

UNCONDITIONAL = "unconditional"
SCHEMA = "schema"
MODES = (UNCONDITIONAL, SCHEMA)


@dataclass
class SynthesisSettings:
    """What a run does (all of it goes into the journal header).

    mode (str): "unconditional" (S2ynRE) or "schema" (TKRE).
    n (int): Samples to keep: in total (unconditional) or per relation (schema).
    max_attempts_per_label (int): Hard cap of attempts per relation (schema)
        or of the unlabelled stream (unconditional).
    per_prompt (int): Samples asked for per prompt.
    n_examples (int): In-context gold examples per prompt.
    seed (int): Seed of the example draws.
    limit (Optional[int]): Cap of attempts in the whole run; None = no cap.
    labels (Optional[List[str]]): Relations to synthesise (schema mode);
        None = all of the schema's.
    max_gold_overlap (Optional[float]): Reject samples with a larger share of
        3-grams from one gold text (near copies); None = exact copies only.
    """

    mode: str = UNCONDITIONAL
    n: int = 20
    max_attempts_per_label: int = 10
    per_prompt: int = 5
    n_examples: int = 4
    seed: int = 0
    limit: Optional[int] = None
    labels: Optional[List[str]] = None
    max_gold_overlap: Optional[float] = None

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ConfigError(f"--mode must be one of {', '.join(MODES)}, got {self.mode!r}.")
        for name in ("n", "max_attempts_per_label", "per_prompt", "n_examples"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1, got {getattr(self, name)}.")
        if self.limit is not None and self.limit < 0:
            raise ConfigError(f"limit must be >= 0, got {self.limit}.")
        if self.max_gold_overlap is not None and not 0.0 <= self.max_gold_overlap <= 1.0:
            raise ConfigError(f"max_gold_overlap must be between 0 and 1, got {self.max_gold_overlap}.")
        if self.mode == UNCONDITIONAL and self.labels:
            raise ConfigError("--labels only applies to --mode schema.")

    def to_dict(self) -> Dict[str, Any]:
        """RETURNS (Dict[str, Any]): The settings, JSON-serialisable."""
        return asdict(self)
