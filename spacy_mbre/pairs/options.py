"""The one mapping between pairs, a schema's options and relation directions,
shared by the classifier (:mod:`spacy_mbre.relations`) and the mining stages
(:mod:`spacy_mbre.mining`).

* In relation mode a pair's ``head`` is its first span (e1) and its ``tail``
  its second (e2). For schemas with ``expand_directions`` (SemEval) pairs
  are taken once, in text order, and an option ``Label(e2,e1)`` means the
  relation runs from the second span to the first; otherwise (Re-DocRED)
  pairs come in both orders and an option is the label for head → tail.
* In typing mode a pair is a single span (``tail`` None) and an option is a
  type.
* With a typed schema (label ``types``) a pair may take only the options
  whose label allows its entity types (:meth:`Schema.pair_options`).
"""
from typing import Any, Dict, List, Optional, Sequence, Set, Tuple

import numpy
from spacy.tokens import Doc

from ..data.relations import Pair, PairKey, Relation, get_relations, pair_key
from ..data.schema import LabelOption, Schema
from .candidates import candidate_pairs


def mining_pairs(doc: Doc, schema: Schema) -> List[Pair]:
    """The pairs the mining stages ask about, in a fixed order: the schema's
    candidate pairs (:func:`spacy_mbre.pairs.candidate_pairs`).

    doc (Doc): The doc. Uses ``doc._.candidate_pairs`` when the doc has any,
        else generates pairs from ``doc.ents``; in the relation mode only
        pairs whose entity types some label allows.
    schema (Schema): The schema; decides typing vs relation mode, the allowed
        type pairs and whether pairs are asked once in text order
        (``expand_directions``).
    RETURNS (List[Pair]): The pairs.
    """
    return candidate_pairs(doc, schema)


def pair_options(schema: Schema, pair: Pair) -> List[LabelOption]:
    """schema (Schema): The schema.
    pair (Pair): The pair (see module docs).
    RETURNS (List[LabelOption]): The options whose label's type constraints
        the pair satisfies (every option for an untyped schema).
    """
    return schema.pair_options(pair.head.label_, pair.tail.label_ if pair.tail is not None else None)


def option_mask(schema: Optional[Schema], labels: Sequence[str], pair: Pair) -> Optional[numpy.ndarray]:
    """Which options of a classifier's label list a pair may take under the
    schema's label types ("no relation", the first label, always).

    schema (Optional[Schema]): The schema, if any.
    labels (Sequence[str]): The option names, "no relation" first.
    pair (Pair): A pair (relation mode).
    RETURNS (Optional[numpy.ndarray]): A boolean row over ``labels``, or None
        when every option is allowed (no schema, an untyped schema, a single span).
    """
    if schema is None or pair.tail is None or not schema.is_typed:
        return None
    allowed = {o.name for o in pair_options(schema, pair)}
    mask = numpy.array([i == 0 or label in allowed for i, label in enumerate(labels)], dtype=bool)
    return None if mask.all() else mask


def relation_option(
    schema: Optional[Schema],
    label: str,
    head: Tuple[int, int],
    tail: Optional[Tuple[int, int]],
    text_order: bool,
) -> Tuple[PairKey, str]:
    """The pair a relation labels and the option it is on that pair (the
    classifier's gold targets).

    schema (Optional[Schema]): The schema; None (or a label it does not
        know) = the option is the label, on the pair (head, tail).
    label (str): The relation's label.
    head (Tuple[int, int]): The head span's token offsets.
    tail (Optional[Tuple[int, int]]): The tail span's token offsets; None
        for an entity type.
    text_order (bool): Pairs are in text order (a direction-expanding
        schema in relation mode): a relation whose tail comes first is the
        reverse option on the pair (tail, head).
    RETURNS (Tuple[PairKey, str]): The pair key and the option name.
    """
    if tail is None:
        return (head[0], head[1], -1, -1), label
    key: PairKey = (head[0], head[1], tail[0], tail[1])
    if schema is None or label not in schema:
        return key, label
    reverse = False
    if text_order and tail[0] < head[0]:
        key = (tail[0], tail[1], head[0], head[1])
        reverse = True
    return key, schema.option_for(label, reverse=reverse).name


def gold_options(doc: Doc, pair: Pair, schema: Schema, relations: Optional[List[Relation]] = None) -> Set[str]:
    """The options that are true for a pair according to gold relations.

    doc (Doc): The doc.
    pair (Pair): The pair as asked (see module docs).
    schema (Schema): The schema.
    relations (Optional[List[Relation]]): The gold relations; defaults to
        the doc's relations with source "gold".
    RETURNS (Set[str]): Option names; empty = no relation.
    """
    if relations is None:
        relations = get_relations(doc, source="gold")
    out: Set[str] = set()
    for rel in relations:
        if rel.label not in schema:
            continue
        if pair.tail is None:
            if rel.tail is None and pair_key(rel.head, None) == pair.key:
                out.add(schema.option_for(rel.label).name)
            continue
        if rel.tail is None:
            continue
        rk = pair_key(rel.head, rel.tail)
        if rk == pair.key:
            out.add(schema.option_for(rel.label, reverse=False).name)
        elif rk == pair_key(pair.tail, pair.head):
            if schema.expand_directions or not schema.get(rel.label).directed:
                out.add(schema.option_for(rel.label, reverse=True).name)
    return out


def option_relation(
    pair: Pair,
    option: LabelOption,
    score: Optional[float],
    source: str = "mined",
    keep_option: bool = False,
) -> Relation:
    """pair (Pair): The pair as asked.
    option (LabelOption): The chosen option.
    score (Optional[float]): The confidence, if known.
    source (str): The relation's source.
    keep_option (bool): Store the option's name in ``meta["option"]`` when
        it differs from its label (``Cause-Effect(e2,e1)``).
    RETURNS (Relation): The relation the option stands for on the pair: its
        label, head and tail swapped for a reverse option.
    """
    head, tail = pair.head, pair.tail
    if option.reverse and tail is not None:
        head, tail = tail, head
    meta: Dict[str, Any] = {"option": option.name} if keep_option and option.name != option.label else {}
    return Relation(head=head, tail=tail, label=option.label, score=score, source=source, meta=meta)


def pair_from_key(doc: Doc, key: List[int], pairs_by_key: Dict[PairKey, Pair]) -> Pair:
    """doc (Doc): The doc.
    key (List[int]): A pair key as stored in the mining record.
    pairs_by_key (Dict[PairKey, Pair]): Known pairs (to keep span labels).
    RETURNS (Pair): The pair.
    """
    k = tuple(int(x) for x in key)
    if k in pairs_by_key:
        return pairs_by_key[k]  # type: ignore[index]
    head = doc[k[0] : k[1]]
    tail = doc[k[2] : k[3]] if k[2] >= 0 else None
    return Pair(head, tail)
