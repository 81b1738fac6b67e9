"""Record-level scoring: relations (Rel, Rel+), entity types and, for
end-to-end evaluation, predicted entities.

Spans are compared by *character* offsets, so a prediction made on a doc
tokenised differently from the gold doc still matches.
"""
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set, Tuple

from spacy.scorer import PRFScore
from spacy.tokens import Doc, Span
from spacy.training import Example

from ..data.relations import get_relations

# (head start char, head end char, head type, tail start char, tail end char,
# tail type, label); the types are "" unless entity types are compared.
RecordKey = Tuple[int, int, str, int, int, str, str]


def relation_keys(
    doc: Doc,
    *,
    source: Optional[str],
    no_relation_label: str,
    entity_types: bool = False,
) -> Set[RecordKey]:
    """doc (Doc): The doc.
    source (Optional[str]): Only use records from this source; None uses all.
    no_relation_label (str): Records with this label are skipped.
    entity_types (bool): Include the head and tail entity types in the keys
        (Rel+). A span's type is its label, or, if it has none, the label of
        the entity in ``doc.ents`` with the same boundaries.
    RETURNS (Set[RecordKey]): One key per relation record (typing records,
        with tail=None, are skipped).
    """
    ent_types = {(ent.start_char, ent.end_char): ent.label_ for ent in doc.ents} if entity_types else {}
    keys: Set[RecordKey] = set()
    for rel in get_relations(doc, source=source):
        if rel.tail is None or rel.label == no_relation_label:
            continue
        head_type = _span_type(rel.head, ent_types) if entity_types else ""
        tail_type = _span_type(rel.tail, ent_types) if entity_types else ""
        keys.add(
            (
                rel.head.start_char,
                rel.head.end_char,
                head_type,
                rel.tail.start_char,
                rel.tail.end_char,
                tail_type,
                rel.label,
            )
        )
    return keys


def score_relation_records(
    examples: Iterable[Example],
    *,
    source: Optional[str],
    gold_source: Optional[str],
    no_relation_label: str,
    entity_types: bool = False,
    prefix: str = "rel",
) -> Dict[str, Any]:
    """Micro / macro / per-label P, R and F1 over relation records.

    A predicted record is correct if a gold record has the same head and tail
    boundaries (and, with `entity_types`, the same span types) and the same
    label. Direction matters; several labels per pair are scored separately.

    examples (Iterable[Example]): Gold in `reference`, predictions in
        `predicted`.
    source (Optional[str]): Source of the predicted records; None uses all.
    gold_source (Optional[str]): Source of the gold records; None uses all.
    no_relation_label (str): Label ignored on both sides.
    entity_types (bool): Compare span types too (Rel+).
    prefix (str): Key prefix.
    RETURNS (Dict[str, Any]): "{prefix}_micro_p/_r/_f", "{prefix}_macro_p/_r/_f"
        (None when there are no gold and no predicted records) and
        "{prefix}_f_per_type": label -> {"p", "r", "f"}.
    """
    micro = PRFScore()
    per_label: Dict[str, PRFScore] = {}
    for eg in examples:
        pred = relation_keys(
            eg.predicted, source=source, no_relation_label=no_relation_label, entity_types=entity_types
        )
        gold = relation_keys(
            eg.reference, source=gold_source, no_relation_label=no_relation_label, entity_types=entity_types
        )
        micro.score_set(pred, gold)
        for label in {key[-1] for key in pred | gold}:
            per_label.setdefault(label, PRFScore()).score_set(
                {k for k in pred if k[-1] == label}, {k for k in gold if k[-1] == label}
            )
    return _prf_results(prefix, micro, per_label)


def score_type_records(
    examples: Iterable[Example],
    *,
    source: Optional[str],
    gold_source: Optional[str],
    no_relation_label: str,
    prefix: str = "type",
) -> Dict[str, Any]:
    """Entity-typing scores over the gold spans (records with tail=None).

    Every span with a gold typing record is evaluated, its gold types being
    its record labels other than `no_relation_label` (possibly none).
    Predicted types of other spans are ignored.

    examples (Iterable[Example]): Gold in `reference`, predictions in
        `predicted`.
    source (Optional[str]): Source of the predicted records; None uses all.
    gold_source (Optional[str]): Source of the gold records; None uses all.
    no_relation_label (str): The "no type" label, ignored on both sides.
    prefix (str): Key prefix.
    RETURNS (Dict[str, Any]): "{prefix}_acc" (share of gold spans whose
        predicted type set equals the gold one), "{prefix}_micro_p/_r/_f",
        "{prefix}_macro_p/_r/_f" and "{prefix}_f_per_type"; None values when
        there is nothing to score.
    """
    micro = PRFScore()
    per_label: Dict[str, PRFScore] = {}
    n_spans = n_exact = 0
    for eg in examples:
        gold = _type_sets(eg.reference, gold_source, no_relation_label)
        pred_all = _type_sets(eg.predicted, source, no_relation_label)
        for span, gold_types in gold.items():
            pred_types = pred_all.get(span, set())
            n_spans += 1
            n_exact += int(pred_types == gold_types)
            micro.score_set({(span, t) for t in pred_types}, {(span, t) for t in gold_types})
            for label in pred_types | gold_types:
                per_label.setdefault(label, PRFScore()).score_set(
                    {label} & pred_types, {label} & gold_types
                )
    results = _prf_results(prefix, micro, per_label)
    results[f"{prefix}_acc"] = n_exact / n_spans if n_spans else None
    return results


def score_entity_spans(
    examples: Iterable[Example],
    *,
    gold_spans_key: Optional[str] = None,
    spans_key: Optional[str] = None,
    prefix: str = "ents",
) -> Dict[str, Any]:
    """Entity recognition P, R and F1 (spaCy's ``ents_*`` scores) by character
    offsets, so that entities predicted on a doc tokenised differently from
    the gold doc still match. An entity is correct if a gold entity has the
    same start, end and label.

    examples (Iterable[Example]): Gold in `reference`, predictions in
        `predicted` (its ``doc.ents``, or ``doc.spans[spans_key]``).
    gold_spans_key (Optional[str]): Read the gold entities from
        ``reference.spans[gold_spans_key]`` when the reference has that key
        (the PURE reader keeps nested entities there, so they count as gold
        the way PURE counts them); otherwise, or with None, from
        ``reference.ents``.
    spans_key (Optional[str]): Read the predicted entities from
        ``predicted.spans[spans_key]`` (e.g. a ``spancat``'s, which may
        overlap) instead of ``predicted.ents``.
    prefix (str): Key prefix.
    RETURNS (Dict[str, Any]): "{prefix}_p", "{prefix}_r", "{prefix}_f" (None
        when there are no gold and no predicted entities) and
        "{prefix}_per_type": label -> {"p", "r", "f"}, like
        ``spacy.scorer.Scorer.score_spans``.
    """
    micro = PRFScore()
    per_label: Dict[str, PRFScore] = {}
    for eg in examples:
        pred = {(e.start_char, e.end_char, e.label_) for e in entity_spans(eg.predicted, spans_key, strict=True)}
        gold = {(e.start_char, e.end_char, e.label_) for e in entity_spans(eg.reference, gold_spans_key)}
        micro.score_set(pred, gold)
        for label in {key[-1] for key in pred | gold}:
            per_label.setdefault(label, PRFScore()).score_set(
                {k for k in pred if k[-1] == label}, {k for k in gold if k[-1] == label}
            )
    results: Dict[str, Any] = {f"{prefix}_p": None, f"{prefix}_r": None, f"{prefix}_f": None}
    if len(micro) > 0:
        results.update({f"{prefix}_p": micro.precision, f"{prefix}_r": micro.recall, f"{prefix}_f": micro.fscore})
    results[f"{prefix}_per_type"] = {label: per_label[label].to_dict() for label in sorted(per_label)}
    return results


def entity_spans(doc: Doc, spans_key: Optional[str], strict: bool = False) -> Sequence[Span]:
    """doc (Doc): The doc.
    spans_key (Optional[str]): A ``doc.spans`` key; None reads ``doc.ents``.
    strict (bool): A missing key means no spans; otherwise ``doc.ents``.
    RETURNS (Sequence[Span]): The doc's entities: ``doc.spans[spans_key]``
        where the doc has that key, else (not strict) ``doc.ents``.
    """
    if spans_key is not None and (spans_key in doc.spans or strict):
        return doc.spans[spans_key] if spans_key in doc.spans else []
    return doc.ents


def _type_sets(doc: Doc, source: Optional[str], no_relation_label: str) -> Dict[Tuple[int, int], Set[str]]:
    out: Dict[Tuple[int, int], Set[str]] = {}
    for rel in get_relations(doc, source=source):
        if rel.tail is not None:
            continue
        types = out.setdefault((rel.head.start_char, rel.head.end_char), set())
        if rel.label != no_relation_label:
            types.add(rel.label)
    return out


def _span_type(span: Span, ent_types: Dict[Tuple[int, int], str]) -> str:
    return span.label_ or ent_types.get((span.start_char, span.end_char), "")


def _prf_results(prefix: str, micro: PRFScore, per_label: Dict[str, PRFScore]) -> Dict[str, Any]:
    results: Dict[str, Any] = {f"{prefix}_{agg}_{m}": None for agg in ("micro", "macro") for m in ("p", "r", "f")}
    per_type = {label: per_label[label].to_dict() for label in sorted(per_label)}
    if len(micro) > 0:
        results.update(
            {f"{prefix}_micro_p": micro.precision, f"{prefix}_micro_r": micro.recall, f"{prefix}_micro_f": micro.fscore}
        )
    if per_type:
        for m in ("p", "r", "f"):
            results[f"{prefix}_macro_{m}"] = sum(s[m] for s in per_type.values()) / len(per_type)
    results[f"{prefix}_f_per_type"] = per_type
    return results


__all__: List[str] = [
    "entity_spans",
    "relation_keys",
    "score_entity_spans",
    "score_relation_records",
    "score_type_records",
]
