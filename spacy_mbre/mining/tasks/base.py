"""What the two mining tasks share: the spacy-llm task interface on top of
a per-doc *plan* (which questions to ask) and a per-doc *record* (what the
answers were).

The tasks follow spacy-llm's sharding-task interface without sharding: for
each doc, ``generate_prompts`` yields ``(questions, [doc])`` — all of the
doc's questions (one per pair × group, or pair × option) and the doc itself
as its only "shard" — and ``parse_responses`` gets the answers back in the
same order. The miner calls :meth:`MiningTask.plan`, :meth:`render` and
:meth:`record` directly so it can batch questions across docs.

Each prompt is a :class:`~spacy_mbre.llm.types.Question`: the shared part
(task description, option descriptions, in-context examples) comes first and
everything that varies per query comes last; ``prefix_key`` is a hash of the
shared part.
"""
import hashlib
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

import jinja2
import jinja2.sandbox
from spacy.language import Language
from spacy.tokens import Doc, DocBin
from spacy.training import Example

from ...data.relations import Pair
from ...data.schema import TYPING, Schema
from ...errors import ConfigError
from ...llm.types import Question
from ...pairs.options import mining_pairs
from ..examples import ExamplePool, collect_examples

TEMPLATE_DIR = Path(__file__).parent / "templates"

# One planned question: (pair, what is asked — a group index or option name).
Planned = Tuple[Pair, Any]


def read_template(name: str) -> str:
    """name (str): A template file name in the templates directory.
    RETURNS (str): The template text.
    """
    return (TEMPLATE_DIR / name).read_text(encoding="utf8")


def prefix_hash(text: str) -> str:
    """text (str): A prompt prefix.
    RETURNS (str): Its short sha256 hex digest.
    """
    return hashlib.sha256(text.encode("utf8")).hexdigest()[:16]


def normalise_answer(text: str) -> str:
    """The only normalisation parsers apply before the strict option match:
    surrounding whitespace, quotes and a final full stop are removed.

    text (str): The raw answer.
    RETURNS (str): The normalised answer.
    """
    out = str(text).strip().strip("\"'`").strip()
    if out.endswith("."):
        out = out[:-1].strip()
    return out


def option_mass(answer: Any) -> Optional[float]:
    """answer (Any): A model's answer (an :class:`~spacy_mbre.llm.types.Answer`
        or a plain string).
    RETURNS (Optional[float]): Its ``option_mass``: the share of the model's
        whole next-token distribution that fell on the question's options, or
        None if the model reports none (plain strings never do).
    """
    return getattr(answer, "option_mass", None)


def load_fewshot(path: Optional[str]) -> List[Doc]:
    """path (Optional[str]): A DocBin with gold relations, or None.
    RETURNS (List[Doc]): Its docs (empty for None).
    """
    if not path:
        return []
    import spacy

    nlp = spacy.blank("en")
    return list(DocBin().from_disk(path).get_docs(nlp.vocab))


class MiningTask(ABC):
    """Base class of the two mining tasks.

    schema (Schema): The relation or typing schema.
    template (str): The Jinja template text.
    pool (ExamplePool): In-context example pool (may be empty).
    """

    stage: str = ""
    kind: str = ""

    def __init__(self, schema: Schema, template: str, pool: ExamplePool) -> None:
        self.schema = schema
        self._template_text = template
        env = jinja2.sandbox.SandboxedEnvironment(keep_trailing_newline=False)
        self._template = env.from_string(template)
        self.pool = pool
        self._prefix_cache: Dict[Any, Tuple[Dict[str, Any], str, str]] = {}
        self.typing = schema.kind == TYPING

    # ------------------------------------------------------------ spacy-llm
    @property
    def prompt_template(self) -> str:
        """RETURNS (str): The Jinja template."""
        return self._template_text

    def generate_prompts(
        self, docs: Iterable[Doc], context_length: Optional[int] = None
    ) -> Iterable[Tuple[Iterable[Any], Iterable[Doc]]]:
        """docs (Iterable[Doc]): The docs.
        context_length (Optional[int]): Ignored (no sharding).
        RETURNS (Iterable[Tuple[Iterable[Any], Iterable[Doc]]]): Per doc, its
            questions and the doc as its only shard.
        """
        for doc in docs:
            yield [self.render(doc, p) for p in self.plan(doc)], [doc]

    def parse_responses(self, shards: Iterable[Iterable[Doc]], responses: Iterable[Iterable[Any]]) -> Iterable[Doc]:
        """shards (Iterable[Iterable[Doc]]): Per doc, the doc as its one shard.
        responses (Iterable[Iterable[Any]]): Per doc, the answers in question order.
        RETURNS (Iterable[Doc]): The docs with the answers recorded.
        """
        for doc_shards, doc_responses in zip(shards, responses):
            doc = list(doc_shards)[0]
            answers = list(doc_responses)
            plan = self.plan(doc)
            if len(answers) != len(plan):
                raise ValueError(f"{type(self).__name__}: got {len(answers)} answers for {len(plan)} questions.")
            self.record(doc, plan, answers)
            yield doc

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Example]],
        nlp: Language,
        n_prompt_examples: int = -1,
    ) -> None:
        """Take in-context examples from gold examples (their reference docs).

        get_examples (Callable[[], Iterable[Example]]): Gold examples.
        nlp (Language): The pipeline.
        n_prompt_examples (int): Max number of gold docs to use; -1 = all.
        """
        docs = [eg.reference for eg in get_examples()]
        if n_prompt_examples >= 0:
            docs = docs[:n_prompt_examples]
        self.pool = ExamplePool(collect_examples(docs, self.schema), seed=self.pool.seed)
        self._prefix_cache.clear()

    # ----------------------------------------------------------- the plan
    def pairs(self, doc: Doc) -> List[Pair]:
        """doc (Doc): The doc.
        RETURNS (List[Pair]): The pairs asked about.
        """
        return mining_pairs(doc, self.schema)

    @abstractmethod
    def plan(self, doc: Doc) -> List[Planned]:
        """doc (Doc): The doc.
        RETURNS (List[Planned]): The questions to ask, in order."""
        ...

    @abstractmethod
    def render(self, doc: Doc, planned: Planned) -> Question:
        """doc (Doc): The doc.
        planned (Planned): One planned question.
        RETURNS (Question): The prompt."""
        ...

    @abstractmethod
    def record(self, doc: Doc, plan: Sequence[Planned], answers: Sequence[str]) -> Dict[str, int]:
        """Parse answers and store them on the doc.

        doc (Doc): The doc.
        plan (Sequence[Planned]): The planned questions.
        answers (Sequence[str]): One answer per question.
        RETURNS (Dict[str, int]): Counts: "prompts", "unparseable".
        """
        ...

    # ------------------------------------------------------------ helpers
    @abstractmethod
    def prefix_data(self, prefix_id: Any) -> Dict[str, Any]:
        """prefix_id (Any): A group index or option name.
        RETURNS (Dict[str, Any]): The template data of the shared part."""
        ...

    def _render(self, prefix_id: Any, query: Dict[str, Any], options: Sequence[str]) -> Question:
        if prefix_id not in self._prefix_cache:
            data = self.prefix_data(prefix_id)
            prefix = self._template.render(prefix_only=True, typing=self.typing, **data)
            self._prefix_cache[prefix_id] = (data, prefix, prefix_hash(prefix))
        data, prefix, key = self._prefix_cache[prefix_id]
        text = self._template.render(prefix_only=False, typing=self.typing, query=query, **data)
        if not text.startswith(prefix):
            raise ConfigError(f"{type(self).__name__}: the template's shared part is not a prefix of the prompt.")
        return Question(text, options=options, kind=self.kind, prefix_key=key)
