"""A FAKE spacy-llm model for tests: ``spacy-mbre-test.FakeLLM.v1``.

It answers the mining prompts of spacy-mbre without any language model:

* ``mode="oracle"``: looks the query up in a gold table (marked text →
  statements that are true, as built by :func:`gold_table`) and answers with
  option probabilities (chosen option ``confidence``, the rest split evenly);
* ``mode="text"``: the same answers as plain strings, no probabilities (like
  a hosted spacy-llm model);
* ``mode="garbage"``: answers that are no allowed option;
* ``mode="yes"``: "yes" to every binary question (oracle answers otherwise).

``delay`` sleeps per question (for the kill -9 resume test). Import this file
with ``--code tests/fake_llm.py`` to use it from the CLI.
"""
import json
import time
from typing import Any, Dict, Iterable, List, Optional, Set

from spacy_llm.registry import registry

from spacy_mbre.llm.types import Answer

QUESTION_MARK = "\n\nQuestion:\n"


def gold_table(docs: Iterable[Any], schema: Any) -> Dict[str, List[str]]:
    """docs (Iterable[Doc]): Gold docs.
    schema (Schema): The schema.
    RETURNS (Dict[str, List[str]]): Marked query text → true statements.
    """
    from spacy_mbre.mining.queries import gold_options, marked_text, mining_pairs, statement

    table: Dict[str, List[str]] = {}
    for doc in docs:
        for pair in mining_pairs(doc, schema):
            true = gold_options(doc, pair, schema)
            table.setdefault(marked_text(doc, pair), []).extend(statement(schema.option(o), pair) for o in sorted(true))
    return table


class FakeLLM:
    """The fake model callable (see module docs)."""

    def __init__(self, table: Dict[str, List[str]], mode: str, confidence: float, delay: float) -> None:
        self.table: Dict[str, Set[str]] = {k: set(v) for k, v in table.items()}
        self.mode = mode
        self.confidence = confidence
        self.delay = delay
        self.calls: List[int] = []
        self.identity = {"backend": "spacy-mbre-test.FakeLLM.v1", "mode": mode, "confidence": confidence}

    def __call__(self, prompts: Iterable[Iterable[Any]]) -> Iterable[Iterable[Any]]:
        out = []
        for doc_prompts in prompts:
            doc_prompts = list(doc_prompts)
            self.calls.append(len(doc_prompts))
            out.append([self.answer(p) for p in doc_prompts])
        return out

    def answer(self, prompt: Any) -> Any:
        if self.delay:
            time.sleep(self.delay)
        if self.mode == "garbage":
            return "I am not sure, maybe?"
        query = str(prompt).split(QUESTION_MARK)[-1].splitlines()
        text = query[0][len("Text: ") :]
        true = self.table.get(text, set())
        options = list(getattr(prompt, "options", ()))
        if any(line.startswith("Statement: ") for line in query):
            stmt = [line for line in query if line.startswith("Statement: ")][0][len("Statement: ") :]
            choice = "yes" if stmt in true or self.mode == "yes" else "no"
            options = options or ["yes", "no"]
        else:
            choice = "none"
            for line in query[2:]:
                key, sep, rest = line.partition(". ")
                if not sep:
                    key, sep, rest = line.partition(": ")
                if rest in true:
                    choice = key
                    break
            options = options or [choice]
        if self.mode == "text":
            return choice
        rest_p = (1.0 - self.confidence) / max(1, len(options) - 1)
        probs = {o: (self.confidence if o == choice else rest_p) for o in options}
        return Answer(choice, probs, {
            "prompt_tokens": len(str(prompt).split()), "evaluated_tokens": 5,
            "reused_tokens": len(str(prompt).split()) - 5, "generated_tokens": 1,
        })


@registry.llm_models("spacy-mbre-test.FakeLLM.v1")
def make_fake_llm(
    gold: Optional[str] = None,
    mode: str = "oracle",
    confidence: float = 0.9,
    delay: float = 0.0,
) -> FakeLLM:
    """gold (Optional[str]): A JSON file with the gold table (see gold_table).
    mode (str): "oracle", "text", "garbage" or "yes".
    confidence (float): Probability of the chosen option (oracle mode).
    delay (float): Seconds to sleep per question.
    RETURNS (FakeLLM): The fake model.
    """
    table = json.loads(open(gold, encoding="utf8").read()) if gold else {}
    return FakeLLM(table, mode, confidence, delay)
