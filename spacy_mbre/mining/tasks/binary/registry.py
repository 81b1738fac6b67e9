"""Registration of ``spacy-mbre.BinaryVerify.v1`` (entry point group
``thinc_llm_tasks``, where spacy-llm 0.7 reads its tasks)."""
from typing import Optional

from spacy_llm.registry import registry

from ....data.schema import load_schema
from ...examples import ExamplePool, collect_examples
from ..base import load_fewshot
from .task import DEFAULT_TEMPLATE, BinaryVerifyTask


@registry.llm_tasks("spacy-mbre.BinaryVerify.v1")
def make_binary_verify_task(
    schema: str,
    candidates: str = "proposed",
    fewshot: Optional[str] = None,
    seed: int = 0,
    n_pos: int = 3,
    n_neg: int = 4,
    template: str = DEFAULT_TEMPLATE,
) -> BinaryVerifyTask:
    """Binary verification questions: one per (pair, option).

    schema (str): A schema file or shipped schema name.
    candidates (str): "all" options, or the options "proposed" by a grouped
        multi-class component earlier in the pipeline.
    fewshot (Optional[str]): A DocBin of gold docs for in-context examples
        (or use ``initialize``); None = zero-shot.
    seed (int): Seed of the example draws.
    n_pos (int): Positive in-context examples per option (paper: 3).
    n_neg (int): Negative in-context examples per option (paper: 4).
    template (str): The Jinja template.
    RETURNS (BinaryVerifyTask): The task.
    """
    loaded = load_schema(schema)
    pool = ExamplePool(collect_examples(load_fewshot(fewshot), loaded), seed=seed)
    return BinaryVerifyTask(loaded, pool, candidates=candidates, n_pos=n_pos, n_neg=n_neg, template=template)
