"""Few-shot splits: sample k gold examples per label, keep the rest as an
unlabelled mining pool.

A *unit* is what a classifier labels: a candidate pair (relation schemas) or
a single span (typing schemas). Its *class* is the schema option of its gold
record — for SemEval the directional option, e.g. ``Cause-Effect(e2,e1)`` —
or the schema's "no relation" label when it has none.

Sampling (:func:`sample_fewshot`) is seeded and greedy over classes, rarest
first: for each class, docs holding it are taken in a seeded random order
until the few-shot set holds k units of that class (or the class runs out).
With one unit per doc (SemEval) every class gets exactly ``min(k, available)``
units; with several units per doc (CrossNER sentences) a rare class may bring
extra units of common classes along, so counts are "at least k where
available". The docs not taken form the pool, in the same seeded order.
"""
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

from spacy.tokens import Doc

from ..data.relations import get_relations, pair_key
from ..data.schema import TYPING, Schema
from ..errors import ConfigError
from ..pairs import candidate_pairs


@dataclass
class FewShotSplit:
    """The result of :func:`split_docs`.

    fewshot (List[int]): Indices of the few-shot docs, in input order.
    pool (List[int]): Indices of the pool docs, in the seeded order (cut to
        the pool size).
    counts (Dict[str, int]): Units per class in the few-shot docs.
    available (Dict[str, int]): Units per class in all input docs.
    """

    fewshot: List[int]
    pool: List[int]
    counts: Dict[str, int] = field(default_factory=dict)
    available: Dict[str, int] = field(default_factory=dict)


def unit_classes(doc: Doc, schema: Schema) -> List[str]:
    """doc (Doc): A doc with gold records (and candidate pairs).
    schema (Schema): The schema the classes come from.
    RETURNS (List[str]): One class per candidate unit of the doc (its
        candidate pairs under the schema, see
        :func:`spacy_mbre.pairs.candidate_pairs`; single spans in typing
        mode): the option name of each
        gold record on it, or ``schema.no_relation`` if it has none. Gold
        records on spans that are not candidate units count too.
    """
    typing = schema.kind == TYPING
    units = candidate_pairs(doc, schema)
    by_unit: Dict[tuple, List[str]] = {}
    for rel in get_relations(doc, source="gold"):
        if (rel.tail is None) != typing or rel.label == schema.no_relation or rel.label not in schema:
            continue
        if typing:
            key = pair_key(rel.head, None)
            name = schema.option_for(rel.label).name
        else:
            reverse = rel.tail is not None and rel.tail.start < rel.head.start
            first, second = (rel.tail, rel.head) if reverse else (rel.head, rel.tail)
            key = pair_key(first, second)
            name = schema.option_for(rel.label, reverse=reverse).name
        by_unit.setdefault(key, []).append(name)
    classes: List[str] = []
    seen = set()
    for unit in units:
        if typing:
            key = pair_key(unit.head, None)
        else:
            assert unit.tail is not None
            first, second = (unit.head, unit.tail) if unit.head.start <= unit.tail.start else (unit.tail, unit.head)
            key = pair_key(first, second)
        if key in seen:
            continue
        seen.add(key)
        classes.extend(by_unit.get(key, [schema.no_relation]))
    for key, names in by_unit.items():
        if key not in seen:
            classes.extend(names)
    return classes


def sample_fewshot(
    doc_classes: Sequence[Sequence[str]],
    k: int,
    seed: int,
    classes: Optional[Sequence[str]] = None,
) -> List[int]:
    """Pick docs so that each class has k units (see module docs).

    doc_classes (Sequence[Sequence[str]]): The unit classes of each doc.
    k (int): Units wanted per class; must be >= 1.
    seed (int): Seed of the doc order.
    classes (Optional[Sequence[str]]): The classes to sample for; None = all
        classes that occur.
    RETURNS (List[int]): The chosen doc indices, sorted.
    """
    if k < 1:
        raise ConfigError(f"Few-shot k must be >= 1, got {k}.")
    order = list(range(len(doc_classes)))
    random.Random(seed).shuffle(order)
    available: Counter = Counter(c for cs in doc_classes for c in cs)
    wanted = list(classes) if classes is not None else list(available)
    # Rarest first; ties by name so the result does not depend on dict order.
    wanted.sort(key=lambda c: (available[c], c))
    counts: Counter = Counter()
    chosen = set()
    for cls in wanted:
        for i in order:
            if counts[cls] >= k:
                break
            if i in chosen or cls not in doc_classes[i]:
                continue
            chosen.add(i)
            counts.update(doc_classes[i])
    return sorted(chosen)


def split_docs(
    docs: Sequence[Doc],
    schema: Schema,
    k: int,
    seed: int,
    pool_size: int = 0,
    include_none: bool = True,
) -> FewShotSplit:
    """Split gold docs into a few-shot set and a mining pool.

    docs (Sequence[Doc]): The gold docs (e.g. converted training data).
    schema (Schema): The schema.
    k (int): Units per class in the few-shot set.
    seed (int): Seed of the sampling and of the pool order.
    pool_size (int): Docs in the pool; 0 = all docs not in the few-shot set.
    include_none (bool): Also sample k units of the "no relation" class.
    RETURNS (FewShotSplit): The split.
    """
    if pool_size < 0:
        raise ConfigError(f"Pool size must be >= 0, got {pool_size}.")
    doc_classes = [unit_classes(doc, schema) for doc in docs]
    available: Counter = Counter(c for cs in doc_classes for c in cs)
    classes = [c for c in available if include_none or c != schema.no_relation]
    fewshot = sample_fewshot(doc_classes, k, seed, classes)
    taken = set(fewshot)
    order = list(range(len(docs)))
    random.Random(seed + 1).shuffle(order)
    pool = [i for i in order if i not in taken]
    if pool_size:
        pool = pool[:pool_size]
    counts: Counter = Counter(c for i in fewshot for c in doc_classes[i])
    return FewShotSplit(
        fewshot=fewshot,
        pool=pool,
        counts=dict(sorted(counts.items())),
        available=dict(sorted(available.items())),
    )
