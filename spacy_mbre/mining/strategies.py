"""The three mining strategies as chains of stages.

* ``binary``: verify every option — N binary questions per pair;
* ``multiclass``: one multi-class question over all N options per pair, no
  verification (the decision keeps the chosen option);
* ``mbre``: one grouped multi-class question per (pair, group), then one
  binary question per proposed option, then the Label Decision.

All three take the same schema, example pool and settings, so one run can
compare them on the same pairs, model and cache.
"""
from dataclasses import asdict, dataclass
from typing import Any, Dict, List

from ..data.schema import Schema
from ..errors import ConfigError
from .examples import ExamplePool
from .grouping import Grouping, single_group
from .tasks.base import MiningTask
from .tasks.binary.task import BinaryVerifyTask
from .tasks.multiclass.task import GroupedMultiClassTask

STRATEGIES = ("binary", "multiclass", "mbre")
STAGE_NAMES = {"mc": "multiclass", "bin": "binary"}


@dataclass
class StrategySettings:
    """Settings of the stages and the decision.

    strategy (str): "binary", "multiclass" or "mbre".
    theta (float): Label Decision threshold when several labels say "yes".
    min_confidence (float): Threshold for a single "yes".
    no_prob_policy (str): Several "yes" without probabilities: "all" / "none".
    confidence (str): "raw" or "normalised" (see spacy_mbre.mining.decision).
    seed (int): Seed of the in-context example draws.
    n_pos (int): Positive binary examples per option.
    n_neg (int): Negative binary examples per option.
    n_per_option (int): Multi-class examples per option of a group.
    n_none (int): Multi-class "none" examples per group.
    option_keys (str): Multi-class answer keys: "letters" or "names".
    max_proposals (int): Options a group proposes for verification (at most).
    min_option_prob (float): Min probability of a proposed option.
    none_cutoff (float): P(none) at or above which a group proposes nothing.
    """

    strategy: str = "mbre"
    theta: float = 0.01
    min_confidence: float = 0.0
    no_prob_policy: str = "all"
    confidence: str = "raw"
    seed: int = 0
    n_pos: int = 3
    n_neg: int = 4
    n_per_option: int = 1
    n_none: int = 1
    option_keys: str = "letters"
    max_proposals: int = 1
    min_option_prob: float = 0.05
    none_cutoff: float = 0.5

    def __post_init__(self) -> None:
        if self.strategy not in STRATEGIES:
            raise ConfigError(f"strategy must be one of {STRATEGIES}, got {self.strategy!r}.")

    def to_dict(self) -> Dict[str, Any]:
        """RETURNS (Dict[str, Any]): The settings."""
        return asdict(self)


def build_stages(schema: Schema, grouping: Grouping, pool: ExamplePool, settings: StrategySettings) -> List[MiningTask]:
    """schema (Schema): The schema.
    grouping (Grouping): The groups (used by ``mbre``).
    pool (ExamplePool): In-context examples.
    settings (StrategySettings): The settings.
    RETURNS (List[MiningTask]): The stages, in order.
    """
    mc_args = dict(
        n_per_option=settings.n_per_option,
        n_none=settings.n_none,
        option_keys=settings.option_keys,
        max_proposals=settings.max_proposals,
        min_option_prob=settings.min_option_prob,
        none_cutoff=settings.none_cutoff,
    )
    if settings.strategy == "binary":
        return [BinaryVerifyTask(schema, pool, candidates="all", n_pos=settings.n_pos, n_neg=settings.n_neg)]
    if settings.strategy == "multiclass":
        return [GroupedMultiClassTask(schema, single_group(schema), pool, **mc_args)]  # type: ignore[arg-type]
    return [
        GroupedMultiClassTask(schema, grouping, pool, **mc_args),  # type: ignore[arg-type]
        BinaryVerifyTask(schema, pool, candidates="proposed", n_pos=settings.n_pos, n_neg=settings.n_neg),
    ]
