"""A FAKE explainer model for the pre-training tests:
``spacy-mbre-test.FakeExplainerLLM.v1``.

No language model: the answer is a fixed function of the prompt (like greedy
decoding). It reads the sentence, entities and relation from the explain
prompt and, in mode "mixed", answers per relation label with one kind of
answer (:data:`KIND_BY_LABEL`, default "good"), so that every filter rule is
exercised: a good explanation naming both entities, an empty answer, one too
short, a copy of the sentence, a looping one and one naming neither entity.
Mode "good" answers every prompt well. ``fail_at`` raises on the n-th prompt
answered (for the crash/resume test). Import with ``--code
tests/pretrain/fake_explainer.py`` to use it from the CLI.
"""
import re
from typing import Any, Dict, Iterable, List, Optional

from spacy_llm.registry import registry

from spacy_mbre.llm.types import Answer

NAME = "spacy-mbre-test.FakeExplainerLLM.v1"
FIELD_RE = re.compile(r"^(Sentence|Head entity|Tail entity|Relation): (.*)$", re.MULTILINE)
KIND_BY_LABEL = {
    "Component-Whole": "empty",
    "Content-Container": "too_short",
    "Entity-Destination": "copy",
    "Entity-Origin": "repetitive",
    "Instrument-Agency": "no_entity",
}


class FakeCrash(RuntimeError):
    """Raised by the fake when told to fail."""


def fields(prompt: str) -> Dict[str, str]:
    """prompt (str): An explain prompt.
    RETURNS (Dict[str, str]): Its sentence, entities and label.
    """
    found = dict(FIELD_RE.findall(prompt))
    found["Relation"] = found.get("Relation", "").split(",")[0]
    return found


def answer(prompt: str, mode: str) -> str:
    """prompt (str): An explain prompt.
    mode (str): "mixed" or "good".
    RETURNS (str): The fake answer.
    """
    f = fields(prompt)
    kind = KIND_BY_LABEL.get(f["Relation"], "good") if mode == "mixed" else "good"
    head, tail = f["Head entity"], f["Tail entity"]
    return {
        "good": f"Explanation: The sentence states that the {head} is tied to the {tail}, which is what "
        f"{f['Relation']} describes.",
        "empty": "  \n ",
        "too_short": "Because it is.",
        "copy": f["Sentence"],
        "repetitive": "it is so and " * 10,
        "no_entity": "This relation holds because of what the sentence describes in its context.",
    }[kind]


class FakeExplainerLLM:
    """The fake model callable (see module docs)."""

    def __init__(self, mode: str, fail_at: Optional[int]) -> None:
        self.mode = mode
        self.fail_at = fail_at
        self.prompts: List[str] = []
        self.identity = {"backend": NAME, "mode": mode}

    def __call__(self, prompts: Iterable[Iterable[Any]]) -> Iterable[Iterable[Any]]:
        out = []
        for doc_prompts in prompts:
            answers = []
            for prompt in doc_prompts:
                if self.fail_at is not None and len(self.prompts) + 1 >= self.fail_at:
                    raise FakeCrash(f"told to fail at prompt {self.fail_at}")
                self.prompts.append(str(prompt))
                text = answer(str(prompt), self.mode)
                answers.append(Answer(text, None, {"prompt_tokens": len(str(prompt).split()),
                                                   "generated_tokens": len(text.split())}))
            out.append(answers)
        return out


@registry.llm_models(NAME)
def make_fake_explainer(mode: str = "mixed", fail_at: Optional[int] = None) -> FakeExplainerLLM:
    """mode (str): "mixed" or "good".
    fail_at (Optional[int]): Raise on this prompt (1-based); None = never.
    RETURNS (FakeExplainerLLM): The fake model.
    """
    return FakeExplainerLLM(mode, fail_at)
