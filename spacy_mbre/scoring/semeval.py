"""SemEval-2010 Task 8 scoring, as the official ``semeval2010_task8_scorer-v1.2.pl``
computes it.

The task labels one marked pair (e1, e2) per sentence with one of 19 labels:
nine relation types in two directions, e.g. ``Cause-Effect(e2,e1)``, plus
``Other``. The perl scorer evaluates three ways:

* ``"19way"``: (2*9+1)-way classification, every directional label a class.
* ``"undirected"``: (9+1)-way, direction stripped from both sides.
* ``"official"``: (9+1)-way *with directionality taken into account*: the
  classes are the nine types, but a prediction counts as correct only if type
  and direction both match. A prediction with the right type but the wrong
  direction is a false positive of that type and a false negative of the gold
  label (the perl's "xDIRx" column); a prediction of ``Other`` for a relation
  is a false negative only.

In every mode the macro average runs over the classes that occur in the
*answer key* ("Other" excluded), and the micro average over the same classes:
predictions of a class absent from the key count nowhere (the perl scorer's
documented "probably not optimal" behaviour), skipped ids count as false
negatives. The official score is the macro-averaged F1 of ``"official"``.

In spacy-mbre a SemEval doc carries one candidate pair in text order; a
relation ``X`` with head e1 and tail e2 is the label ``X(e1,e2)``, with head e2
and tail e1 it is ``X(e2,e1)``, and no record (or a "no relation" record) is
``Other``.

This module maps docs and examples to 19-way labels and scores them; the
labels are in :mod:`.semeval_labels`, the perl scorer's port and answer files
in :mod:`.semeval_official`.
"""
from typing import Any, Dict, Iterable, Optional, Tuple

from spacy.tokens import Doc
from spacy.training import Example

from ..data.relations import get_pairs, get_relations
from ..errors import ConfigError
from .semeval_labels import (
    SEMEVAL_LABELS,
    SEMEVAL_MODES,
    SEMEVAL_OTHER,
    SEMEVAL_RELATIONS,
    SEMEVAL_SCHEMAS,
    is_semeval_schema,
    strip_direction,
)
from .semeval_official import read_semeval_answers, score_semeval_files, score_semeval_labels

# A span by character offsets, and a SemEval pair (e1, e2) in text order.
CharSpan = Tuple[int, int]
CharPair = Tuple[CharSpan, CharSpan]


def semeval_pair(doc: Doc, source: Optional[str] = None) -> Optional[CharPair]:
    """Find the one marked pair of a SemEval doc.

    The pair comes from the doc's candidate pairs or, if it has none, from its
    relation records (of any label, "no relation" records included).

    doc (Doc): The doc.
    source (Optional[str]): Only use relation records from this source.
    RETURNS (Optional[CharPair]): The character offsets of (e1, e2) in text
        order, or None if the doc has no pair. Raises ConfigError if the doc
        has more than one distinct pair.
    """
    found = set()
    for pair in get_pairs(doc):
        if pair.tail is not None:
            found.add(_unordered(pair.head.start_char, pair.head.end_char, pair.tail.start_char, pair.tail.end_char))
    if not found:
        for rel in get_relations(doc, source=source):
            if rel.tail is not None:
                found.add(_unordered(rel.head.start_char, rel.head.end_char, rel.tail.start_char, rel.tail.end_char))
    if not found:
        return None
    if len(found) > 1:
        raise ConfigError(
            f"SemEval scoring needs exactly one marked pair per doc, found {len(found)} "
            f"in the doc starting {doc.text[:60]!r}."
        )
    return found.pop()


def semeval_label(
    doc: Doc,
    *,
    source: Optional[str] = None,
    no_relation_label: str = SEMEVAL_OTHER,
    pair: Optional[CharPair] = None,
) -> str:
    """Map a doc's single pair to its 19-way SemEval label.

    doc (Doc): The doc.
    source (Optional[str]): Only use relation records from this source
        (e.g. "gold", "predicted", "mined"); None uses all.
    no_relation_label (str): Records with this label (or "Other") mean no
        relation.
    pair (Optional[CharPair]): The (e1, e2) character offsets to label, e.g.
        taken from the gold doc when labelling a prediction; defaults to
        :func:`semeval_pair` of this doc.
    RETURNS (str): "X(e1,e2)", "X(e2,e1)" or "Other". If several relation
        records label the pair, the one with the highest score wins (the
        first one on ties or without scores).
    """
    if pair is None:
        pair = semeval_pair(doc, source=source)
        if pair is None:
            return SEMEVAL_OTHER
    e1, e2 = pair
    best: Optional[Tuple[float, str]] = None
    for rel in get_relations(doc, source=source):
        if rel.tail is None or rel.label in (no_relation_label, SEMEVAL_OTHER):
            continue
        head = (rel.head.start_char, rel.head.end_char)
        tail = (rel.tail.start_char, rel.tail.end_char)
        if (head, tail) == (e1, e2):
            label = f"{rel.label}(e1,e2)"
        elif (head, tail) == (e2, e1):
            label = f"{rel.label}(e2,e1)"
        else:
            continue
        score = float("-inf") if rel.score is None else float(rel.score)
        if best is None or score > best[0]:
            best = (score, label)
    return SEMEVAL_OTHER if best is None else best[1]


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


def _unordered(start1: int, end1: int, start2: int, end2: int) -> CharPair:
    a, b = (start1, end1), (start2, end2)
    return (a, b) if a <= b else (b, a)


__all__ = [
    "SEMEVAL_LABELS",
    "SEMEVAL_MODES",
    "SEMEVAL_OTHER",
    "SEMEVAL_RELATIONS",
    "SEMEVAL_SCHEMAS",
    "CharPair",
    "CharSpan",
    "is_semeval_schema",
    "read_semeval_answers",
    "score_semeval_examples",
    "score_semeval_files",
    "score_semeval_labels",
    "semeval_label",
    "semeval_pair",
    "strip_direction",
]
