"""The OpenAI-compatible model callable: its settings, the request body for a
prompt, the identity that keys caches, and a response read into an
:class:`~spacy_mbre.llm.types.Answer`. Registered, and its behaviour
described, in :mod:`.openai_compat` (``spacy-mbre.OpenAICompatible.v1``).
"""
import os
import threading
import time
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

import requests
from confection import SimpleFrozenDict

from ...errors import ConfigError
from ..types import Answer, Question
from . import batching
from .openai_http import ServerRequestError, post_once, send_concurrently, with_retries
from .openai_options import TopLogprobs, score_options
from .openai_response import CHAT, COMPLETIONS, ENDPOINTS, PROMPT_SLOT

BACKEND = "spacy-mbre.OpenAICompatible.v1"


class OpenAICompatible:
    """A spacy-llm model callable over an OpenAI-compatible HTTP server.

    base_url (str): The API root, including the version, e.g.
        "http://127.0.0.1:8000/v1".
    model (str): The model name sent with each request.
    endpoint (str): "chat" (``/chat/completions``: the server applies its chat
        template to one user turn) or "completions" (``/completions``: the
        prompt is sent as text, through `prompt_format`).
    api_key_env (str): Environment variable holding the API key (sent as
        ``Authorization: Bearer``); unset or "" sends no key (local servers).
    max_concurrency (int): Requests in flight at most.
    max_retries (int): Retries per request after the first attempt.
    backoff (float): Seconds before the first retry; doubles per retry.
    backoff_max (float): Cap on one wait.
    timeout (float): Seconds to connect and, separately, to wait for the
        response. A local server answers requests one at a time, so with
        concurrency c a request may queue behind c - 1 others: allow for it.
    top_logprobs (int): Top log-probabilities asked for the first answer
        token; 0 asks for none (always the text fallback). OpenAI allows at
        most 20 (chat) and 5 (completions).
    answer_tokens (int): Tokens generated for a Question (1 suffices for
        scoring; more lets the text fallback spell multi-token options).
    max_tokens (int): Token limit for free-text answers to plain prompts.
    temperature (float): Sampling temperature (0: greedy).
    system_prompt (Optional[str]): A system message (chat endpoint); None
        sends only the user turn, leaving the default to the server's
        template (Qwen's adds its own system message).
    prompt_format (Optional[str]): For the completions endpoint: text with
        "{prompt}" where the prompt goes (e.g. a chat template written out);
        None sends the prompt as is.
    extra_body (Dict[str, Any]): Further request fields for every request
        (server-specific, e.g. {"repeat_penalty": 1.0} for llama.cpp).
    context_length (Optional[int]): The model's context size, if known
        (spacy-llm uses it for sharding).
    """

    def __init__(
        self,
        base_url: str,
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
    ) -> None:
        if endpoint not in ENDPOINTS:
            raise ConfigError(f"OpenAICompatible endpoint must be one of {tuple(ENDPOINTS)}, not {endpoint!r}")
        if not isinstance(base_url, str) or not base_url.startswith(("http://", "https://")):
            raise ConfigError(f"OpenAICompatible base_url must be an http(s) URL such as http://127.0.0.1:8000/v1, "
                              f"not {base_url!r}")
        if max_concurrency < 1 or max_retries < 0:
            raise ConfigError(f"OpenAICompatible needs max_concurrency >= 1 and max_retries >= 0 "
                              f"(got {max_concurrency}, {max_retries})")
        if backoff < 0 or backoff_max < 0 or timeout <= 0:
            raise ConfigError(f"OpenAICompatible needs backoff, backoff_max >= 0 and timeout > 0 "
                              f"(got {backoff}, {backoff_max}, {timeout})")
        if top_logprobs < 0 or answer_tokens < 1 or max_tokens < 1:
            raise ConfigError(f"OpenAICompatible needs top_logprobs >= 0, answer_tokens >= 1 and max_tokens >= 1 "
                              f"(got {top_logprobs}, {answer_tokens}, {max_tokens})")
        if prompt_format is not None and (endpoint != COMPLETIONS or PROMPT_SLOT not in prompt_format):
            raise ConfigError(f"OpenAICompatible prompt_format is for endpoint='completions' and must contain "
                              f"{PROMPT_SLOT!r}")
        self._base_url = base_url.rstrip("/")
        self._model = model
        self._endpoint = endpoint
        self._api_key_env = api_key_env
        self._max_concurrency = int(max_concurrency)
        self._max_retries = int(max_retries)
        self._backoff = float(backoff)
        self._backoff_max = float(backoff_max)
        self._timeout = float(timeout)
        self._top_logprobs = int(top_logprobs)
        self._answer_tokens = int(answer_tokens)
        self._max_tokens = int(max_tokens)
        self._temperature = float(temperature)
        self._system_prompt = system_prompt
        self._prompt_format = prompt_format
        self._extra_body = dict(extra_body)
        self._context_length = context_length

    # ---- spacy-llm interface -------------------------------------------------

    @property
    def context_length(self) -> Optional[int]:
        """RETURNS (Optional[int]): The configured context size (spacy-llm sharding)."""
        return self._context_length

    def __call__(self, prompts: Iterable[Iterable[Any]]) -> Iterable[Iterable[Any]]:
        """Answer prompts concurrently; answers come back in input order.

        prompts (Iterable[Iterable[Any]]): Prompts per doc (``Question`` or str).
        RETURNS (Iterable[Iterable[Any]]): ``Answer`` objects per doc.
        RAISES (ServerRequestError): A request failed for good.
        """
        nested = [list(doc_prompts) for doc_prompts in prompts]
        flat = [prompt for doc_prompts in nested for prompt in doc_prompts]
        answers = self.answer_all(flat)
        return batching.regroup(answers, nested)

    # ---- identity ------------------------------------------------------------

    @property
    def url(self) -> str:
        """RETURNS (str): The endpoint URL requests go to."""
        return self._base_url + ENDPOINTS[self._endpoint]

    @property
    def identity(self) -> Dict[str, Any]:
        """What determines this model's answers, for keying caches: the
        server, model name, endpoint and every setting that changes an answer
        (not concurrency, retries, timeouts or the key).

        RETURNS (Dict[str, Any]): JSON-serialisable description.
        """
        return {
            "backend": BACKEND,
            "base_url": self._base_url,
            "model": self._model,
            "endpoint": self._endpoint,
            "system_prompt": self._system_prompt,
            "prompt_format": self._prompt_format,
            "top_logprobs": self._top_logprobs,
            "answer_tokens": self._answer_tokens,
            "max_tokens": self._max_tokens,
            "temperature": self._temperature,
            "extra_body": self._extra_body,
            "decoding": "greedy" if self._temperature == 0 else "sampled",
        }

    # ---- requests ------------------------------------------------------------

    def payload(self, prompt: Any) -> Dict[str, Any]:
        """The request body for one prompt.

        prompt (Any): A ``Question`` (scored: few tokens, log-probabilities)
            or a plain string (free text).
        RETURNS (Dict[str, Any]): The JSON body.
        """
        text = str(prompt)
        question = isinstance(prompt, Question)
        body: Dict[str, Any] = {
            "model": self._model,
            "max_tokens": self._answer_tokens if question else self._max_tokens,
            "temperature": self._temperature,
            "stream": False,
        }
        if self._endpoint == CHAT:
            messages = []
            if self._system_prompt is not None:
                messages.append({"role": "system", "content": self._system_prompt})
            messages.append({"role": "user", "content": text})
            body["messages"] = messages
            if question and self._top_logprobs > 0:
                body["logprobs"] = True
                body["top_logprobs"] = self._top_logprobs
        else:
            body["prompt"] = self._prompt_format.replace(PROMPT_SLOT, text) if self._prompt_format else text
            if question and self._top_logprobs > 0:
                body["logprobs"] = self._top_logprobs
        body.update(self._extra_body)
        return body

    def _headers(self) -> Dict[str, str]:
        headers = {"Content-Type": "application/json"}
        key = os.environ.get(self._api_key_env) if self._api_key_env else None
        if key:
            headers["Authorization"] = f"Bearer {key}"
        return headers

    def _attempt(
        self, session: requests.Session, body: Dict[str, Any]
    ) -> Tuple[str, Optional[TopLogprobs], Dict[str, float]]:
        """One POST; returns the parsed response or raises Retriable/Fatal."""
        return post_once(session, self.url, body, self._headers(), self._timeout, self._endpoint)

    def request(self, index: int, total: int, prompt: Any, session: requests.Session,
                cancelled: Optional[threading.Event] = None) -> Answer:
        """Send one prompt, retrying as configured, and read the answer.

        index (int): The prompt's position in the call (for error messages).
        total (int): Prompts in the call.
        prompt (Any): A ``Question`` or plain string.
        session (requests.Session): The HTTP session of this thread.
        cancelled (Optional[threading.Event]): Set when the call gives up;
            the request then stops retrying.
        RETURNS (Answer): The answer (see the module docs).
        RAISES (ServerRequestError): The last attempt failed, or the server
            answered with a status that retrying cannot fix.
        """
        body = self.payload(prompt)
        start = time.perf_counter()
        (text, top, usage), retries = with_retries(
            lambda: self._attempt(session, body), self._max_retries, self._backoff, self._backoff_max, cancelled,
            lambda attempts, last: ServerRequestError(index, total, self.url, attempts, last),
        )
        usage["seconds"] = time.perf_counter() - start
        usage["retries"] = float(retries)
        if not isinstance(prompt, Question):
            return Answer(text.strip(), probs=None, usage=usage)
        answer, probs, mass = score_options(top, text, prompt.options)
        return Answer(answer, probs=probs, usage=usage, option_mass=mass)

    def answer_all(self, prompts: Sequence[Any]) -> List[Answer]:
        """Answer prompts with at most ``max_concurrency`` requests in flight.

        prompts (Sequence[Any]): ``Question`` objects or plain strings.
        RETURNS (List[Answer]): The answers, in input order.
        RAISES (ServerRequestError): A request failed for good; the answers
            received by then are attached as ``err.answers``.
        """
        return send_concurrently(
            len(prompts),
            lambda index, session, cancelled: self.request(index, len(prompts), prompts[index], session, cancelled),
            self._max_concurrency,
        )
