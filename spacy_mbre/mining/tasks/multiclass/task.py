"""The grouped multi-class task (``spacy-mbre.GroupedMultiClass.v1``): one
question per (pair, group); the answer is one option of the group or "none".

Prompt design (the stage is a high-recall *proposer*; the binary stage
filters):

* shared part: the task, the group's options as short keys (letters A, B, …
  by default; ``option_keys="names"`` uses the option names) with their
  descriptions in terms of e1/e2, "none", and in-context examples (by
  default one per option of the group plus one "none", drawn reproducibly
  from the few-shot gold) answered with a key;
* per query, at the end: the text with the entities marked, then the same
  options *restated with the entity texts filled in* ('"storm" causes
  "damage"'), then ``Answer:``.

``Question.options`` is the tuple of keys plus "none", so a model that
reads token probabilities scores every option in one forward pass; single
letters are single tokens. See :func:`.parser.propose` for how proposals are
made from probabilities.

With a typed schema a pair is only offered the options its entity types
allow (:meth:`~spacy_mbre.data.schema.Schema.pair_options`): each group is
cut to those options (keys A, B, … over what is left, in-context examples
drawn for the cut group) and a group with none left is not asked. An untyped
schema (SemEval, Re-DocRED) asks every group in full, as before.
"""
import string
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence, Tuple

from spacy.tokens import Doc

from ....data.relations import Pair
from ....data.schema import Schema
from ....errors import ConfigError
from ....llm.types import MULTICLASS
from ....pairs.options import pair_options
from ...examples import ExamplePool
from ...grouping import Grouping
from ...queries import generic, marked_text, none_statement, statement
from ...record import MC, NONE, set_stage
from ..base import MiningTask, Planned, option_mass, read_template
from .parser import parse_choice, propose

if TYPE_CHECKING:
    from ...record import McEntry, StageEntry

DEFAULT_TEMPLATE = read_template("multiclass.v1.jinja")
OPTION_KEYS = ("letters", "names")


def option_keys(names: Sequence[str], style: str) -> List[str]:
    """names (Sequence[str]): The group's option names.
    style (str): "letters" (A, B, …; numbers 1, 2, … beyond 26) or "names".
    RETURNS (List[str]): The key the model answers with for each option.
    """
    if style == "names":
        return list(names)
    if style != "letters":
        raise ConfigError(f"option_keys must be one of {OPTION_KEYS}, got {style!r}.")
    if len(names) <= 26:
        return list(string.ascii_uppercase[: len(names)])
    return [str(i + 1) for i in range(len(names))]


@dataclass(frozen=True)
class GroupQuestion:
    """What one multi-class question offers: a group, cut to the options the
    pair's entity types allow.

    group (int): The group's index in the grouping.
    options (Tuple[str, ...]): The option names offered, in group order.
    """

    group: int
    options: Tuple[str, ...]


class GroupedMultiClassTask(MiningTask):
    """Grouped multi-class questions.

    schema (Schema): The schema.
    grouping (Grouping): The groups (must partition the schema's options).
    pool (ExamplePool): In-context examples.
    n_per_option (int): Examples per option of a group.
    n_none (int): "none" examples per group.
    option_keys (str): "letters" or "names".
    max_proposals (int): Max options a group proposes (with probabilities).
    min_option_prob (float): Min probability of a proposed option.
    none_cutoff (float): P(none) at or above which a group proposes nothing.
    template (str): The Jinja template.
    """

    stage = MC
    kind = MULTICLASS

    def __init__(
        self,
        schema: Schema,
        grouping: Grouping,
        pool: ExamplePool,
        n_per_option: int = 1,
        n_none: int = 1,
        option_keys: str = "letters",
        max_proposals: int = 1,
        min_option_prob: float = 0.05,
        none_cutoff: float = 0.5,
        template: str = DEFAULT_TEMPLATE,
    ) -> None:
        super().__init__(schema, template, pool)
        grouping.check(schema)
        if option_keys not in OPTION_KEYS:
            raise ConfigError(f"option_keys must be one of {OPTION_KEYS}, got {option_keys!r}.")
        if max_proposals < 1:
            raise ConfigError(f"max_proposals must be >= 1, got {max_proposals}.")
        self.grouping = grouping
        self.n_per_option = n_per_option
        self.n_none = n_none
        self.option_keys = option_keys
        self.max_proposals = max_proposals
        self.min_option_prob = min_option_prob
        self.none_cutoff = none_cutoff

    @property
    def groups(self) -> List[List[str]]:
        """RETURNS (List[List[str]]): Option names per group."""
        return self.grouping.groups

    def keys(self, question: GroupQuestion) -> List[str]:
        """question (GroupQuestion): A (possibly cut) group.
        RETURNS (List[str]): The answer keys of its options.
        """
        return option_keys(question.options, self.option_keys)

    def questions(self, pair: Pair) -> List[GroupQuestion]:
        """pair (Pair): A pair.
        RETURNS (List[GroupQuestion]): The groups asked about the pair, each
            cut to the options its entity types allow; groups left empty are
            not asked.
        """
        allowed = {option.name for option in pair_options(self.schema, pair)}
        out = []
        for g, group in enumerate(self.groups):
            options = tuple(name for name in group if name in allowed)
            if options:
                out.append(GroupQuestion(g, options))
        return out

    def plan(self, doc: Doc) -> List[Planned]:
        """doc (Doc): The doc.
        RETURNS (List[Planned]): (pair, GroupQuestion) for every pair and
            every group with an option the pair allows.
        """
        return [(pair, question) for pair in self.pairs(doc) for question in self.questions(pair)]

    def prefix_data(self, prefix_id: Any) -> Dict[str, Any]:
        """prefix_id (Any): The GroupQuestion.
        RETURNS (Dict[str, Any]): Template data of the question's shared part.
        """
        group = list(prefix_id.options)
        keys = self.keys(prefix_id)
        key_of = dict(zip(group, keys))
        examples = []
        for eg, name in self.pool.multiclass(group, self.n_per_option, self.n_none):
            examples.append({"text": eg.text, "answer": key_of[name] if name is not None else NONE})
        generic_none = self.schema.no_relation_description.replace("{head}", "the entity" if self.typing else "e1")
        return {
            "options": [
                {"key": key, "description": generic(self.schema.option(name), self.typing)}
                for name, key in zip(group, keys)
            ],
            "none_description": generic_none.replace("{tail}", "e2"),
            "key_word": "name" if self.option_keys == "names" else ("letter" if keys[0].isalpha() else "number"),
            "sep": ": " if self.option_keys == "names" else ". ",
            "examples": examples,
        }

    def render(self, doc: Doc, planned: Planned) -> Any:
        """doc (Doc): The doc.
        planned (Planned): (pair, GroupQuestion).
        RETURNS (Question): The prompt.
        """
        pair, question = planned
        keys = self.keys(question)
        query = {
            "text": marked_text(doc, pair),
            "statements": [
                {"key": key, "statement": statement(self.schema.option(name), pair)}
                for name, key in zip(question.options, keys)
            ],
            "none_statement": none_statement(self.schema, pair),
        }
        return self._render(question, query, [*keys, NONE])

    def record(self, doc: Doc, plan: Sequence[Planned], answers: Sequence[str]) -> Dict[str, int]:
        """Parse the answers, make proposals and store them on the doc.

        doc (Doc): The doc.
        plan (Sequence[Planned]): (pair, GroupQuestion) per question.
        answers (Sequence[str]): The answers.
        RETURNS (Dict[str, int]): "prompts" and "unparseable" counts.
        """
        entries: Dict[Any, List[StageEntry]] = {}
        for pair, _ in plan:
            entries.setdefault(pair.key, [])
        unparseable = 0
        for (pair, question), answer in zip(plan, answers):
            entry = self.parse(question, answer)
            unparseable += entry["choice"] is None
            entries[pair.key].append(entry)
        set_stage(doc, MC, entries)
        return {"prompts": len(plan), "unparseable": unparseable}

    def parse(self, question: GroupQuestion, answer: str) -> "McEntry":
        """question (GroupQuestion): The (possibly cut) group asked.
        answer (str): The model's answer (an Answer with probs, or a str).
        RETURNS (McEntry): The stored entry (see spacy_mbre.mining.record).
        """
        names = list(question.options)
        keys = self.keys(question)
        name_of = {**dict(zip(keys, names)), NONE: NONE}
        key = parse_choice(answer, [*keys, NONE])
        choice = name_of[key] if key is not None else None
        raw_probs: Optional[Dict[str, float]] = getattr(answer, "probs", None)
        probs = None
        if raw_probs is not None:
            probs = {name_of[k]: float(raw_probs.get(k, 0.0)) for k in [*keys, NONE]}
        return {
            "group": question.group,
            "answer": str(answer),
            "choice": choice,
            "probs": probs,
            "mass": option_mass(answer) if probs is not None else None,
            "proposed": propose(choice, probs, names, self.max_proposals, self.min_option_prob, self.none_cutoff),
        }

