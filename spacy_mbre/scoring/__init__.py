"""Relation and entity-type scoring over spaCy ``Example``s.

:func:`score_relations` is the one entry point components call from their
``score()`` method; ``spacy-mbre.relation_scorer.v1`` registers it for configs
(``[components.xxx.scorer]``) and ``spacy evaluate``. The SemEval helpers in
:mod:`.semeval` reproduce the official perl scorer.

The scorers live in submodules: :mod:`.scorer` (:func:`score_relations` and
the registered factory), :mod:`.end_to_end`, :mod:`.records` (micro/macro,
Rel/Rel+, typing, NER), :mod:`.semeval` and :mod:`.mined`; this package
re-exports them.
"""
from .end_to_end import score_end_to_end
from .records import relation_keys, score_entity_spans, score_relation_records, score_type_records
from .scorer import DEFAULT_NO_RELATION, make_relation_scorer, score_relations
from .semeval import (
    SEMEVAL_LABELS,
    SEMEVAL_OTHER,
    SEMEVAL_RELATIONS,
    is_semeval_schema,
    read_semeval_answers,
    score_semeval_examples,
    score_semeval_files,
    score_semeval_labels,
    semeval_label,
    semeval_pair,
    strip_direction,
)

__all__ = [
    "DEFAULT_NO_RELATION",
    "SEMEVAL_LABELS",
    "SEMEVAL_OTHER",
    "SEMEVAL_RELATIONS",
    "is_semeval_schema",
    "make_relation_scorer",
    "read_semeval_answers",
    "relation_keys",
    "score_end_to_end",
    "score_entity_spans",
    "score_relation_records",
    "score_relations",
    "score_semeval_examples",
    "score_semeval_files",
    "score_semeval_labels",
    "score_type_records",
    "semeval_label",
    "semeval_pair",
    "strip_direction",
]
