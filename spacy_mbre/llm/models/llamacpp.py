"""``spacy-mbre.LlamaCpp.v1``: a local GGUF model (llama-cpp-python) for
spacy-llm that returns answers *with* their option probabilities.

- A :class:`~spacy_mbre.llm.types.Question` gets one forward pass over the
  prompt and no sampling: the next-token distribution is read through a
  logits processor (public llama-cpp-python API; works with
  ``logits_all=False``, the fast setting) and turned into option probabilities
  (see :mod:`.option_probs` for the method). The answer is the most probable
  option.
- A plain string prompt gets greedy text generation, ``probs=None``.
- Prefix reuse: llama.cpp keeps the longest common token prefix with the
  previous prompt on the same ``Llama`` object. Each call runs its questions
  grouped by ``prefix_key`` (stable inside a group; the group matching the
  prefix left in the cache first) and returns answers in input order.
  ``Answer.usage`` records prompt, evaluated, reused and generated tokens.
- The model loads on first use, once per process (:mod:`.llamacpp_load`);
  forward passes and prefix reuse: :mod:`.llamacpp_eval`; the model callable:
  :mod:`.llamacpp_model`.
"""
from typing import Any, Dict, Optional

from confection import SimpleFrozenDict
from spacy_llm.registry import registry

from . import option_probs
from .llamacpp_load import AUTO_TEMPLATE, NO_TEMPLATE, LlamaCppError
from .llamacpp_model import LlamaCpp

__all__ = ["AUTO_TEMPLATE", "NO_TEMPLATE", "LlamaCpp", "LlamaCppError", "llama_cpp_v1"]


@registry.llm_models("spacy-mbre.LlamaCpp.v1")
def llama_cpp_v1(
    path: Optional[str] = None,
    n_ctx: int = 4096,
    n_threads: Optional[int] = None,
    n_batch: int = 512,
    seed: int = 0,
    chat_template: str = AUTO_TEMPLATE,
    system_prompt: Optional[str] = None,
    max_tokens: int = 256,
    option_scoring: str = option_probs.AUTO,
    eval_chunk: int = 32,
    config_init: Dict[str, Any] = SimpleFrozenDict(),
) -> LlamaCpp:
    """A local GGUF model that answers ``Question`` prompts with option
    probabilities and plain prompts with greedy text. See :class:`LlamaCpp`
    for the arguments; the model loads on first use.

    RETURNS (LlamaCpp): The spacy-llm model callable.
    """
    return LlamaCpp(path=path, n_ctx=n_ctx, n_threads=n_threads, n_batch=n_batch, seed=seed,
                    chat_template=chat_template, system_prompt=system_prompt, max_tokens=max_tokens,
                    option_scoring=option_scoring, eval_chunk=eval_chunk,
                    config_init=config_init)
