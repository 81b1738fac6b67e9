"""The ``mbre_decider`` component: M-BRe's Label Decision as a pipe.

It reads the stage answers the mining ``llm`` components stored in
``doc.user_data["mbre_mining"]`` and writes the kept labels to
``doc._.relations`` (source "mined", score = confidence). The factory and the
component class live here; the rules and the θ sweep are in
:mod:`spacy_mbre.mining.decision`.

This module's top-level imports stay light (spaCy, the data model and the
pure decision rules; no model code): spaCy imports every factory entry point
whenever it builds a pipeline.
"""
from typing import List, Union

from spacy.language import Language
from spacy.tokens import Doc

from ..data.relations import Relation, get_relations, set_relations
from ..data.schema import Schema, load_schema
from ..pairs.options import mining_pairs, option_relation, pair_from_key
from .decision import PAPER, RAW, DecisionRule, decide_record
from .record import pair_records

DEFAULT_CONFIG = {
    "schema": "semeval",
    "theta": 0.01,
    "min_confidence": 0.0,
    "no_prob_policy": "all",
    "source": "mined",
    "confidence": "raw",
    "rule": "paper",
    "alpha": 0.5,
    "max_labels": 1,
}


@Language.factory(
    "mbre_decider",
    default_config=DEFAULT_CONFIG,
    assigns=["doc._.relations"],
    requires=["doc._.candidate_pairs"],
)
def make_decider(
    nlp: Language,
    name: str,
    schema: str,
    theta: float,
    min_confidence: float,
    no_prob_policy: str,
    source: str,
    confidence: str,
    rule: str,
    alpha: float,
    max_labels: int,
) -> "LabelDecider":
    """Create the ``mbre_decider`` component.

    schema (str): The schema (path or shipped name) the mining tasks used.
    theta (float): Keep each of several "yes" labels whose confidence is ≥
        theta (the paper's value: 0.01).
    min_confidence (float): Drop a single "yes" label below this confidence.
    no_prob_policy (str): Several "yes" labels without probabilities: "all"
        keeps them (score None), "none" keeps none.
    source (str): Source of the written relations; earlier relations with the
        same source are replaced.
    confidence (str): "raw": the answer's probability over the model's whole
        next-token distribution (the paper's; falls back to "normalised" for
        models that report no option mass); "normalised": over the
        question's options only.
    rule (str): "paper" (the rules above) or "combined": score every verified
        option by the judge's P(yes) and the classifier proposer's
        probability, keep the ``max_labels`` best at or above theta (fit theta
        and alpha with ``python -m spacy_mbre calibrate``).
    alpha (float): Combined rule: the classifier's weight in the score.
    max_labels (int): Combined rule: labels kept per pair.
    RETURNS (LabelDecider): The component.
    """
    return LabelDecider(name, schema, theta, min_confidence, no_prob_policy, source, confidence, rule, alpha,
                        max_labels)


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
