"""The ``mbre_decider`` component: M-BRe's Label Decision as a pipe.

It reads the stage answers the mining ``llm`` components stored in
``doc.user_data["mbre_mining"]`` and writes the kept labels to
``doc._.relations`` (source "mined", score = confidence). See
:mod:`spacy_mbre.mining.decision` for the rules.

This module's top-level imports stay light: spaCy imports every factory
entry point whenever it builds a pipeline.
"""
from typing import Any

from spacy.language import Language

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
) -> Any:
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
    from .component import LabelDecider

    return LabelDecider(name, schema, theta, min_confidence, no_prob_policy, source, confidence, rule, alpha,
                        max_labels)
