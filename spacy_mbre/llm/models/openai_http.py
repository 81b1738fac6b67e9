"""HTTP transport for the OpenAI-compatible client: one POST classified as
success, retriable or fatal failure, the retry backoff, and running one
call's requests on a thread pool.

- Connection errors, timeouts, HTTP 408/429/5xx and malformed responses (bad
  JSON, no choices) are retried with exponential backoff (``backoff *
  2**attempt`` seconds, at most ``backoff_max``; a 429's ``Retry-After`` is
  honoured up to ``backoff_max``). Any other HTTP status (400, 401, 404, …)
  fails at once.
- One call's prompts are sent by at most ``max_concurrency`` threads (so at
  most that many requests are in flight, each thread with its own
  ``requests.Session``); answers come back in input order. When a request
  fails for good, requests not yet started are cancelled, those in flight
  are finished and their answers are attached to the error
  (:attr:`ServerRequestError.answers`).
"""
import threading
import time
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from typing import Any, Callable, Dict, List, Optional, Tuple

import requests

from ...errors import MBReError
from ..types import Answer
from .openai_options import TopLogprobs
from .openai_response import parse_response

RETRY_STATUSES = frozenset({408, 429})  # and every 5xx
# (index, session of the calling thread, event set when the call gives up) -> answer
Send = Callable[[int, requests.Session, threading.Event], Answer]
Parsed = Tuple[str, Optional[TopLogprobs], Dict[str, float]]


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


class Retriable(Exception):
    """A failed attempt worth retrying: message and the server's Retry-After."""

    def __init__(self, message: str, retry_after: Optional[float] = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Fatal(Exception):
    """A failed attempt that retrying cannot fix."""


class Cancelled(Exception):
    """Another request of the call failed for good; this one gave up."""


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



def with_retries(
    attempt_once: Callable[[], Parsed],
    max_retries: int,
    backoff: float,
    backoff_max: float,
    cancelled: Optional[threading.Event],
    fail: Callable[[int, str], Exception],
) -> Tuple[Parsed, int]:
    """Run one request's attempts until one succeeds, waiting between them.

    attempt_once (Callable[[], Parsed]): One attempt; raises
        :class:`Retriable` or :class:`Fatal` when it fails.
    max_retries (int): Retries after the first attempt.
    backoff (float): Seconds before the first retry; doubles per retry.
    backoff_max (float): Cap on one wait.
    cancelled (Optional[threading.Event]): Set when the call gives up; the
        request then stops retrying (raising :class:`Cancelled`).
    fail (Callable[[int, str], Exception]): Builds the error for a request
        that failed for good from the attempts made and the last error.
    RETURNS (Tuple[Parsed, int]): The parsed response and the retries it took.
    RAISES (Exception): ``fail(...)``: the last attempt failed, or the server
        answered with a status that retrying cannot fix.
    """
    last = ""
    for attempt in range(max_retries + 1):
        if cancelled is not None and cancelled.is_set():
            raise Cancelled()
        try:
            return attempt_once(), attempt
        except Fatal as err:
            raise fail(attempt + 1, str(err)) from None
        except Retriable as err:
            last = str(err)
            if attempt < max_retries:
                delay = backoff_delay(attempt, backoff, backoff_max, err.retry_after)
                if cancelled is not None:
                    if cancelled.wait(delay):
                        raise Cancelled() from None
                else:
                    time.sleep(delay)
    raise fail(max_retries + 1, last)


def post_once(
    session: requests.Session, url: str, body: Dict[str, Any], headers: Dict[str, str], timeout: float, endpoint: str
) -> Parsed:
    """One POST, read as a response of `endpoint`.

    session (requests.Session): The HTTP session of this thread.
    url (str): The endpoint URL.
    body (Dict[str, Any]): The JSON request body.
    headers (Dict[str, str]): The request headers.
    timeout (float): Seconds to connect and, separately, to wait for the response.
    endpoint (str): "chat" or "completions".
    RETURNS (Parsed): The parsed response (see :func:`~.openai_response.parse_response`).
    RAISES (Retriable): The attempt failed in a way worth retrying.
    RAISES (Fatal): The server answered with a status retrying cannot fix.
    """
    try:
        response = session.post(url, json=body, headers=headers, timeout=timeout)
    except requests.Timeout:
        raise Retriable(f"no response within timeout={timeout:g}s") from None
    except requests.RequestException as err:
        raise Retriable(f"{type(err).__name__}: {err}") from None
    status = response.status_code
    if status != 200:
        excerpt = response.text[:300].strip().replace("\n", " ")
        message = f"HTTP {status}" + (f": {excerpt}" if excerpt else "")
        if status in RETRY_STATUSES or status >= 500:
            raise Retriable(message, _retry_after(response))
        raise Fatal(message)
    try:
        decoded = response.json()
    except ValueError:
        excerpt = response.text[:120].replace("\n", " ")
        raise Retriable(f"malformed JSON in the response: {excerpt!r}") from None
    try:
        return parse_response(decoded, endpoint)
    except ValueError as err:
        raise Retriable(f"malformed response: {err}") from None


def send_concurrently(total: int, send: Send, max_concurrency: int) -> List[Answer]:
    """Run `send` for every request index with at most `max_concurrency`
    requests in flight.

    total (int): The number of requests (prompts) in the call.
    send (Send): Sends request `index` on the given session; stops retrying
        once the event is set (raising :class:`Cancelled`).
    max_concurrency (int): Threads, so requests in flight, at most.
    RETURNS (List[Answer]): The answers, in request order.
    RAISES (ServerRequestError): A request failed for good; the answers
        received by then are attached as ``err.answers``.
    """
    if not total:
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
        return send(index, session, cancelled)

    workers = min(max_concurrency, total)
    executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="openai-compat")
    futures: List[Future] = []
    try:
        futures = [executor.submit(run, i) for i in range(total)]
        wait(futures, return_when=FIRST_EXCEPTION)
    finally:
        if not all(f.done() for f in futures) or len(futures) < total:
            cancelled.set()  # a request failed for good (or we were interrupted): start no more
        executor.shutdown(wait=True, cancel_futures=True)  # requests in flight finish their attempt
        for session in sessions:
            session.close()
    finished = [f.done() and not f.cancelled() for f in futures]
    answers: List[Optional[Answer]] = [
        f.result() if ok and f.exception() is None else None for f, ok in zip(futures, finished)
    ]
    errors = [f.exception() for f, ok in zip(futures, finished) if ok and f.exception() is not None]
    real = [e for e in errors if not isinstance(e, Cancelled)]
    if real:
        error = real[0]
        if isinstance(error, ServerRequestError):
            error.answers = answers
        raise error
    return answers  # type: ignore[return-value]
