"""The three mining strategies as chains of stages.

* ``binary``: verify every option — N binary questions per pair;
* ``multiclass``: one multi-class question over all N options per pair, no
  verification (the decision keeps the chosen option);
* ``mbre``: one grouped multi-class question per (pair, group), then one
  binary question per proposed option, then the Label Decision.

The proposer of ``mbre`` is set by ``proposer``: ``groups`` (the paper's
grouped multi-class questions), ``classifier`` (a trained ``mbre_relations``
pipeline's ``top_m`` options, no LLM call; see
:mod:`spacy_mbre.mining.proposers.classifier`) or ``both`` (the union).

All three take the same schema, example pool and settings, so one run can
compare them on the same pairs, model and cache.
"""
from dataclasses import asdict, dataclass
from typing import Any, Dict, List, Optional, Union

from ..data.schema import Schema
from ..errors import ConfigError
from .examples import ExamplePool
from .grouping import Grouping, single_group
from .proposers import LocalProposer
from .tasks.base import MiningTask
from .tasks.binary.task import BinaryVerifyTask
from .tasks.multiclass.task import GroupedMultiClassTask

STRATEGIES = ("binary", "multiclass", "mbre")
PROPOSERS = ("groups", "classifier", "both")


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
    proposer (str): ``mbre``'s proposer: "groups", "classifier" or "both".
    proposer_model (Optional[str]): The classifier proposer's trained pipeline.
    proposer_top_m (int): Options the classifier proposes per pair.
    proposer_min_prob (float): Minimum classifier probability of a proposal.
    rule (str): The Label Decision: "paper" or "combined".
    alpha (float): Combined rule: the classifier's weight.
    max_labels (int): Combined rule: labels kept per pair.
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
    proposer: str = "groups"
    proposer_model: Optional[str] = None
    proposer_top_m: int = 2
    proposer_min_prob: float = 0.0
    rule: str = "paper"
    alpha: float = 0.5
    max_labels: int = 1

    def __post_init__(self) -> None:
        if self.strategy not in STRATEGIES:
            raise ConfigError(f"strategy must be one of {STRATEGIES}, got {self.strategy!r}.")
        if self.proposer not in PROPOSERS:
            raise ConfigError(f"proposer must be one of {PROPOSERS}, got {self.proposer!r}.")
        uses_classifier = self.strategy == "mbre" and self.proposer != "groups"
        if uses_classifier and not self.proposer_model:
            raise ConfigError(f"The {self.proposer!r} proposer needs a trained pipeline (--proposer-model).")
        if self.rule == "combined" and self.strategy == "multiclass":
            raise ConfigError("The combined decision rule scores verified options: use strategy binary or mbre.")

    def to_dict(self) -> Dict[str, Any]:
        """RETURNS (Dict[str, Any]): The settings."""
        return asdict(self)


Stage = Union[MiningTask, LocalProposer]


def build_stages(
    schema: Schema,
    grouping: Grouping,
    pool: ExamplePool,
    settings: StrategySettings,
    proposer: Optional[LocalProposer] = None,
) -> List[Stage]:
    """schema (Schema): The schema.
    grouping (Grouping): The groups (used by ``mbre``).
    pool (ExamplePool): In-context examples.
    settings (StrategySettings): The settings.
    proposer (Optional[LocalProposer]): The classifier proposer (``mbre``
        with proposer "classifier" or "both").
    RETURNS (List[Stage]): The stages, in order.
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
    verify = BinaryVerifyTask(schema, pool, candidates="proposed", n_pos=settings.n_pos, n_neg=settings.n_neg)
    groups = GroupedMultiClassTask(schema, grouping, pool, **mc_args)  # type: ignore[arg-type]
    if settings.proposer == "groups":
        return [groups, verify]
    if proposer is None:
        raise ConfigError(f"The {settings.proposer!r} proposer was not given.")
    return [proposer, verify] if settings.proposer == "classifier" else [proposer, groups, verify]
