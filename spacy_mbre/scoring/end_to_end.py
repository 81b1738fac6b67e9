"""End-to-end scoring (PURE's and SURE's setting): entity recognition, Rel and
Rel+ of a pipeline that predicts the entities too."""

from typing import Any, Dict, Iterable, Optional

from spacy.training import Example

from .records import score_entity_spans
from .scorer import DEFAULT_NO_RELATION, score_relations


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
