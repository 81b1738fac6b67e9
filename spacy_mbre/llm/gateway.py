"""All model calls of a run (mining, synthesis) go through one :class:`LLMGateway`: it
looks questions up in the answer cache, sends the rest to the model through
spacy-llm's model interface (``model([[q1, q2, …]])`` → ``[[a1, a2, …]]``),
sorted by ``prefix_key`` so equal prefixes run back to back, stores the new
answers and accounts for calls, tokens and time.

New questions are sent in chunks of ``chunk_size`` and each chunk's answers
are committed to the cache before the next chunk runs, so a killed run loses
at most one chunk of model work (the journal records whole batches of pairs;
on resume, the answers of the unfinished batch come back from the cache).
"""
import json
import time
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from ..errors import MBReError
from .cache import AnswerCache, cache_key
from .types import Answer, Question

USAGE_KEYS = ("prompt_tokens", "evaluated_tokens", "reused_tokens", "generated_tokens")

ModelCallable = Callable[[Iterable[Iterable[Any]]], Iterable[Iterable[Any]]]


def model_identity(model: Any, name: str = "", config: Optional[Dict[str, Any]] = None) -> str:
    """model (Any): The model callable.
    name (str): Its registered name.
    config (Optional[Dict[str, Any]]): The config it was made with.
    RETURNS (str): What identifies its answers: the model's own ``identity``
        if it has one, else the registered name and config.
    """
    identity = getattr(model, "identity", None)
    if identity is None:
        identity = {"name": name or type(model).__name__, "config": config or {}}
    return json.dumps(identity, sort_keys=True, default=str)


class Asked:
    """One answered question.

    answer (Any): The answer (an Answer, or the model's plain string).
    fresh (bool): Whether the model was called for it (False: cache hit).
    usage (Dict[str, float]): Its accounting, if fresh.
    """

    __slots__ = ("answer", "fresh", "usage")

    def __init__(self, answer: Any, fresh: bool, usage: Dict[str, float]) -> None:
        self.answer = answer
        self.fresh = fresh
        self.usage = usage


def open_gateway(name: str, config: Dict[str, Any], cache_path: Path) -> "LLMGateway":
    """Make the registered spacy-llm model ``name`` with ``config`` and put it
    behind a gateway with the answer cache at ``cache_path`` (created if
    missing) — what the ``mine`` and ``synthesize`` commands share.

    name (str): A name in spacy-llm's ``llm_models`` registry.
    config (Dict[str, Any]): Keyword arguments for the model factory.
    cache_path (Path): The answer cache (sqlite).
    RETURNS (LLMGateway): The gateway.
    RAISES (ConfigError): The name is not registered.
    """
    from spacy_llm.registry import registry

    from ..errors import ConfigError

    try:
        factory = registry.llm_models.get(name)
    except Exception as err:  # catalogue.RegistryError
        raise ConfigError(f"Unknown spacy-llm model {name!r}: {err}") from None
    llm = factory(**config)
    return LLMGateway(llm, model_identity(llm, name, config), settings={"decoding": "as configured"},
                      cache=AnswerCache(cache_path))


class LLMGateway:
    """model (ModelCallable): A spacy-llm model.
    model_id (str): See :func:`model_identity`.
    settings (Dict[str, Any]): Decoding settings for the cache key.
    cache (Optional[AnswerCache]): The answer cache; None disables caching.
    chunk_size (int): New questions per model call (and per cache commit).
    """

    def __init__(
        self,
        model: ModelCallable,
        model_id: str,
        settings: Optional[Dict[str, Any]] = None,
        cache: Optional[AnswerCache] = None,
        chunk_size: int = 16,
    ) -> None:
        if chunk_size < 1:
            raise MBReError(f"chunk_size must be at least 1, got {chunk_size}.")
        self.model = model
        self.chunk_size = chunk_size
        self.model_id = model_id
        self.settings = dict(settings or {})
        self.cache = cache

    def close(self) -> None:
        """Close the answer cache, if there is one."""
        if self.cache is not None:
            self.cache.close()

    def key(self, question: Any) -> str:
        """question (Any): A Question (or plain prompt string).
        RETURNS (str): Its cache key.
        """
        return cache_key(
            str(question),
            getattr(question, "options", ()),
            getattr(question, "kind", ""),
            self.model_id,
            self.settings,
        )

    def ask(self, questions: Sequence[Question], progress: Optional[Callable[[int], None]] = None) -> List[Asked]:
        """questions (Sequence[Question]): The questions, in any order.
        progress (Optional[Callable[[int], None]]): Called with the number of
            questions answered so far, once for the cached and repeated ones
            and after each chunk sent to the model; the counts add up to
            ``len(questions)``.
        RETURNS (List[Asked]): Their answers, in the same order.
        """
        keys = [self.key(q) for q in questions]
        known: Dict[str, Answer] = self.cache.get_many(keys) if self.cache is not None else {}
        todo: Dict[str, int] = {}
        for i, key in enumerate(keys):
            if key not in known and key not in todo:
                todo[key] = i
        order = sorted(todo.values(), key=lambda i: (getattr(questions[i], "prefix_key", ""), i))
        fresh: Dict[str, Tuple[Any, Dict[str, float]]] = {}
        if progress is not None and len(questions) > len(order):
            progress(len(questions) - len(order))
        for start in range(0, len(order), self.chunk_size):
            chunk = order[start : start + self.chunk_size]
            answered = self._run([questions[i] for i in chunk])
            new = {keys[i]: item for i, item in zip(chunk, answered)}
            if self.cache is not None:
                self.cache.put_many((key, answer) for key, (answer, _) in new.items())
            fresh.update(new)
            if progress is not None:
                progress(len(chunk))
        out: List[Asked] = []
        claimed = set()
        for i, key in enumerate(keys):
            if key in fresh and key not in claimed:
                claimed.add(key)
                answer, usage = fresh[key]
                out.append(Asked(answer, True, usage))
            elif key in fresh:
                out.append(Asked(fresh[key][0], False, {}))
            else:
                out.append(Asked(known[key], False, {}))
        return out

    def _run(self, questions: List[Question]) -> List[Tuple[Any, Dict[str, float]]]:
        """Send new questions to the model in one call.

        questions (List[Question]): The questions, in run order.
        RETURNS (List[Tuple[Any, Dict[str, float]]]): (answer, usage) per
            question; usage gets an even share of the call's time if the model
            reports none.
        """
        start = time.perf_counter()
        responses = [list(doc_responses) for doc_responses in self.model([questions])]
        seconds = time.perf_counter() - start
        answers = responses[0] if len(responses) == 1 else []
        if len(answers) != len(questions):
            raise MBReError(f"The model returned {sum(map(len, responses))} answers for {len(questions)} questions.")
        out: List[Tuple[Any, Dict[str, float]]] = []
        for answer in answers:
            usage = dict(getattr(answer, "usage", None) or {})
            usage.setdefault("seconds", seconds / len(questions))
            out.append((answer, usage))
        return out
