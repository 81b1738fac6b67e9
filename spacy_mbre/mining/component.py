"""The ``mbre_decider`` component class (the factory is in
:mod:`spacy_mbre.mining.decider`)."""
from typing import List, Union

from spacy.tokens import Doc

from ..data.relations import Relation, get_relations, set_relations
from ..data.schema import Schema, load_schema
from .decision import PAPER, RAW, DecisionRule, decide_record
from .queries import mining_pairs, option_relation, pair_from_key
from .record import pair_records


class LabelDecider:
    """Turns stored stage answers into mined relations.

    name (str): The component name.
    schema (Union[str, Schema]): The schema.
    theta (float): Threshold when several labels are "yes".
    min_confidence (float): Threshold for a single "yes" label.
    no_prob_policy (str): "all" or "none".
    source (str): Source of the written relations.
    confidence (str): "raw" (probability over the whole vocabulary, the
        paper's) or "normalised" (over the question's options).
    rule (str): "paper" (M-BRe's Label Decision) or "combined" (judge and
        classifier proposer together; see spacy_mbre.mining.decision).
    alpha (float): Combined rule: the classifier's weight.
    max_labels (int): Combined rule: labels kept per pair.
    """

    def __init__(
        self,
        name: str,
        schema: Union[str, Schema],
        theta: float = 0.01,
        min_confidence: float = 0.0,
        no_prob_policy: str = "all",
        source: str = "mined",
        confidence: str = RAW,
        rule: str = PAPER,
        alpha: float = 0.5,
        max_labels: int = 1,
    ) -> None:
        self.rule = DecisionRule(rule, theta, min_confidence, no_prob_policy, confidence, alpha, max_labels)
        self.name = name
        self.schema = load_schema(schema)
        self.theta = theta
        self.min_confidence = min_confidence
        self.no_prob_policy = no_prob_policy
        self.source = source
        self.confidence = confidence

    def decide(self, doc: Doc) -> List[Relation]:
        """doc (Doc): A doc with stored stage answers.
        RETURNS (List[Relation]): The mined relations, in pair order.
        """
        known = {p.key: p for p in mining_pairs(doc, self.schema)}
        out: List[Relation] = []
        for key, record in pair_records(doc).items():
            pair = pair_from_key(doc, list(key), known)
            for name, score in decide_record(record, self.rule):
                out.append(option_relation(pair, self.schema.option(name), score, source=self.source))
        return out

    def __call__(self, doc: Doc) -> Doc:
        """doc (Doc): The doc.
        RETURNS (Doc): The doc with its mined relations replaced.
        """
        kept = [r for r in get_relations(doc) if r.source != self.source]
        set_relations(doc, [*kept, *self.decide(doc)])
        return doc
