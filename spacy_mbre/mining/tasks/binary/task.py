"""The binary verification task (``spacy-mbre.BinaryVerify.v1``): one
question per (pair, option); the answer is "yes" or "no".

Prompt design: the shared part is the task, the option's description in
terms of e1/e2 and in-context examples (default 3 positive + 4 negative,
drawn reproducibly from the few-shot gold; for SemEval's directional options
one negative is an example of the reverse direction when the gold has one),
each shown as text + statement with the example's entity texts + answer. The
query comes last: the text with marked entities, the statement with the
entity texts filled in, ``Answer:``. ``Question.options`` is ("yes", "no").

Which options are verified: ``candidates="all"`` (the ``binary`` strategy:
every option the pair's entity types allow — all of them for an untyped
schema, one for a pair whose types only one label accepts) or
``"proposed"`` (the ``mbre`` strategy: the allowed options the proposers —
the classifier proposer, then the grouped multi-class stage — stored for the
pair on the doc, each asked once).
"""
from typing import TYPE_CHECKING, Any, Dict, List, Sequence

from spacy.tokens import Doc

from ....data.schema import Schema
from ....errors import ConfigError
from ....llm.types import BINARY
from ....pairs.options import pair_options
from ...examples import ExamplePool
from ...queries import fill, generic, marked_text, statement
from ...record import BIN, CLF, MC, NO, YES, pair_records, set_stage
from ..base import MiningTask, Planned, read_template
from .parser import parse_binary

if TYPE_CHECKING:
    from ...record import StageEntry

DEFAULT_TEMPLATE = read_template("binary.v1.jinja")
CANDIDATES = ("all", "proposed")


class BinaryVerifyTask(MiningTask):
    """Binary verification questions.

    schema (Schema): The schema.
    pool (ExamplePool): In-context examples.
    candidates (str): "all" or "proposed".
    n_pos (int): Positive examples per option.
    n_neg (int): Negative examples per option.
    template (str): The Jinja template.
    """

    stage = BIN
    kind = BINARY

    def __init__(
        self,
        schema: Schema,
        pool: ExamplePool,
        candidates: str = "proposed",
        n_pos: int = 3,
        n_neg: int = 4,
        template: str = DEFAULT_TEMPLATE,
    ) -> None:
        super().__init__(schema, template, pool)
        if candidates not in CANDIDATES:
            raise ConfigError(f"candidates must be one of {CANDIDATES}, got {candidates!r}.")
        self.candidates = candidates
        self.n_pos = n_pos
        self.n_neg = n_neg

    def plan(self, doc: Doc) -> List[Planned]:
        """doc (Doc): The doc.
        RETURNS (List[Planned]): (pair, option name) per question.
        """
        pairs = self.pairs(doc)
        if self.candidates == "all":
            return [(pair, option.name) for pair in pairs for option in pair_options(self.schema, pair)]
        records = pair_records(doc)
        out: List[Planned] = []
        for pair in pairs:
            allowed = {option.name for option in pair_options(self.schema, pair)}
            seen: List[str] = []
            record = records.get(pair.key, {})
            for entry in [*record.get(CLF, []), *record.get(MC, [])]:
                for name in entry.get("proposed", []):
                    if name not in seen and name in allowed:
                        seen.append(name)
            out.extend((pair, name) for name in seen)
        return out

    def prefix_data(self, prefix_id: Any) -> Dict[str, Any]:
        """prefix_id (Any): The option name.
        RETURNS (Dict[str, Any]): Template data of the option's shared part.
        """
        option = self.schema.option(prefix_id)
        hard = [o.name for o in self.schema.options if o.label == option.label and o.name != option.name]
        examples = [
            {
                "text": eg.text,
                "statement": fill(option, eg.head, eg.tail),
                "answer": YES if positive else NO,
            }
            for eg, positive in self.pool.binary(option.name, self.n_pos, self.n_neg, hard_negatives=hard)
        ]
        return {"description": generic(option, self.typing), "examples": examples}

    def render(self, doc: Doc, planned: Planned) -> Any:
        """doc (Doc): The doc.
        planned (Planned): (pair, option name).
        RETURNS (Question): The prompt.
        """
        pair, name = planned
        query = {"text": marked_text(doc, pair), "statement": statement(self.schema.option(name), pair)}
        return self._render(name, query, (YES, NO))

    def record(self, doc: Doc, plan: Sequence[Planned], answers: Sequence[str]) -> Dict[str, int]:
        """Parse the answers and store them on the doc; every pair of the doc
        gets a (possibly empty) list of binary answers.

        doc (Doc): The doc.
        plan (Sequence[Planned]): (pair, option name) per question.
        answers (Sequence[str]): The answers.
        RETURNS (Dict[str, int]): "prompts" and "unparseable" counts.
        """
        entries: Dict[Any, List[StageEntry]] = {pair.key: [] for pair in self.pairs(doc)}
        unparseable = 0
        for (pair, name), answer in zip(plan, answers):
            entry = parse_binary(name, answer)
            unparseable += entry["choice"] is None
            entries.setdefault(pair.key, []).append(entry)
        set_stage(doc, BIN, entries)
        return {"prompts": len(plan), "unparseable": unparseable}
