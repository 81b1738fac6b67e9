"""From probabilities to records: what ``predict`` returns (:class:`PairScores`)
and how ``set_annotations`` turns it into ``Relation`` records.

* relation task: ``Relation(head, tail, label, score, source="predicted")``;
  with a schema an option becomes its label on the pair, head and tail
  swapped for a reverse option (``X(e2,e1)``), the option name in
  ``meta["option"]`` (:func:`spacy_mbre.pairs.options.option_relation`).
* typing task: ``Relation(head=span, tail=None, label=type, score,
  source="predicted")``; :func:`overwrite_types` writes the best type of each
  entity into ``doc.ents``.
"""
import warnings
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import numpy
from spacy.tokens import Doc, Span

from ..data.keys import PREDICTED
from ..data.relations import Pair, Relation
from ..data.schema import Schema
from ..pairs.options import option_relation
from .markers import MarkerFeaturizer


class UnfitPairWarning(UserWarning):
    """Some pairs did not fit into the encoder's input limit."""


def warn_unfit(featurizer: MarkerFeaturizer, before: int, stacklevel: int = 3) -> None:
    """Warn (UnfitPairWarning) if pairs did not fit since ``before``.

    featurizer (MarkerFeaturizer): The model's featurizer.
    before (int): Its ``n_unfit`` before the pairs were encoded.
    stacklevel (int): Passed on to ``warnings.warn`` (3: the caller of
        the function that calls this one, e.g. of ``predict``).
    """
    if featurizer.n_unfit > before:
        warnings.warn(
            f"{featurizer.n_unfit - before} pair(s) did not fit into the encoder's limit of "
            f"{featurizer.max_length} tokens and were not classified (total so far: {featurizer.n_unfit}).",
            UnfitPairWarning,
            stacklevel=stacklevel,
        )


@dataclass
class PairScores:
    """What predict() returns for a batch of docs.

    pairs (List[List[Pair]]): Per doc, the pairs that were classified.
    probs (List[numpy.ndarray]): Per doc, (n_pairs, n_labels) probabilities.
    fits (List[numpy.ndarray]): Per doc, whether each pair fitted the encoder
        (pairs that did not have no prediction).
    """

    pairs: List[List[Pair]]
    probs: List[numpy.ndarray]
    fits: List[numpy.ndarray]

    @classmethod
    def split(cls, doc_pairs: List[List[Pair]], probs: numpy.ndarray, fits: numpy.ndarray) -> "PairScores":
        """doc_pairs (List[List[Pair]]): Per doc, its pairs.
        probs (numpy.ndarray): (n_pairs, n_labels) probabilities of all docs' pairs.
        fits (numpy.ndarray): (n_pairs,) whether each pair fitted the encoder.
        RETURNS (PairScores): The rows cut per doc.
        """
        out = cls(pairs=doc_pairs, probs=[], fits=[])
        offset = 0
        for pairs in doc_pairs:
            out.probs.append(probs[offset : offset + len(pairs)])
            out.fits.append(fits[offset : offset + len(pairs)])
            offset += len(pairs)
        return out


def mask_row(row: numpy.ndarray, mask: Optional[numpy.ndarray], multi_label: bool) -> None:
    """Give options a pair may not take probability 0; softmax rows are
    renormalised over what is left.

    row (numpy.ndarray): A pair's probabilities, changed in place.
    mask (Optional[numpy.ndarray]): Allowed options (None: all).
    multi_label (bool): Sigmoid rows (not renormalised).
    """
    if mask is None:
        return
    row[~mask] = 0.0
    total = row.sum()
    if not multi_label and total > 0:
        row /= total


def chosen_options(row: numpy.ndarray, threshold: float, multi_label: bool) -> List[int]:
    """row (numpy.ndarray): A pair's probabilities, "no relation" first.
    threshold (float): The minimum probability.
    multi_label (bool): Every option at or above the threshold; else the best
        option if it is not "no relation" and reaches the threshold.
    RETURNS (List[int]): The chosen option indices.
    """
    if multi_label:
        return [i for i in range(1, len(row)) if row[i] >= threshold]
    best = int(row.argmax())
    return [best] if best != 0 and row[best] >= threshold else []


def option_record(schema: Optional[Schema], relation_task: bool, pair: Pair, option: str, score: float) -> Relation:
    """schema (Optional[Schema]): The component's schema, if any.
    relation_task (bool): The relation task (else typing).
    pair (Pair): The classified pair.
    option (str): The chosen option.
    score (float): Its probability.
    RETURNS (Relation): The predicted record (see module docs).
    """
    if schema is not None and relation_task:
        return option_relation(pair, schema.option(option), float(score), source=PREDICTED, keep_option=True)
    return Relation(head=pair.head, tail=pair.tail, label=option, score=float(score), source=PREDICTED, meta={})


def overwrite_types(doc: Doc, relations: Sequence[Relation]) -> None:
    """Typing task: replace each entity's label by its best predicted type
    (entities without a prediction keep theirs).

    doc (Doc): The doc, changed in place.
    relations (Sequence[Relation]): The predicted type records.
    """
    best_type: Dict[Tuple[int, int], Relation] = {}
    for rel in relations:
        key = (rel.head.start, rel.head.end)
        if key not in best_type or (rel.score or 0.0) > (best_type[key].score or 0.0):
            best_type[key] = rel
    doc.ents = [
        Span(doc, e.start, e.end, label=best_type[(e.start, e.end)].label) if (e.start, e.end) in best_type else e
        for e in doc.ents
    ]
