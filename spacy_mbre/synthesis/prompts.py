"""The prompts of the ``synthesize`` command and the gold examples they show.

* **Unconditional** (S2ynRE): every candidate pair of the few-shot gold docs
  is shown as its sentence with ``<e1>`` (subject, the pair's head) and
  ``<e2>`` (object, the tail) marked, no label; the model is asked for
  ``per_prompt`` new sentences marked the same way.
* **Schema-constrained** (TKRE): per relation label, every gold relation of
  that label is shown in TKRE's one-line format (relation, context, head
  entity and type, tail entity and type); the prompt states the label's
  description and the entity types the schema allows for it.

Decoding is greedy, so the answer is a function of the prompt. Variety comes
from the prompts: attempt ``j`` of label ``L`` draws its in-context examples
(which ones and their order) with a ``random.Random`` seeded from
``(seed, mode, L, j)`` — reproducible, and independent of the other labels
and attempts. Two attempts that happen to draw the same prompt are detected by
the synthesizer, which never sends a prompt twice. The gold examples
themselves are collected in :mod:`.examples`.
"""
import hashlib
import random
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Set, TypeVar

import jinja2
import jinja2.sandbox

from ..data.schema import Schema
from ..errors import ConfigError
from .examples import GoldSample, GoldSentence, TypePair, allowed_types, collect_samples, collect_sentences

__all__ = [
    "SCHEMA_TEMPLATE", "TEMPLATE_DIR", "UNCONDITIONAL_TEMPLATE", "GoldSample", "GoldSentence", "SchemaPrompter",
    "TypePair", "UnconditionalPrompter", "allowed_types", "collect_samples", "collect_sentences", "describe", "draw",
    "prompt_hash", "read_template", "seeded_rng",
]

TEMPLATE_DIR = Path(__file__).parent / "templates"
UNCONDITIONAL_TEMPLATE = "unconditional.v1.jinja"
SCHEMA_TEMPLATE = "schema.v1.jinja"

T = TypeVar("T")


def read_template(name: str) -> str:
    """name (str): A template file in ``spacy_mbre/synthesis/templates``.
    RETURNS (str): Its text.
    """
    path = TEMPLATE_DIR / name
    if not path.is_file():
        raise ConfigError(f"No synthesis prompt template at {path}.")
    return path.read_text(encoding="utf8")


def prompt_hash(prompt: str) -> str:
    """prompt (str): A prompt.
    RETURNS (str): Its sha256 hex digest.
    """
    return hashlib.sha256(prompt.encode("utf8")).hexdigest()


def seeded_rng(seed: int, *parts: str) -> random.Random:
    """seed (int): The run's seed.
    parts (str): What the draw is for (mode, label, attempt).
    RETURNS (random.Random): A generator seeded from the sha256 of all parts.
    """
    digest = hashlib.sha256("\x1f".join([str(seed), *parts]).encode("utf8")).hexdigest()
    return random.Random(int(digest[:16], 16))


def draw(items: Sequence[T], k: int, rng: random.Random) -> List[T]:
    """items (Sequence[T]): What to draw from.
    k (int): How many (all if fewer).
    rng (random.Random): The generator.
    RETURNS (List[T]): k distinct items in random order.
    """
    return [items[i] for i in rng.sample(range(len(items)), min(k, len(items)))]


def describe(schema: Schema, label: str) -> str:
    """schema (Schema): The schema.
    label (str): A label.
    RETURNS (str): Its description with the roles named "the head entity"
        and "the tail entity".
    """
    text = schema.get(label).description
    return text.replace("{head}", "the head entity").replace("{tail}", "the tail entity").rstrip(".")


class _Template:
    def __init__(self, name: str) -> None:
        self.name = name
        self.text = read_template(name)
        env = jinja2.sandbox.SandboxedEnvironment(keep_trailing_newline=False, undefined=jinja2.StrictUndefined)
        self._template = env.from_string(self.text)

    def render(self, **data: object) -> str:
        return self._template.render(**data).strip()


class UnconditionalPrompter:
    """Prompts for unlabelled marked sentences (S2ynRE).

    sentences (Sequence[GoldSentence]): The gold pairs to draw from.
    n_examples (int): In-context examples per prompt.
    per_prompt (int): Sentences asked for per prompt.
    seed (int): Seed of the draws.
    template (str): Template file name.
    """

    mode = "unconditional"

    def __init__(
        self,
        sentences: Sequence[GoldSentence],
        n_examples: int = 4,
        per_prompt: int = 5,
        seed: int = 0,
        template: str = UNCONDITIONAL_TEMPLATE,
    ) -> None:
        if not sentences:
            raise ConfigError("The few-shot gold holds no entity pairs to show as examples.")
        self.sentences = list(sentences)
        self.n_examples = n_examples
        self.per_prompt = per_prompt
        self.seed = seed
        self.template = _Template(template)

    def examples(self, label: Optional[str], attempt: int) -> List[GoldSentence]:
        """label (Optional[str]): Ignored (no labels in this mode).
        attempt (int): The attempt number.
        RETURNS (List[GoldSentence]): The attempt's in-context examples.
        """
        return draw(self.sentences, self.n_examples, seeded_rng(self.seed, self.mode, "", str(attempt)))

    def render(self, label: Optional[str], attempt: int) -> str:
        """label (Optional[str]): Ignored (no labels in this mode).
        attempt (int): The attempt number.
        RETURNS (str): The prompt.
        """
        return self.template.render(examples=[eg.marked for eg in self.examples(label, attempt)], n=self.per_prompt)


class SchemaPrompter:
    """Prompts for labelled samples of one relation each (TKRE).

    schema (Schema): The schema.
    samples (Dict[str, List[GoldSample]]): Gold samples by label.
    types (Dict[str, Set[TypePair]]): Allowed type pairs by label.
    n_examples (int): In-context examples per prompt.
    per_prompt (int): Samples asked for per prompt.
    seed (int): Seed of the draws.
    template (str): Template file name.
    """

    mode = "schema"

    def __init__(
        self,
        schema: Schema,
        samples: Dict[str, List[GoldSample]],
        types: Dict[str, Set[TypePair]],
        n_examples: int = 4,
        per_prompt: int = 5,
        seed: int = 0,
        template: str = SCHEMA_TEMPLATE,
    ) -> None:
        self.schema = schema
        self.samples = samples
        self.types = types
        self.n_examples = n_examples
        self.per_prompt = per_prompt
        self.seed = seed
        self.template = _Template(template)

    def type_names(self, label: str) -> List[str]:
        """label (str): A label.
        RETURNS (List[str]): The entity types allowed for it, sorted.
        """
        return sorted({t for pair in self.types[label] for t in pair})

    def examples(self, label: Optional[str], attempt: int) -> List[GoldSample]:
        """label (Optional[str]): The relation label.
        attempt (int): The attempt number for this label.
        RETURNS (List[GoldSample]): The attempt's in-context examples.
        """
        assert label is not None, "schema prompts need a label"
        return draw(self.samples.get(label, []), self.n_examples, seeded_rng(self.seed, self.mode, label, str(attempt)))

    def render(self, label: Optional[str], attempt: int) -> str:
        """label (Optional[str]): The relation label.
        attempt (int): The attempt number for this label.
        RETURNS (str): The prompt.
        """
        assert label is not None, "schema prompts need a label"
        return self.template.render(
            label=label,
            description=describe(self.schema, label),
            types=self.type_names(label),
            examples=self.examples(label, attempt),
            n=self.per_prompt,
        )
