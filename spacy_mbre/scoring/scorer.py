"""The relation scorer components call from their ``score()`` method
(:func:`score_relations`; its registered factory,
``spacy-mbre.relation_scorer.v1``, is in :mod:`spacy_mbre.scoring`)."""

from typing import Any, Dict, Iterable, Optional

from spacy.training import Example

from ..errors import ConfigError
from .records import score_relation_records, score_type_records
from .semeval import score_semeval_examples

DEFAULT_NO_RELATION = "no_relation"


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
