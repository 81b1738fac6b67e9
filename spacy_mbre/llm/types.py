"""What passes between the LLM tasks (mining, synthesis) and the LLM models.

Prompts are :class:`Question` objects and responses :class:`Answer` objects.
Both subclass ``str``, so any spacy-llm model (which expects prompt strings
and returns response strings) can drive the tasks unchanged; a model that can
read token probabilities (``spacy-mbre.LlamaCpp.v1``) uses ``Question.options``
to score each allowed answer in one forward pass and returns them as
``Answer.probs``. A plain string response simply has no probabilities.

:class:`OptionScoringModel` is what such a model implements
(``spacy-mbre.LlamaCpp.v1``, ``spacy-mbre.OpenAICompatible.v1`` and the
tests' fake model): spacy-llm's model interface plus an ``identity`` that
keys the answer cache.
"""
from typing import Any, Dict, Iterable, Optional, Protocol, Sequence, Tuple, runtime_checkable

BINARY = "binary"
MULTICLASS = "multiclass"
OPTION_MASS = "option_mass"


class Question(str):
    """A prompt with the closed set of answers it allows.

    text (str): The full prompt text.
    options (Sequence[str]): The allowed answers, as the model should write
        them (e.g. ("yes", "no"), or option letters/names and "none").
    kind (str): "binary" or "multiclass".
    prefix_key (str): Identifies the shared prompt prefix (task description
        and examples); questions with equal keys are run back to back so a
        model can reuse its prefix cache.
    """

    options: Tuple[str, ...]
    kind: str
    prefix_key: str

    def __new__(cls, text: str, options: Sequence[str], kind: str, prefix_key: str = "") -> "Question":
        obj = super().__new__(cls, text)
        obj.options = tuple(options)
        obj.kind = kind
        obj.prefix_key = prefix_key
        return obj

    def __reduce__(self):  # keep the extra fields through pickling/copying
        return (Question, (str(self), self.options, self.kind, self.prefix_key))


class Answer(str):
    """A model's answer, with the probabilities it gave each option if known.

    text (str): The answer text (one of the question's options for models
        that score options; free text otherwise).
    probs (Optional[Dict[str, float]]): Option → probability, or None when
        the model exposes no token probabilities.
    usage (Dict[str, float]): Accounting for this answer, as far as the model
        knows it: "prompt_tokens" (tokens in the prompt), "evaluated_tokens"
        (prompt tokens actually run), "reused_tokens" (taken from the prefix
        cache), "generated_tokens", "seconds".
    option_mass (Optional[float]): The share of the model's whole next-token
        distribution that fell on the question's options (the paper's raw
        confidence is ``probs[option] * option_mass``), or None when the model
        does not report it. It is also kept as ``usage["option_mass"]``, the
        form the answer cache stores: an answer made with
        ``usage={"option_mass": m}`` (e.g. read back from the cache) has
        ``option_mass == m``.
    """

    probs: Optional[Dict[str, float]]
    usage: Dict[str, float]
    option_mass: Optional[float]

    def __new__(
        cls,
        text: str,
        probs: Optional[Dict[str, float]] = None,
        usage: Optional[Dict[str, float]] = None,
        option_mass: Optional[float] = None,
    ) -> "Answer":
        obj = super().__new__(cls, text)
        obj.probs = dict(probs) if probs is not None else None
        obj.usage = dict(usage) if usage is not None else {}
        if option_mass is not None:
            obj.usage[OPTION_MASS] = option_mass
        mass = obj.usage.get(OPTION_MASS)
        obj.option_mass = float(mass) if mass is not None else None
        return obj

    def __reduce__(self):
        return (Answer, (str(self), self.probs, self.usage))


@runtime_checkable
class OptionScoringModel(Protocol):
    """A spacy-llm model that scores a question's options: given batches of
    :class:`Question` objects it returns :class:`Answer` objects, with
    ``probs`` (and ``option_mass``) where it can read token probabilities.
    What the :class:`~spacy_mbre.llm.gateway.LLMGateway` needs of it.

    identity (Dict[str, Any]): What determines its answers (backend, weights,
        decoding settings); part of the answer cache key.
    """

    @property
    def identity(self) -> Dict[str, Any]:
        """RETURNS (Dict[str, Any]): What determines the model's answers."""
        ...

    def __call__(self, prompts: Iterable[Iterable[Question]]) -> Iterable[Iterable[Answer]]:
        """prompts (Iterable[Iterable[Question]]): Batches of questions.
        RETURNS (Iterable[Iterable[Answer]]): Their answers, batch by batch, in order.
        """
        ...
