"""Relation and entity-type scoring over spaCy ``Example``s.

:func:`score_relations` is the one entry point components call from their
``score()`` method; ``spacy-mbre.relation_scorer.v1`` registers it for configs
(``[components.xxx.scorer]``) and ``spacy evaluate``. The SemEval helpers in
:mod:`.semeval` reproduce the official perl scorer.
"""
from typing import Any, Callable, Dict, Iterable, Optional

from spacy.training import Example
from spacy.util import registry

from ..errors import ConfigError
from .records import relation_keys, score_entity_spans, score_relation_records, score_type_records
from .semeval import (
    SEMEVAL_LABELS,
    SEMEVAL_OTHER,
    SEMEVAL_RELATIONS,
    is_semeval_schema,
    read_semeval_answers,
    score_semeval_files,
    score_semeval_labels,
    semeval_label,
    semeval_pair,
    strip_direction,
)

DEFAULT_NO_RELATION = "no_relation"
_OPTIONS = ("no_relation_label", "source", "gold_source", "semeval", "rel_plus", "typing", "prefix")


def score_relations(
    examples: Iterable[Example],
    *,
    no_relation_label: str = DEFAULT_NO_RELATION,
    source: Optional[str] = None,
    gold_source: Optional[str] = "gold",
    semeval: bool = False,
    rel_plus: bool = False,
    typing: bool = False,
    prefix: Optional[str] = None,
) -> Dict[str, Any]:
    """Score predicted relation records (or entity types) against gold ones.

    Gold records are read from each example's ``reference`` doc, predicted
    ones from its ``predicted`` doc (both may be the same doc, e.g. to score
    mined labels against gold: ``Example(doc, doc)`` with source="mined").
    Spans are matched by character offsets. Records labelled
    `no_relation_label` are ignored on both sides, so "no relation" is never
    a class. Scores are fractions in [0, 1]; a score is None when there is
    nothing to score (spaCy's convention, skipped by the training loop).

    examples (Iterable[Example]): The examples to score.
    no_relation_label (str): The dataset's "no relation" (or "no type") label,
        e.g. "Other" for SemEval; take it from ``Schema.no_relation``.
    source (Optional[str]): Only score predicted records of this source
        ("predicted", "mined", ...); None uses all records of the predicted doc.
    gold_source (Optional[str]): Only use gold records of this source; None
        uses all records of the reference doc.
    semeval (bool): Also compute SemEval-2010 Task 8's official score; every
        reference doc must then carry exactly one (e1, e2) pair.
    rel_plus (bool): Also compute Rel+ for end-to-end data, where a relation
        is correct only if the span types match too.
    typing (bool): Score entity types (records with tail=None) instead of
        relations.
    prefix (Optional[str]): Key prefix; "rel" (relations) or "type" (typing)
        by default.
    RETURNS (Dict[str, Any]): With relations (prefix "rel"):
        - "rel_micro_p", "rel_micro_r", "rel_micro_f": micro-averaged over
          records, i.e. the Rel (boundaries + label) score for end-to-end data.
        - "rel_macro_p", "rel_macro_r", "rel_macro_f": averaged over the labels
          seen in gold or predictions.
        - "rel_f_per_type": label -> {"p", "r", "f"}.
        - with rel_plus: "rel_plus_micro_p/_r/_f", "rel_plus_macro_p/_r/_f",
          "rel_plus_f_per_type" (Rel+: boundaries, entity types and label).
        - with semeval: "rel_semeval_macro_f" (the official score: macro-F1 over
          the 9 types, direction taken into account, Other excluded),
          "rel_semeval_macro_p/_r", "rel_semeval_micro_p/_r/_f",
          "rel_semeval_f_per_type" (per type, direction-aware).
        With typing (prefix "type"): "type_acc" (share of gold spans whose
        predicted types equal the gold ones), "type_micro_p/_r/_f",
        "type_macro_p/_r/_f", "type_f_per_type" — all over the gold spans.
    """
    examples = list(examples)
    if typing:
        if semeval or rel_plus:
            raise ConfigError("The relation scorer's 'typing' mode cannot be combined with 'semeval' or 'rel_plus'.")
        return score_type_records(
            examples,
            source=source,
            gold_source=gold_source,
            no_relation_label=no_relation_label,
            prefix=prefix or "type",
        )
    prefix = prefix or "rel"
    scores = score_relation_records(
        examples, source=source, gold_source=gold_source, no_relation_label=no_relation_label, prefix=prefix
    )
    if rel_plus:
        scores.update(
            score_relation_records(
                examples,
                source=source,
                gold_source=gold_source,
                no_relation_label=no_relation_label,
                entity_types=True,
                prefix=f"{prefix}_plus",
            )
        )
    if semeval:
        scores.update(
            score_semeval_examples(
                examples, source=source, gold_source=gold_source, no_relation_label=no_relation_label, prefix=prefix
            )
        )
    return scores


def score_end_to_end(
    examples: Iterable[Example],
    *,
    no_relation_label: str = DEFAULT_NO_RELATION,
    source: Optional[str] = "predicted",
    gold_source: Optional[str] = "gold",
    gold_spans_key: Optional[str] = "sc",
    spans_key: Optional[str] = None,
) -> Dict[str, Any]:
    """Score a pipeline that predicts the entities too (end to end, PURE's and
    SURE's setting): entity recognition, Rel and Rel+, all matched by
    character offsets against the gold.

    * NER: an entity is correct if its boundaries and type match a gold
      entity ("ents_p/_r/_f", "ents_per_type"; see
      :func:`.records.score_entity_spans`).
    * Rel: a relation is correct if its head and tail boundaries match those
      of a gold relation with the same label and direction ("rel_micro_*").
      A relation between wrongly bounded entities counts as a false positive
      (and the gold one it misses as a false negative).
    * Rel+: Rel, and the head and tail entity types (the labels of the
      predicted entities) match the gold ones too ("rel_plus_micro_*").

    examples (Iterable[Example]): Gold docs in `reference`, the pipeline's
        output on their text in `predicted`.
    no_relation_label (str): The "no relation" label, ignored on both sides.
    source (Optional[str]): Source of the predicted relation records.
    gold_source (Optional[str]): Source of the gold relation records.
    gold_spans_key (Optional[str]): Gold entities for NER scoring come from
        ``reference.spans[gold_spans_key]`` where present (every entity,
        nested ones included), else from ``reference.ents``.
    spans_key (Optional[str]): The pipeline's entities are in
        ``predicted.spans[spans_key]`` (a ``spancat``), not ``predicted.ents``.
    RETURNS (Dict[str, Any]): The NER scores and :func:`score_relations`'s
        relation scores with ``rel_plus``.
    """
    examples = list(examples)
    scores = score_entity_spans(examples, gold_spans_key=gold_spans_key, spans_key=spans_key)
    scores.update(
        score_relations(
            examples, no_relation_label=no_relation_label, source=source, gold_source=gold_source, rel_plus=True
        )
    )
    return scores


def score_semeval_examples(
    examples: Iterable[Example],
    *,
    source: Optional[str] = None,
    gold_source: Optional[str] = "gold",
    no_relation_label: str = SEMEVAL_OTHER,
    prefix: str = "rel",
) -> Dict[str, Any]:
    """SemEval-2010 Task 8's official score over examples with one pair each.

    The pair (e1, e2) is taken from the reference doc (see
    :func:`semeval_pair`); both docs' records on it are mapped to 19-way labels
    (:func:`semeval_label`) and scored with :func:`score_semeval_labels`.

    examples (Iterable[Example]): The examples to score.
    source (Optional[str]): Source of the predicted records; None uses all.
    gold_source (Optional[str]): Source of the gold records; None uses all.
    no_relation_label (str): Records with this label (or "Other") mean Other.
    prefix (str): Key prefix.
    RETURNS (Dict[str, Any]): "{prefix}_semeval_macro_p/_r/_f",
        "{prefix}_semeval_micro_p/_r/_f" and "{prefix}_semeval_f_per_type".
        Raises ConfigError if a reference doc has no pair or several.
    """
    gold_labels = []
    pred_labels = []
    for i, eg in enumerate(examples):
        pair = semeval_pair(eg.reference, source=gold_source)
        if pair is None:
            raise ConfigError(
                f"SemEval scoring: the reference doc of example {i} ({eg.reference.text[:60]!r}) has no "
                "(e1, e2) pair; each doc needs its marked pair as a candidate pair or a relation record."
            )
        gold_labels.append(
            semeval_label(eg.reference, source=gold_source, no_relation_label=no_relation_label, pair=pair)
        )
        pred_labels.append(semeval_label(eg.predicted, source=source, no_relation_label=no_relation_label, pair=pair))
    result = score_semeval_labels(gold_labels, pred_labels, mode="official")
    out: Dict[str, Any] = {
        f"{prefix}_semeval_{key}": result[key]
        for key in ("macro_p", "macro_r", "macro_f", "micro_p", "micro_r", "micro_f")
    }
    out[f"{prefix}_semeval_f_per_type"] = result["per_type"]
    return out


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
