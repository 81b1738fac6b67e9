"""spacy-mbre.OpenAICompatible.v1 against FakeOpenAIServer: a stdlib HTTP
server on 127.0.0.1 (free port, in a thread) that speaks just enough of the
OpenAI chat/completions API and injects faults (429, 500, malformed JSON,
hanging requests). No model, no network beyond loopback; tiny backoffs and
timeouts keep the file fast."""
import json
import math
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import pytest
import spacy
from spacy.tokens import DocBin
from spacy_llm.registry import registry
from typer.testing import CliRunner

from spacy_mbre.data.relations import get_relations
from spacy_mbre.errors import ConfigError
from spacy_mbre.llm.gateway import model_identity
from spacy_mbre.llm.models.openai_compat import (
    BACKEND,
    OpenAICompatible,
    ServerRequestError,
    backoff_delay,
    match_option,
    option_masses,
    parse_response,
    score_options,
)
from spacy_mbre.llm.types import BINARY, MULTICLASS, Answer, Question

YES_NO = ("yes", "no")
# Responder: prompt text -> (generated text, top log-probabilities of the first token or None)
Responder = Callable[[str], Tuple[str, Optional[Dict[str, float]]]]


def log_probs(**probs: float) -> Dict[str, float]:
    return {token: math.log(p) for token, p in probs.items()}


def default_responder(prompt: str) -> Tuple[str, Optional[Dict[str, float]]]:
    """Answers "yes" (p 0.8, "Yes" 0.05, "no" 0.1) unless the prompt ends in "no?"."""
    if prompt.endswith("no?"):
        return "no", {"no": math.log(0.7), "yes": math.log(0.2), "No": math.log(0.05)}
    return "yes", {"yes": math.log(0.8), "no": math.log(0.1), "Yes": math.log(0.05)}


class FakeOpenAIServer:
    """A FAKE OpenAI-compatible server for tests.

    responder (Responder): Decides the answer from the prompt text.
    faults (Dict[str, List[str]]): Prompt text → faults for its successive
        attempts ("429", "500", "400", "malformed", "no_choices", "hang");
        an attempt without a listed fault is answered normally.
    always (Optional[str]): A fault for every request (overrides `faults`).
    logprobs (bool): Whether responses carry log-probabilities.
    delay (Callable[[str], float]): Seconds to wait before answering a prompt.
    """

    def __init__(self, responder: Responder = default_responder) -> None:
        self.responder = responder
        self.faults: Dict[str, List[str]] = {}
        self.always: Optional[str] = None
        self.fail_after: Optional[int] = None  # answer this many requests, then always 500
        self.logprobs = True
        self.cached_tokens: Optional[int] = None
        self.delay: Callable[[str], float] = lambda prompt: 0.0
        self.hang_seconds = 5.0
        self.requests: List[Dict[str, Any]] = []  # every request: path, body, headers
        self.answered = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def start(self) -> "FakeOpenAIServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def attempts(self, prompt: str) -> int:
        return sum(1 for r in self.requests if r["prompt"] == prompt)

    # ---- responses ----------------------------------------------------------

    def _fault(self, prompt: str) -> Optional[str]:
        with self._lock:
            if self.always is not None:
                return self.always
            if self.fail_after is not None and self.answered >= self.fail_after:
                return "500"
            queue = self.faults.get(prompt)
            return queue.pop(0) if queue else None

    def _body(self, path: str, request: Dict[str, Any], prompt: str) -> Dict[str, Any]:
        text, top = self.responder(prompt)
        wants = request.get("logprobs")
        give = self.logprobs and bool(wants) and top is not None
        usage: Dict[str, Any] = {"prompt_tokens": len(prompt.split()), "completion_tokens": 1}
        if self.cached_tokens is not None:
            usage["prompt_tokens_details"] = {"cached_tokens": self.cached_tokens}
        if path.endswith("/chat/completions"):
            logprobs = None
            if give:
                n = int(request.get("top_logprobs") or 0)
                entries = [{"token": t, "logprob": lp, "bytes": None} for t, lp in list(top.items())[:n]]
                logprobs = {"content": [{"token": text, "logprob": max(top.values()), "bytes": None,
                                         "top_logprobs": entries}]}
            choice = {"index": 0, "message": {"role": "assistant", "content": text}, "logprobs": logprobs,
                      "finish_reason": "length"}
            return {"object": "chat.completion", "choices": [choice], "usage": usage}
        logprobs = None
        if give:
            logprobs = {"tokens": [text], "token_logprobs": [max(top.values())],
                        "top_logprobs": [dict(list(top.items())[: int(wants)])], "text_offset": [0]}
        choice = {"index": 0, "text": text, "logprobs": logprobs, "finish_reason": "length"}
        return {"object": "text_completion", "choices": [choice], "usage": usage}

    def _handler_class(self) -> type:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def _send(self, status: int, payload: bytes, headers: Optional[Dict[str, str]] = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self) -> None:
                if self.path.rstrip("/").endswith("/models"):
                    self._send(200, json.dumps({"object": "list", "data": [{"id": "fake"}]}).encode())
                else:
                    self._send(404, b'{"error": "not found"}')

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                request = json.loads(self.rfile.read(length) or b"{}")
                if "messages" in request:
                    prompt = request["messages"][-1]["content"]
                else:
                    prompt = request.get("prompt", "")
                with server._lock:
                    server.requests.append({"path": self.path, "body": request, "prompt": prompt,
                                            "headers": dict(self.headers)})
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    self._respond(request, prompt)
                finally:
                    with server._lock:
                        server.in_flight -= 1

            def _respond(self, request: Dict[str, Any], prompt: str) -> None:
                fault = server._fault(prompt)
                delay = server.delay(prompt)
                if delay:
                    time.sleep(delay)
                if fault == "hang":
                    server._stop.wait(server.hang_seconds)
                    return  # close without an answer
                if fault == "429":
                    self._send(429, b'{"error": "rate limited"}', {"Retry-After": "0"})
                elif fault in ("500", "400"):
                    self._send(int(fault), json.dumps({"error": f"injected {fault}"}).encode())
                elif fault == "malformed":
                    self._send(200, b'{"choices": [{"message": ')
                elif fault == "no_choices":
                    self._send(200, b'{"object": "error", "detail": "busy"}')
                else:
                    body = server._body(self.path, request, prompt)
                    with server._lock:
                        server.answered += 1
                    self._send(200, json.dumps(body).encode())

        return Handler


@pytest.fixture()
def server() -> Iterator[FakeOpenAIServer]:
    fake = FakeOpenAIServer().start()
    try:
        yield fake
    finally:
        fake.stop()


def make_model(server: FakeOpenAIServer, **kwargs: Any) -> OpenAICompatible:
    settings: Dict[str, Any] = {"base_url": server.base_url, "model": "fake-model", "max_retries": 3,
                                "backoff": 0.01, "backoff_max": 0.05, "timeout": 2.0}
    settings.update(kwargs)
    return OpenAICompatible(**settings)


def question(text: str, options: Tuple[str, ...] = YES_NO) -> Question:
    return Question(text, options, BINARY if options == YES_NO else MULTICLASS, prefix_key="p")


# ---- construction and identity ------------------------------------------------------


def test_registered_and_cheap_to_construct() -> None:
    factory = registry.llm_models.get(BACKEND)
    model = factory(base_url="http://127.0.0.1:1/v1", model="m")  # nothing is sent
    assert isinstance(model, OpenAICompatible)
    assert model.url == "http://127.0.0.1:1/v1/chat/completions"
    completions = factory(base_url="http://127.0.0.1:1/v1/", endpoint="completions")
    assert completions.url == "http://127.0.0.1:1/v1/completions"


def test_identity_keys_answers_not_transport() -> None:
    a = OpenAICompatible("http://127.0.0.1:1/v1", model="m", max_concurrency=1, timeout=5)
    b = OpenAICompatible("http://127.0.0.1:1/v1", model="m", max_concurrency=8, timeout=50, max_retries=0)
    assert a.identity == b.identity
    assert a.identity["backend"] == BACKEND and a.identity["decoding"] == "greedy"
    for other in (OpenAICompatible("http://127.0.0.1:2/v1", model="m"),
                  OpenAICompatible("http://127.0.0.1:1/v1", model="m2"),
                  OpenAICompatible("http://127.0.0.1:1/v1", model="m", endpoint="completions"),
                  OpenAICompatible("http://127.0.0.1:1/v1", model="m", top_logprobs=5)):
        assert model_identity(other) != model_identity(a)


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"endpoint": "responses"}, "endpoint"),
        ({"base_url": "127.0.0.1:8000"}, "base_url"),
        ({"max_concurrency": 0}, "max_concurrency"),
        ({"max_retries": -1}, "max_retries"),
        ({"timeout": 0}, "timeout"),
        ({"top_logprobs": -1}, "top_logprobs"),
        ({"answer_tokens": 0}, "answer_tokens"),
        ({"prompt_format": "<s>{prompt}"}, "prompt_format"),  # chat endpoint
        ({"endpoint": "completions", "prompt_format": "no slot"}, "prompt_format"),
    ],
)
def test_bad_settings_are_config_errors(kwargs: Dict[str, Any], match: str) -> None:
    settings: Dict[str, Any] = {"base_url": "http://127.0.0.1:1/v1"}
    settings.update(kwargs)
    with pytest.raises(ConfigError, match=match):
        OpenAICompatible(**settings)


# ---- pure helpers ---------------------------------------------------------------------


def test_option_masses_match_token_strings() -> None:
    top = [("Yes", math.log(0.5)), (" yes", math.log(0.1)), ("YES", math.log(0.05)), ("Y", math.log(0.02)),
           ("No", math.log(0.2)), ("n", math.log(0.03)), ("Maybe", math.log(0.05)), (" ", math.log(0.01))]
    masses = option_masses(top, YES_NO)
    assert masses["yes"] == pytest.approx(0.67)
    assert masses["no"] == pytest.approx(0.23)
    # letters + none: "A" exact for A; "N"/"no" start only "none"; "B" exact; unknown tokens count for nothing
    top = [("A", math.log(0.4)), ("B", math.log(0.1)), ("none", math.log(0.3)), ("N", math.log(0.05)),
           ("The", math.log(0.1))]
    masses = option_masses(top, ("A", "B", "C", "none"))
    assert masses == pytest.approx({"A": 0.4, "B": 0.1, "C": 0.0, "none": 0.35})


def test_ambiguous_first_tokens_count_for_no_option() -> None:
    options = ("Cause-Effect(e1,e2)", "Cause-Effect(e2,e1)")
    top = [("Cause", math.log(0.9)), ("Other", math.log(0.05))]
    assert option_masses(top, options) == {options[0]: 0.0, options[1]: 0.0}
    answer, probs, mass = score_options(top, "Cause", options)
    assert probs is None and mass == 0.0 and answer == "Cause"  # raw text: the parser will not accept it
    answer, probs, _ = score_options(top, "cause-effect(e2,e1)", options)
    assert answer == options[1] and probs is None


def test_score_options_and_fallback() -> None:
    answer, probs, mass = score_options([("no", math.log(0.6)), ("yes", math.log(0.3))], "no", YES_NO)
    assert answer == "no" and probs == pytest.approx({"yes": 1 / 3, "no": 2 / 3}) and mass == pytest.approx(0.9)
    # no log-probabilities: the text, matched to an option after strip/lowercase, else raw
    assert score_options(None, " Yes\n", YES_NO) == ("yes", None, None)
    assert score_options(None, "I think so.", YES_NO) == ("I think so.", None, None)
    # log-probabilities, but none for an option: fallback, mass 0
    assert score_options([("Maybe", -0.1)], "Maybe", YES_NO) == ("Maybe", None, 0.0)
    assert match_option("NONE ", ("A", "none")) == "none"


def test_parse_response_chat_and_completions() -> None:
    chat = {"choices": [{"message": {"content": "yes"}, "logprobs": {"content": [
        {"token": "yes", "logprob": -0.1, "top_logprobs": [{"token": "yes", "logprob": -0.1},
                                                           {"token": "no", "logprob": -2.4}]}]}}],
            "usage": {"prompt_tokens": 100, "completion_tokens": 1, "prompt_tokens_details": {"cached_tokens": 64}}}
    text, top, usage = parse_response(chat, "chat")
    assert text == "yes" and top == [("yes", -0.1), ("no", -2.4)]
    assert usage == {"prompt_tokens": 100.0, "evaluated_tokens": 36.0, "reused_tokens": 64.0, "generated_tokens": 1.0}
    completion = {"choices": [{"text": "A", "logprobs": {"tokens": ["A"], "top_logprobs": [{"A": -0.2, "B": -1.9}]}}]}
    text, top, usage = parse_response(completion, "completions")
    assert text == "A" and top == [("A", -0.2), ("B", -1.9)] and usage["prompt_tokens"] == 0.0
    assert parse_response({"choices": [{"message": {"content": "x"}, "logprobs": None}]}, "chat")[1] is None
    for bad in ({"error": "x"}, {"choices": []}, {"choices": [{"text": "x"}]}, [1, 2]):
        with pytest.raises(ValueError):
            parse_response(bad, "chat")


def test_backoff_is_exponential_and_capped() -> None:
    assert [backoff_delay(i, 0.5, 3.0) for i in range(4)] == [0.5, 1.0, 2.0, 3.0]
    assert backoff_delay(0, 0.5, 3.0, retry_after=2.0) == 2.0
    assert backoff_delay(0, 0.5, 3.0, retry_after=60.0) == 3.0


# ---- requests against the fake server -----------------------------------------------------


def test_question_scored_from_top_logprobs(server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_OPENAI_KEY", "sk-test")
    server.cached_tokens = 3
    model = make_model(server, api_key_env="FAKE_OPENAI_KEY", top_logprobs=5, system_prompt="Be brief.")
    [[yes, no]] = model([[question("is it so?"), question("say no?")]])
    assert isinstance(yes, Answer) and str(yes) == "yes"
    assert yes.probs == pytest.approx({"yes": 0.85 / 0.95, "no": 0.1 / 0.95})
    assert yes.usage["option_mass"] == pytest.approx(0.95)
    assert str(no) == "no" and no.probs["no"] == pytest.approx(0.75 / 0.95)
    assert yes.usage["prompt_tokens"] == 3 and yes.usage["reused_tokens"] == 3 and yes.usage["evaluated_tokens"] == 0
    assert yes.usage["generated_tokens"] == 1 and yes.usage["retries"] == 0 and yes.usage["seconds"] > 0
    request = server.requests[0]
    assert request["path"] == "/v1/chat/completions"
    body = request["body"]
    assert body["model"] == "fake-model" and body["max_tokens"] == 1 and body["temperature"] == 0
    assert body["logprobs"] is True and body["top_logprobs"] == 5
    assert body["messages"][0] == {"role": "system", "content": "Be brief."}
    assert request["headers"]["Authorization"] == "Bearer sk-test"


def test_no_key_sent_when_env_var_unset(server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FAKE_OPENAI_KEY", raising=False)
    make_model(server, api_key_env="FAKE_OPENAI_KEY")([[question("q")]])
    assert "Authorization" not in server.requests[0]["headers"]


def test_completions_endpoint_with_prompt_format(server: FakeOpenAIServer) -> None:
    model = make_model(server, endpoint="completions", prompt_format="<|user|>{prompt}<|assistant|>",
                       top_logprobs=3, extra_body={"repeat_penalty": 1.0})
    [[answer]] = model([[question("q")]])
    assert str(answer) == "yes" and answer.probs["yes"] == pytest.approx(0.85 / 0.95)
    body = server.requests[0]["body"]
    assert server.requests[0]["path"] == "/v1/completions"
    assert body["prompt"] == "<|user|>q<|assistant|>" and body["logprobs"] == 3 and body["repeat_penalty"] == 1.0


def test_plain_prompt_generates_text(server: FakeOpenAIServer) -> None:
    server.responder = lambda prompt: ("  some free text \n", None)
    [[answer]] = make_model(server, max_tokens=17)([["write something"]])
    assert str(answer) == "some free text" and answer.probs is None
    body = server.requests[0]["body"]
    assert body["max_tokens"] == 17 and "logprobs" not in body and "top_logprobs" not in body


def test_no_logprobs_falls_back_to_text(server: FakeOpenAIServer) -> None:
    server.logprobs = False
    server.responder = lambda prompt: (("Yes" if "a" in prompt else "Perhaps"), {"yes": -0.1})
    [[matched, unmatched]] = make_model(server)([[question("a?"), question("b?")]])
    assert str(matched) == "yes" and matched.probs is None and "option_mass" not in matched.usage
    assert str(unmatched) == "Perhaps" and unmatched.probs is None
    # top_logprobs=0 asks for none at all
    make_model(server, top_logprobs=0)([[question("a?")]])
    assert "logprobs" not in server.requests[-1]["body"]


# ---- faults ------------------------------------------------------------------------------


@pytest.mark.parametrize("fault", ["429", "500", "malformed", "no_choices", "hang"])
def test_transient_fault_is_retried(server: FakeOpenAIServer, fault: str) -> None:
    server.faults["q1"] = [fault, fault]
    model = make_model(server, timeout=0.3, max_concurrency=2)
    questions = [question(f"q{i}") for i in range(4)]
    [answers] = model([questions])
    assert [str(a) for a in answers] == ["yes"] * 4  # nothing lost
    assert answers[1].usage["retries"] == 2 and server.attempts("q1") == 3
    assert all(a.usage["retries"] == 0 for i, a in enumerate(answers) if i != 1)


@pytest.mark.parametrize("fault,message", [("500", "HTTP 500: .*injected 500"),
                                           ("malformed", "malformed JSON"),
                                           ("hang", "no response within timeout=0.3s")])
def test_persistent_fault_names_the_request(server: FakeOpenAIServer, fault: str, message: str) -> None:
    server.faults["q2"] = [fault] * 10
    model = make_model(server, timeout=0.3, max_retries=2, max_concurrency=1)
    questions = [question(f"q{i}") for i in range(3)]
    with pytest.raises(ServerRequestError, match=message) as info:
        model([questions[:1], questions[1:]])  # two docs: the index is over the flattened call
    err = info.value
    assert err.index == 2 and err.total == 3 and err.attempts == 3 and err.url == model.url
    assert "request 2 (of 3 in this call)" in str(err) and model.url in str(err) and "after 3 attempts" in str(err)
    assert server.attempts("q2") == 3
    # the answers received before the call gave up are kept on the error
    assert [str(a) if a is not None else None for a in err.answers] == ["yes", "yes", None]


def test_client_error_is_not_retried(server: FakeOpenAIServer) -> None:
    server.faults["q0"] = ["400"]
    with pytest.raises(ServerRequestError, match="after 1 attempt: HTTP 400"):
        make_model(server)([[question("q0")]])
    assert server.attempts("q0") == 1


def test_failure_cancels_requests_not_yet_started(server: FakeOpenAIServer) -> None:
    server.always = "500"
    model = make_model(server, max_retries=1, max_concurrency=2, backoff=0.05)
    with pytest.raises(ServerRequestError, match="HTTP 500"):
        model([[question(f"q{i}") for i in range(20)]])
    assert len(server.requests) < 20  # gave up early instead of retrying every request


def test_connection_refused_is_reported() -> None:
    fake = FakeOpenAIServer().start()
    url = fake.base_url
    fake.stop()
    model = OpenAICompatible(url, max_retries=1, backoff=0.01, timeout=1.0)
    with pytest.raises(ServerRequestError, match=r"request 0 .*ConnectionError") as info:
        model([[question("q")]])
    assert info.value.attempts == 2


# ---- concurrency ----------------------------------------------------------------------------


def test_answers_keep_input_order_under_concurrency(server: FakeOpenAIServer) -> None:
    n = 12
    server.responder = lambda prompt: (prompt.split()[-1], None)
    server.delay = lambda prompt: 0.01 * (n - int(prompt.split()[-1]))  # later prompts answer first
    docs = [[f"item {i}" for i in range(0, 5)], [], [f"item {i}" for i in range(5, n)]]
    out = [list(d) for d in make_model(server, max_concurrency=4)(docs)]
    assert [[str(a) for a in d] for d in out] == [[p.split()[-1] for p in d] for d in docs]
    arrival = [int(r["prompt"].split()[-1]) for r in server.requests]
    assert sorted(arrival) == list(range(n))


def test_requests_in_flight_are_bounded(server: FakeOpenAIServer) -> None:
    server.delay = lambda prompt: 0.05
    make_model(server, max_concurrency=3)([[question(f"q{i}") for i in range(12)]])
    assert server.max_in_flight == 3
    server.max_in_flight = 0
    make_model(server, max_concurrency=1)([[question(f"q{i}") for i in range(4)]])
    assert server.max_in_flight == 1


# ---- mining through the server: same labels as the in-process fake, crash-safe -----------------


def oracle_responder(gold_path: Path) -> Responder:
    """Answers like FakeLLM (tests/fake_llm.py) in oracle mode: the chosen
    option with p 0.9, one distractor with p 0.1."""
    fake_llm = sys.modules["spacy_mbre_tests_fake_llm"]
    oracle = fake_llm.make_fake_llm(gold=str(gold_path), mode="text")

    def respond(prompt: str) -> Tuple[str, Optional[Dict[str, float]]]:
        choice = str(oracle.answer(prompt))
        other = {"yes": "no", "no": "yes", "none": "A"}.get(choice, "none")
        return choice, {choice: math.log(0.9), other: math.log(0.1)}

    return respond


def mine(files: Dict[str, Path], out: Path, model_args: List[str]) -> Any:
    from spacy_mbre.cli import app

    args = ["mine", str(files["docs"]), str(out), "--schema", "semeval", "--strategy", "mbre",
            "--fewshot", str(files["docs"]), "--batch-pairs", "4", "--no-progress", *model_args]
    return CliRunner().invoke(app, args)


def labels(out: Path) -> List[List[Tuple[int, int, int, int, str]]]:
    docs = DocBin().from_disk(out / "mined.spacy").get_docs(spacy.blank("en").vocab)
    return [sorted((r.head.start, r.head.end, r.tail.start, r.tail.end, r.label) for r in get_relations(d))
            for d in docs]


def test_mine_through_server_matches_in_process_and_resumes(tmp_path: Path, semeval_files: Dict[str, Path]) -> None:
    direct = tmp_path / "direct"
    result = mine(semeval_files, direct, ["--model", "spacy-mbre-test.FakeLLM.v1",
                                          "--model-arg", f"gold={semeval_files['gold']}"])
    assert result.exit_code == 0, result.output + repr(result.exception)

    fake = FakeOpenAIServer(oracle_responder(semeval_files["gold"])).start()
    try:
        server_args = ["--model", BACKEND, "--model-arg", f"base_url={fake.base_url}",
                       "--model-arg", "max_concurrency=4", "--model-arg", "max_retries=1",
                       "--model-arg", "backoff=0.01", "--model-arg", "timeout=5"]
        reference = tmp_path / "server"
        result = mine(semeval_files, reference, server_args)
        assert result.exit_code == 0, result.output + repr(result.exception)
        assert labels(reference) == labels(direct)
        report = json.loads((reference / "report.json").read_text())
        assert report["total"]["unparseable"] == 0 and report["gold"]["micro"]["f1"] == 1.0
        total_prompts = report["total"]["prompts"]
        assert fake.max_in_flight <= 4

        # The server breaks for good after 12 answers: the run stops with a clear error ...
        fake.requests.clear()
        fake.answered = 0
        fake.fail_after = 12
        broken = tmp_path / "broken"
        result = mine(semeval_files, broken, server_args)
        assert result.exit_code != 0
        assert isinstance(result.exception, ServerRequestError), repr(result.exception)
        assert "HTTP 500" in str(result.exception) and fake.base_url in str(result.exception)
        # ... and once it is back, the rerun resumes: answers committed before the failure are
        # cache hits, and the outputs equal those of the uninterrupted run.
        fake.fail_after = None
        result = mine(semeval_files, broken, server_args)
        assert result.exit_code == 0, result.output + repr(result.exception)
        for name in ("mined.spacy", "mined.jsonl"):
            assert (broken / name).read_bytes() == (reference / name).read_bytes(), name
        rerun = json.loads((broken / "report.json").read_text())
        assert rerun["mined"] == report["mined"]
        assert rerun["total"]["prompts"] == total_prompts
        # the first batch's 12 multi-class answers were committed before its binary stage failed:
        # they come from the cache, and no question was answered twice
        assert rerun["total"]["cache_hits"] == 12 and rerun["total"]["llm_calls"] == total_prompts - 12
        assert fake.answered == total_prompts
    finally:
        fake.stop()
