"""Registration of ``spacy-mbre.GroupedMultiClass.v1`` (entry point group
``thinc_llm_tasks``, where spacy-llm 0.7 reads its tasks)."""
from typing import Optional

from spacy_llm.registry import registry

from ....data.schema import load_schema
from ...examples import ExamplePool, collect_examples
from ...grouping import group_schema, read_groups, single_group
from ..base import load_fewshot
from .task import DEFAULT_TEMPLATE, GroupedMultiClassTask


@registry.llm_tasks("spacy-mbre.GroupedMultiClass.v1")
def make_grouped_multiclass_task(
    schema: str,
    groups: Optional[str] = None,
    fewshot: Optional[str] = None,
    seed: int = 0,
    n_per_option: int = 1,
    n_none: int = 1,
    option_keys: str = "letters",
    max_proposals: int = 1,
    min_option_prob: float = 0.05,
    none_cutoff: float = 0.5,
    template: str = DEFAULT_TEMPLATE,
) -> GroupedMultiClassTask:
    """Grouped multi-class questions: one per (pair, group).

    schema (str): A schema file or shipped schema name.
    groups (Optional[str]): A groups.json written by ``spacy-mbre group``;
        "single" puts all options in one group (the ``multiclass`` strategy);
        None groups the schema with the default greedy TF-IDF grouping.
    fewshot (Optional[str]): A DocBin of gold docs for in-context examples
        (or use ``initialize`` with gold examples); None = zero-shot.
    seed (int): Seed of the example draws.
    n_per_option (int): In-context examples per option of a group.
    n_none (int): In-context "none" examples per group.
    option_keys (str): Answer with "letters" (A, B, …) or option "names".
    max_proposals (int): Max options a group proposes for verification.
    min_option_prob (float): Min probability of a proposed option.
    none_cutoff (float): P("none") at or above which a group proposes nothing.
    template (str): The Jinja template.
    RETURNS (GroupedMultiClassTask): The task.
    """
    loaded = load_schema(schema)
    if groups == "single":
        grouping = single_group(loaded)
    elif groups:
        grouping = read_groups(groups, loaded)
    else:
        grouping = group_schema(loaded)
    pool = ExamplePool(collect_examples(load_fewshot(fewshot), loaded), seed=seed)
    return GroupedMultiClassTask(
        loaded,
        grouping,
        pool,
        n_per_option=n_per_option,
        n_none=n_none,
        option_keys=option_keys,
        max_proposals=max_proposals,
        min_option_prob=min_option_prob,
        none_cutoff=none_cutoff,
        template=template,
    )
