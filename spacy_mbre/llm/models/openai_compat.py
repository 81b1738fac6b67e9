"""``spacy-mbre.OpenAICompatible.v1``: a spacy-llm model that talks to any
OpenAI-compatible server (``/v1/chat/completions`` or ``/v1/completions``:
llama.cpp's or llama-cpp-python's server, vLLM, OpenAI, …) and returns the
same :class:`~spacy_mbre.llm.types.Answer` records as the local backend.

- A :class:`~spacy_mbre.llm.types.Question` is sent with ``max_tokens=
  answer_tokens`` (default 1), temperature 0 and ``logprobs``/``top_logprobs``.
  From the top log-probabilities of the *first* generated token, an option's
  mass is the sum of ``exp(logprob)`` over the listed tokens that belong to
  it, matched on token *strings* (the server returns strings, not ids): a
  token belongs to an option if it equals one of the option's surface
  variants (:func:`~.option_probs.surface_variants`: as written, lower,
  Capitalised, UPPER, with and without a leading space) or, failing an exact
  match, starts one (``"Y"`` for ``"Yes"`` tokenized as ``Y|es``). A token
  that exactly matches, or else starts, the variants of several options
  counts for none. The masses are renormalised over the options (the answer
  is the most probable option); the unnormalised total is the answer's
  ``option_mass`` (it only covers the ``top_logprobs`` listed
  tokens, so it is a lower bound of the full-vocabulary mass).
- **Fallback**: when the server returns no log-probabilities (it ignores the
  parameter, ``top_logprobs=0``, or none of the listed tokens belongs to an
  option), the answer is the greedy text if it equals an option after
  strip/lowercase normalisation (returned as the option is written), else the
  raw text, with ``probs=None``; the task parsers then parse the text
  strictly (so free text counts as unparseable). Options that share their
  first token (e.g. ``Cause-Effect(e1,e2)`` vs ``Cause-Effect(e2,e1)``)
  cannot be told apart from one token: they take this fallback too — raise
  ``answer_tokens`` so the greedy text can spell a whole option.
- A plain string prompt gets greedy text generation (``max_tokens``),
  ``probs=None``.
- Concurrency: one call's prompts are sent by at most ``max_concurrency``
  threads (so at most that many requests are in flight); answers come back in
  input order. Connection errors, timeouts, HTTP 408/429/5xx and malformed
  responses (bad JSON, no choices) are retried with exponential backoff
  (``backoff * 2**attempt`` seconds, at most ``backoff_max``; a 429's
  ``Retry-After`` is honoured up to ``backoff_max``). Any other HTTP status
  (400, 401, 404, …) fails at once. A request that fails for good raises
  :class:`ServerRequestError` naming the request (its index in the call),
  the URL, the number of attempts and the last status or error; requests not
  yet started are cancelled, those in flight are finished and their answers
  are attached to the error (``err.answers``). The miner's answer cache
  commits answers per chunk of questions, so a failed run resumes like a
  crashed one.
- ``Answer.usage``: ``prompt_tokens`` and ``generated_tokens`` from the
  server's ``usage`` (``completion_tokens``), ``reused_tokens`` from
  ``usage.prompt_tokens_details.cached_tokens`` where the server reports it
  (else 0), ``evaluated_tokens`` = prompt - reused, ``seconds`` from the
  first attempt to the answer (requests overlap, so these add up to more
  than the wall time), ``retries``, and (for scored questions, as
  ``Answer.option_mass`` keeps it) ``option_mass``.

Uses only the standard library and ``requests`` (a dependency of spaCy).
"""
import math
import os
import threading
import time
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

import requests
from confection import SimpleFrozenDict
from spacy_llm.registry import registry

from ...errors import ConfigError, MBReError
from ..types import Answer, Question
from . import option_probs

BACKEND = "spacy-mbre.OpenAICompatible.v1"
CHAT = "chat"
COMPLETIONS = "completions"
ENDPOINTS = {CHAT: "/chat/completions", COMPLETIONS: "/completions"}
PROMPT_SLOT = "{prompt}"
RETRY_STATUSES = frozenset({408, 429})  # and every 5xx
TopLogprobs = List[Tuple[str, float]]


class ServerRequestError(MBReError):
    """A request to an OpenAI-compatible server failed for good: after its
    last retry, or with a status that retrying cannot fix.

    index (int): The request's position among the prompts of the model call
        (0-based, flattened over docs).
    total (int): How many prompts the call had.
    url (str): The endpoint URL.
    attempts (int): Attempts made.
    last_error (str): The last HTTP status and body excerpt, or the error.
    answers (List[Optional[Answer]]): Per prompt of the call, its answer if
        it was received before the call gave up, else None.
    """

    def __init__(self, index: int, total: int, url: str, attempts: int, last_error: str) -> None:
        self.index = index
        self.total = total
        self.url = url
        self.attempts = attempts
        self.last_error = last_error
        self.answers: List[Optional[Answer]] = []
        tries = f"{attempts} attempt" + ("s" if attempts != 1 else "")
        super().__init__(
            f"OpenAI-compatible server: request {index} (of {total} in this call) to {url} failed after {tries}: "
            f"{last_error}"
        )


class _Retriable(Exception):
    """A failed attempt worth retrying: message and the server's Retry-After."""

    def __init__(self, message: str, retry_after: Optional[float] = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class _Fatal(Exception):
    """A failed attempt that retrying cannot fix."""


class _Cancelled(Exception):
    """Another request of the call failed for good; this one gave up."""


# ---- pure helpers ----------------------------------------------------------------


def match_option(text: str, options: Sequence[str]) -> Optional[str]:
    """The option a free-text answer names exactly, after strip/lowercase.

    text (str): The generated text.
    options (Sequence[str]): The allowed answers.
    RETURNS (Optional[str]): The option as written, or None.
    """
    norm = str(text).strip().lower()
    for option in options:
        if option.strip().lower() == norm:
            return option
    return None


def token_owner(token: str, variants: Mapping[str, Sequence[str]]) -> Optional[str]:
    """Which option a token string belongs to (first-token matching).

    token (str): A token string from top_logprobs.
    variants (Mapping[str, Sequence[str]]): Option → its surface variants.
    RETURNS (Optional[str]): The one option whose variants the token equals
        (or, if it equals none, the one whose variants it starts); None if no
        option or several claim it, or the token is blank.
    """
    if not token or not token.strip():
        return None
    exact = [opt for opt, forms in variants.items() if token in forms]
    if exact:
        return exact[0] if len(exact) == 1 else None
    starts = [opt for opt, forms in variants.items() if any(form.startswith(token) for form in forms)]
    return starts[0] if len(starts) == 1 else None


def option_masses(top: TopLogprobs, options: Sequence[str]) -> Dict[str, float]:
    """Unnormalised option masses from one token's top log-probabilities.

    top (TopLogprobs): (token string, log-probability) pairs; entries with
        equal strings (distinct token ids) add up.
    options (Sequence[str]): The allowed answers.
    RETURNS (Dict[str, float]): Option → summed probability of its tokens.
    """
    variants = {opt: option_probs.surface_variants(opt) for opt in options}
    masses = {opt: 0.0 for opt in options}
    for token, logprob in top:
        if logprob is None or not math.isfinite(logprob):
            continue
        owner = token_owner(token, variants)
        if owner is not None:
            masses[owner] += math.exp(logprob)
    return masses


def score_options(
    top: Optional[TopLogprobs], text: str, options: Sequence[str]
) -> Tuple[str, Optional[Dict[str, float]], Optional[float]]:
    """The answer to a question from the first token's top log-probabilities,
    or the fallback from the text (see the module docs).

    top (Optional[TopLogprobs]): The first generated token's top
        log-probabilities, or None if the server gave none.
    text (str): The generated text.
    options (Sequence[str]): The allowed answers.
    RETURNS (Tuple[str, Optional[Dict[str, float]], Optional[float]]): The
        answer text, option → probability (None in the fallback) and the
        option mass (None when the server gave no log-probabilities).
    """
    if top:
        probs, mass = option_probs.renormalise(option_masses(top, options))
        if mass > 0.0:
            return option_probs.argmax_option(probs, tuple(options)), probs, mass
        fallback_mass: Optional[float] = 0.0
    else:
        fallback_mass = None
    matched = match_option(text, options)
    return (matched if matched is not None else text), None, fallback_mass


def _first_top_logprobs(logprobs: Any, endpoint: str) -> Optional[TopLogprobs]:
    """The first generated token's top log-probabilities from a choice's
    ``logprobs`` field (chat: ``content[0].top_logprobs`` as a list of
    {token, logprob}; completions: ``top_logprobs[0]`` as a dict)."""
    if not logprobs:
        return None
    if endpoint == CHAT:
        content = logprobs.get("content") if isinstance(logprobs, dict) else None
        if not content:
            return None
        entries = content[0].get("top_logprobs") or []
        out: TopLogprobs = []
        for entry in entries:
            token = entry.get("token")
            if token is None and entry.get("bytes") is not None:
                token = bytes(entry["bytes"]).decode("utf-8", errors="ignore")
            if token is not None and entry.get("logprob") is not None:
                out.append((str(token), float(entry["logprob"])))
        return out or None
    tops = logprobs.get("top_logprobs") if isinstance(logprobs, dict) else None
    if not tops or not isinstance(tops[0], dict):
        return None
    return [(str(tok), float(lp)) for tok, lp in tops[0].items() if lp is not None] or None


def parse_response(body: Any, endpoint: str) -> Tuple[str, Optional[TopLogprobs], Dict[str, float]]:
    """Read a (non-streaming) OpenAI-style response.

    body (Any): The decoded JSON body.
    endpoint (str): "chat" or "completions".
    RETURNS (Tuple[str, Optional[TopLogprobs], Dict[str, float]]): The
        generated text, the first token's top log-probabilities (None if the
        server gave none) and the usage counts.
    RAISES (ValueError): The body is not a well-formed response.
    """
    if not isinstance(body, dict) or not isinstance(body.get("choices"), list) or not body["choices"]:
        raise ValueError("no 'choices' in the response")
    choice = body["choices"][0]
    if not isinstance(choice, dict):
        raise ValueError("'choices[0]' is not an object")
    if endpoint == CHAT:
        message = choice.get("message")
        if not isinstance(message, dict):
            raise ValueError("no 'message' in choices[0]")
        text = message.get("content") or ""
    else:
        if "text" not in choice:
            raise ValueError("no 'text' in choices[0]")
        text = choice.get("text") or ""
    if not isinstance(text, str):
        raise ValueError("the generated text is not a string")
    try:
        top = _first_top_logprobs(choice.get("logprobs"), endpoint)
    except (AttributeError, IndexError, KeyError, TypeError, ValueError) as err:
        raise ValueError(f"malformed 'logprobs': {err}") from None
    raw = body.get("usage")
    raw = raw if isinstance(raw, dict) else {}
    details = raw.get("prompt_tokens_details")
    details = details if isinstance(details, dict) else {}
    prompt = float(raw.get("prompt_tokens") or 0)
    cached = min(prompt, float(details.get("cached_tokens") or 0))
    usage = {
        "prompt_tokens": prompt,
        "evaluated_tokens": prompt - cached,
        "reused_tokens": cached,
        "generated_tokens": float(raw.get("completion_tokens") or 0),
    }
    return text, top, usage


def backoff_delay(attempt: int, backoff: float, backoff_max: float, retry_after: Optional[float] = None) -> float:
    """Seconds to wait before retry number `attempt` + 1.

    attempt (int): The failed attempt, 0-based.
    backoff (float): The first delay.
    backoff_max (float): The cap.
    retry_after (Optional[float]): The server's Retry-After, if any.
    RETURNS (float): min(backoff_max, max(backoff * 2**attempt, retry_after)).
    """
    delay = backoff * (2.0 ** attempt)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return min(backoff_max, delay)


def _retry_after(response: requests.Response) -> Optional[float]:
    value = response.headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:  # an HTTP date: let the backoff decide
        return None


# ---- the model -------------------------------------------------------------------


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
        return option_probs.regroup(answers, nested)

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
        """One POST; returns the parsed response or raises _Retriable/_Fatal."""
        try:
            response = session.post(self.url, json=body, headers=self._headers(), timeout=self._timeout)
        except requests.Timeout:
            raise _Retriable(f"no response within timeout={self._timeout:g}s") from None
        except requests.RequestException as err:
            raise _Retriable(f"{type(err).__name__}: {err}") from None
        status = response.status_code
        if status != 200:
            excerpt = response.text[:300].strip().replace("\n", " ")
            message = f"HTTP {status}" + (f": {excerpt}" if excerpt else "")
            if status in RETRY_STATUSES or status >= 500:
                raise _Retriable(message, _retry_after(response))
            raise _Fatal(message)
        try:
            decoded = response.json()
        except ValueError:
            excerpt = response.text[:120].replace("\n", " ")
            raise _Retriable(f"malformed JSON in the response: {excerpt!r}") from None
        try:
            return parse_response(decoded, self._endpoint)
        except ValueError as err:
            raise _Retriable(f"malformed response: {err}") from None

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
        last = ""
        for attempt in range(self._max_retries + 1):
            if cancelled is not None and cancelled.is_set():
                raise _Cancelled()
            try:
                text, top, usage = self._attempt(session, body)
            except _Fatal as err:
                raise ServerRequestError(index, total, self.url, attempt + 1, str(err)) from None
            except _Retriable as err:
                last = str(err)
                if attempt < self._max_retries:
                    delay = backoff_delay(attempt, self._backoff, self._backoff_max, err.retry_after)
                    if cancelled is not None:
                        if cancelled.wait(delay):
                            raise _Cancelled() from None
                    else:
                        time.sleep(delay)
                continue
            usage["seconds"] = time.perf_counter() - start
            usage["retries"] = float(attempt)
            if not isinstance(prompt, Question):
                return Answer(text.strip(), probs=None, usage=usage)
            answer, probs, mass = score_options(top, text, prompt.options)
            return Answer(answer, probs=probs, usage=usage, option_mass=mass)
        raise ServerRequestError(index, total, self.url, self._max_retries + 1, last)

    def answer_all(self, prompts: Sequence[Any]) -> List[Answer]:
        """Answer prompts with at most ``max_concurrency`` requests in flight.

        prompts (Sequence[Any]): ``Question`` objects or plain strings.
        RETURNS (List[Answer]): The answers, in input order.
        RAISES (ServerRequestError): A request failed for good; the answers
            received by then are attached as ``err.answers``.
        """
        if not prompts:
            return []
        local = threading.local()
        sessions: List[requests.Session] = []
        lock = threading.Lock()
        cancelled = threading.Event()

        def run(index: int) -> Answer:
            session = getattr(local, "session", None)
            if session is None:
                session = local.session = requests.Session()
                with lock:
                    sessions.append(session)
            return self.request(index, len(prompts), prompts[index], session, cancelled)

        workers = min(self._max_concurrency, len(prompts))
        executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="openai-compat")
        futures: List[Future] = []
        try:
            futures = [executor.submit(run, i) for i in range(len(prompts))]
            wait(futures, return_when=FIRST_EXCEPTION)
        finally:
            if not all(f.done() for f in futures) or len(futures) < len(prompts):
                cancelled.set()  # a request failed for good (or we were interrupted): start no more
            executor.shutdown(wait=True, cancel_futures=True)  # requests in flight finish their attempt
            for session in sessions:
                session.close()
        finished = [f.done() and not f.cancelled() for f in futures]
        answers: List[Optional[Answer]] = [
            f.result() if ok and f.exception() is None else None for f, ok in zip(futures, finished)
        ]
        errors = [f.exception() for f, ok in zip(futures, finished) if ok and f.exception() is not None]
        real = [e for e in errors if not isinstance(e, _Cancelled)]
        if real:
            error = real[0]
            if isinstance(error, ServerRequestError):
                error.answers = answers
            raise error
        return answers  # type: ignore[return-value]


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
