"""Relation and entity-type scoring over spaCy ``Example``s.

:func:`score_relations` is the one entry point components call from their
``score()`` method; ``spacy-mbre.relation_scorer.v1`` registers it for configs
(``[components.xxx.scorer]``) and ``spacy evaluate``. The SemEval helpers in
:mod:`.semeval` reproduce the official perl scorer.

The scorers live in submodules: :mod:`.scorer` (:func:`score_relations`),
:mod:`.end_to_end`, :mod:`.records` (micro/macro, Rel/Rel+, typing, NER),
:mod:`.semeval` and :mod:`.mined`; this package re-exports them and
registers :func:`make_relation_scorer` (its entry point).
"""
from typing import Any, Callable, Dict, Iterable, Optional

from spacy.training import Example
from spacy.util import registry

from .end_to_end import score_end_to_end
from .records import relation_keys, score_entity_spans, score_relation_records, score_type_records
from .scorer import DEFAULT_NO_RELATION, score_relations
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

_OPTIONS = ("no_relation_label", "source", "gold_source", "semeval", "rel_plus", "typing", "prefix")


@registry.scorers("spacy-mbre.relation_scorer.v1")
def make_relation_scorer(
    no_relation_label: str = DEFAULT_NO_RELATION,
    source: Optional[str] = None,
    gold_source: Optional[str] = "gold",
    semeval: Optional[bool] = False,
    rel_plus: bool = False,
    typing: bool = False,
    prefix: Optional[str] = None,
) -> Callable[..., Dict[str, Any]]:
    """Registered as ``spacy-mbre.relation_scorer.v1``: a relation scorer with
    fixed options, e.g. in a config::

        [components.relations.scorer]
        @scorers = "spacy-mbre.relation_scorer.v1"
        no_relation_label = "Other"
        source = "predicted"
        semeval = true

    The arguments are those of :func:`score_relations`, except that
    ``semeval = null`` takes SemEval-ness from the schema: the official score
    is added when the ``schema`` keyword the component passes (``mbre_relations``
    passes its schema, and its ``no_relation`` as ``no_relation_label``) is
    SemEval's (:func:`.semeval.is_semeval_schema`). A config for any schema
    (``configs/relations.cfg``) needs no scorer edits that way. The returned
    callable takes ``(examples, **kwargs)`` like spaCy's scorers; keyword
    arguments naming one of these options override it, others (spaCy passes
    its own scorer settings) are ignored.

    RETURNS (Callable[..., Dict[str, Any]]): The scoring function.
    """
    defaults: Dict[str, Any] = {
        "no_relation_label": no_relation_label,
        "source": source,
        "gold_source": gold_source,
        "semeval": semeval,
        "rel_plus": rel_plus,
        "typing": typing,
        "prefix": prefix,
    }

    def relation_scorer(examples: Iterable[Example], **kwargs: Any) -> Dict[str, Any]:
        options = {**defaults, **{k: v for k, v in kwargs.items() if k in _OPTIONS}}
        if options["semeval"] is None:
            options["semeval"] = is_semeval_schema(kwargs.get("schema"))
        return score_relations(examples, **options)

    return relation_scorer


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
