"""A FAKE writer model for the synthesis tests: ``spacy-mbre-test.FakeWriterLLM.v1``.

No language model: the answer is a fixed function of the prompt, like greedy
decoding. It recognises the two synthesis prompts and answers with canned
generations that exercise every validation rule:

* unconditional prompts (mode "mixed"): a preamble line (ignored), one
  sentence unique to the prompt (valid), one constant sentence (valid the
  first time, a duplicate afterwards), a verbatim copy of the prompt's first
  example (copy of gold), and one sentence each with a missing marker, a
  closing marker first, an unknown ``<e3>`` marker and an empty entity;
* schema prompts (mode "mixed"): one record unique to the prompt (valid), a
  constant record (valid once in the whole run, then a duplicate), a wrong
  type, an entity not in the context, a wrong relation and a record with
  fields missing; then a closing line (ignored).

Mode "garbage" writes only malformed samples; mode "constant" the same answer
to every prompt. ``delay`` sleeps per prompt (for the kill -9 test). Import
with ``--code tests/synthesis/fake_writer.py`` to use it from the CLI.
"""
import hashlib
import re
import time
from typing import Any, Iterable, List

from spacy_llm.registry import registry

from spacy_mbre.llm.types import Answer

NAME = "spacy-mbre-test.FakeWriterLLM.v1"
LABEL_RE = re.compile(r"for the relation '([^']+)'")
EXAMPLE_RE = re.compile(r"^Sentence: (.*)$", re.MULTILINE)

# Expected per unconditional "mixed" answer: 7 candidates, 1 ignored line.
UNCONDITIONAL_CANDIDATES = 7
# Expected per schema "mixed" answer: 6 candidates, 1 ignored line.
SCHEMA_CANDIDATES = 6


def unconditional_answer(prompt: str, tag: str) -> str:
    examples = EXAMPLE_RE.findall(prompt)
    return "\n".join(
        [
            "Here are five new sentences:",
            f"Sentence: The <e1>lamp{tag}</e1> was packed in a wooden <e2>crate{tag}</e2>.",
            "2. Sentence: A heavy <e1>storm</e1> flooded the <e2>valley</e2>.",
            f"Sentence: {examples[0]}",
            "Sentence: The <e1>cat sat on the mat.",
            "Sentence: The </e1>dog<e1> chased the <e2>ball</e2>.",
            "Sentence: The <e1>dog</e1> met the <e3>ball</e3>.",
            "Sentence: The <e1> </e1> hit the <e2>wall</e2>.",
        ]
    )


def schema_answer(prompt: str, tag: str) -> str:
    match = LABEL_RE.search(prompt)
    label = match.group(1) if match else "Unknown"
    return "\n".join(
        [
            f"1. Relation: {label}. Context: The gadget{tag} sent a spark{tag} across the lab. "
            f"Head Entity: gadget{tag}. Head Type: ENTITY. Tail Entity: spark{tag}. Tail Type: ENTITY.",
            f"2. Relation: {label}. Context: An old rock blocked the river. "
            "Head Entity: rock. Head Type: ENTITY. Tail Entity: river. Tail Type: ENTITY.",
            f"3. Relation: {label}. Context: A tree fell on the road. "
            "Head Entity: tree. Head Type: PERSON. Tail Entity: road. Tail Type: ENTITY.",
            f"4. Relation: {label}. Context: A tree fell on the road. "
            "Head Entity: forest. Head Type: ENTITY. Tail Entity: road. Tail Type: ENTITY.",
            "5. Relation: Not-A-Label. Context: A tree fell on the road. "
            "Head Entity: tree. Head Type: ENTITY. Tail Entity: road. Tail Type: ENTITY.",
            f"6. Relation: {label}. Context: Fields are missing here.",
            "I hope these help!",
        ]
    )


def garbage_answer(prompt: str, tag: str) -> str:
    if "Sentence:" in prompt:
        return f"Sentence: The <e1>cat{tag} sat on the mat.\nSentence: no markers at all {tag}"
    return f"Relation: X. Context: nothing {tag}"


class FakeWriterLLM:
    """The fake writer callable (see module docs).

    mode (str): "mixed", "garbage" or "constant".
    delay (float): Seconds to sleep per prompt.
    """

    def __init__(self, mode: str = "mixed", delay: float = 0.0) -> None:
        self.mode = mode
        self.delay = delay
        self.prompts: List[str] = []
        self.identity = {"backend": NAME, "mode": mode}

    def __call__(self, prompts: Iterable[Iterable[Any]]) -> Iterable[Iterable[Any]]:
        return [[self.answer(str(p)) for p in doc_prompts] for doc_prompts in prompts]

    def answer(self, prompt: str) -> Answer:
        if self.delay:
            time.sleep(self.delay)
        self.prompts.append(prompt)
        tag = "x" if self.mode == "constant" else hashlib.sha256(prompt.encode("utf8")).hexdigest()[:6]
        if self.mode == "garbage":
            text = garbage_answer(prompt, tag)
        elif "Sentence:" in prompt:
            text = unconditional_answer(prompt, tag)
        else:
            text = schema_answer(prompt, tag)
        words = len(prompt.split())
        usage = {"prompt_tokens": words, "evaluated_tokens": words, "reused_tokens": 0,
                 "generated_tokens": len(text.split())}
        return Answer(text, None, usage)


@registry.llm_models(NAME)
def make_fake_writer(mode: str = "mixed", delay: float = 0.0) -> FakeWriterLLM:
    """mode (str): "mixed", "garbage" or "constant".
    delay (float): Seconds to sleep per prompt.
    RETURNS (FakeWriterLLM): The fake writer.
    """
    return FakeWriterLLM(mode, delay)
