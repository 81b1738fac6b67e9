"""``spacy-mbre.OpenAICompatible.v1``: a spacy-llm model that talks to any
OpenAI-compatible server (``/v1/chat/completions`` or ``/v1/completions``:
llama.cpp's or llama-cpp-python's server, vLLM, OpenAI, …) and returns the
same :class:`~spacy_mbre.llm.types.Answer` records as the local backend.

- A :class:`~spacy_mbre.llm.types.Question` is sent with ``max_tokens=
  answer_tokens`` (default 1), temperature 0 and ``logprobs``/``top_logprobs``;
  the answer is read from the first generated token's top log-probabilities
  (:mod:`.openai_options`). When the server returns none (it ignores the
  parameter, ``top_logprobs=0``, or none of the listed tokens belongs to an
  option), the answer is the greedy text matched to an option, or the raw
  text, with ``probs=None``; the task parsers then parse the text strictly
  (so free text counts as unparseable). Options that share their first token
  (e.g. ``Cause-Effect(e1,e2)`` vs ``Cause-Effect(e2,e1)``) cannot be told
  apart from one token: they take this fallback too — raise
  ``answer_tokens`` so the greedy text can spell a whole option.
- A plain string prompt gets greedy text generation (``max_tokens``),
  ``probs=None``.
- Requests, retries and concurrency: :mod:`.openai_http`. A request that
  fails for good raises :class:`ServerRequestError` naming the request (its
  index in the call), the URL, the number of attempts and the last status or
  error, with the answers received by then attached (``err.answers``). The
  miner's answer cache commits answers per chunk of questions, so a failed
  run resumes like a crashed one.
- ``Answer.usage``: ``prompt_tokens``, ``evaluated_tokens``, ``reused_tokens``
  and ``generated_tokens`` from the server's ``usage``
  (:mod:`.openai_response`), ``seconds`` from the first attempt to the answer
  (requests overlap, so these add up to more than the wall time),
  ``retries``, and (for scored questions, as ``Answer.option_mass`` keeps it)
  ``option_mass``.

Uses only the standard library and ``requests`` (a dependency of spaCy).
"""
from typing import Any, Dict, Optional

from confection import SimpleFrozenDict
from spacy_llm.registry import registry

from .openai_http import RETRY_STATUSES, ServerRequestError, backoff_delay
from .openai_model import BACKEND, OpenAICompatible
from .openai_options import TopLogprobs, match_option, option_masses, score_options, token_owner
from .openai_response import CHAT, COMPLETIONS, ENDPOINTS, PROMPT_SLOT, parse_response

__all__ = [
    "BACKEND", "CHAT", "COMPLETIONS", "ENDPOINTS", "PROMPT_SLOT", "RETRY_STATUSES", "OpenAICompatible",
    "ServerRequestError", "TopLogprobs", "backoff_delay", "match_option", "openai_compatible_v1",
    "option_masses", "parse_response", "score_options", "token_owner",
]


@registry.llm_models(BACKEND)
def openai_compatible_v1(
    base_url: str = "http://127.0.0.1:8000/v1",
    model: str = "default",
    endpoint: str = CHAT,
    api_key_env: str = "OPENAI_API_KEY",
    max_concurrency: int = 4,
    max_retries: int = 4,
    backoff: float = 0.5,
    backoff_max: float = 30.0,
    timeout: float = 300.0,
    top_logprobs: int = 20,
    answer_tokens: int = 1,
    max_tokens: int = 256,
    temperature: float = 0.0,
    system_prompt: Optional[str] = None,
    prompt_format: Optional[str] = None,
    extra_body: Dict[str, Any] = SimpleFrozenDict(),
    context_length: Optional[int] = None,
) -> OpenAICompatible:
    """A model behind an OpenAI-compatible server that answers ``Question``
    prompts with option probabilities read from ``top_logprobs`` and plain
    prompts with text. See :class:`OpenAICompatible` for the arguments;
    nothing is sent until the model is called.

    RETURNS (OpenAICompatible): The spacy-llm model callable.
    """
    return OpenAICompatible(
        base_url=base_url, model=model, endpoint=endpoint, api_key_env=api_key_env,
        max_concurrency=max_concurrency, max_retries=max_retries, backoff=backoff, backoff_max=backoff_max,
        timeout=timeout, top_logprobs=top_logprobs, answer_tokens=answer_tokens, max_tokens=max_tokens,
        temperature=temperature, system_prompt=system_prompt, prompt_format=prompt_format,
        extra_body=extra_body, context_length=context_length,
    )
