"""What passes between the LLM tasks (mining, synthesis) and the LLM models.

Prompts are :class:`Question` objects and responses :class:`Answer` objects.
Both subclass ``str``, so any spacy-llm model (which expects prompt strings
and returns response strings) can drive the tasks unchanged; a model that can
read token probabilities (``spacy-mbre.LlamaCpp.v1``) uses ``Question.options``
to score each allowed answer in one forward pass and returns them as
``Answer.probs``. A plain string response simply has no probabilities.
"""
from typing import Dict, Optional, Sequence, Tuple

BINARY = "binary"
MULTICLASS = "multiclass"


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
    """

    probs: Optional[Dict[str, float]]
    usage: Dict[str, float]

    def __new__(
        cls, text: str, probs: Optional[Dict[str, float]] = None, usage: Optional[Dict[str, float]] = None
    ) -> "Answer":
        obj = super().__new__(cls, text)
        obj.probs = dict(probs) if probs is not None else None
        obj.usage = dict(usage) if usage is not None else {}
        return obj

    def __reduce__(self):
        return (Answer, (str(self), self.probs, self.usage))
