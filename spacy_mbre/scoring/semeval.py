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
"""
import re
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple, Union

from spacy.scorer import PRFScore
from spacy.tokens import Doc

from ..data.relations import get_pairs, get_relations
from ..errors import ConfigError, DataError

SEMEVAL_OTHER = "Other"
SEMEVAL_RELATIONS: Tuple[str, ...] = (
    "Cause-Effect",
    "Component-Whole",
    "Content-Container",
    "Entity-Destination",
    "Entity-Origin",
    "Instrument-Agency",
    "Member-Collection",
    "Message-Topic",
    "Product-Producer",
)
SEMEVAL_LABELS: Tuple[str, ...] = (
    *(f"{rel}{d}" for rel in SEMEVAL_RELATIONS for d in ("(e1,e2)", "(e2,e1)")),
    SEMEVAL_OTHER,
)
SEMEVAL_MODES = ("official", "19way", "undirected")

# A span by character offsets, and a SemEval pair (e1, e2) in text order.
CharSpan = Tuple[int, int]
CharPair = Tuple[CharSpan, CharSpan]

_DIRECTION = re.compile(r"\(e[12],e[12]\)$")
_LINE = re.compile(r"^([0-9]+)\t(.+)$")


SEMEVAL_SCHEMAS = ("semeval", "semeval2010_task8")


def is_semeval_schema(schema: Optional[Any]) -> bool:
    """schema (Optional[Schema]): A schema, or None.
    RETURNS (bool): Whether it is SemEval-2010 Task 8's (the shipped one, or
        any schema with its nine relation types in expanded directions), so
        that the official score applies.
    """
    if schema is None or getattr(schema, "kind", None) != "relation":
        return False
    if schema.name in SEMEVAL_SCHEMAS:
        return True
    return bool(schema.expand_directions) and set(schema.label_names) == set(SEMEVAL_RELATIONS)


def strip_direction(label: str) -> str:
    """label (str): A 19-way label such as "Cause-Effect(e2,e1)".
    RETURNS (str): The label without its direction, e.g. "Cause-Effect".
    """
    return _DIRECTION.sub("", label)


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


def score_semeval_labels(
    gold: Sequence[str],
    predicted: Sequence[Optional[str]],
    *,
    mode: str = "official",
    other_label: str = SEMEVAL_OTHER,
) -> Dict[str, Any]:
    """Score 19-way SemEval labels exactly like the official perl scorer.

    gold (Sequence[str]): The answer key, one 19-way label per item.
    predicted (Sequence[Optional[str]]): The proposed labels, aligned with
        `gold`; None marks a skipped item (a false negative).
    mode (str): "official" (9+1-way with direction taken into account: the
        official score), "19way" or "undirected" (see the module docs).
    other_label (str): The name of the "no relation" label.
    RETURNS (Dict[str, Any]): Fractions in [0, 1] (the perl prints percent):
        "macro_p", "macro_r", "macro_f", "micro_p", "micro_r", "micro_f"
        (None when the key has no relation other than Other), "accuracy"
        (correct / proposed, Other included; None if nothing was proposed),
        "coverage" (proposed / key size) and "per_type": class -> {"p", "r",
        "f"} for every class of the key except Other.
    """
    if mode not in SEMEVAL_MODES:
        raise ConfigError(f"Unknown SemEval scoring mode {mode!r}; use one of {', '.join(SEMEVAL_MODES)}.")
    if len(gold) != len(predicted):
        raise ConfigError(f"Got {len(gold)} gold labels but {len(predicted)} predictions.")
    key = (lambda label: label) if mode == "19way" else strip_direction
    scores: Dict[str, PRFScore] = {}
    n_proposed = n_correct = 0
    for gold_label, pred_label in zip(gold, predicted):
        gold_class = key(gold_label)
        scores.setdefault(gold_class, PRFScore())
        if pred_label is None:
            scores[gold_class].fn += 1
            continue
        n_proposed += 1
        pred_class = key(pred_label)
        # "official": the class is the type, but correct needs the direction too.
        correct = pred_label == gold_label if mode == "official" else pred_class == gold_class
        if correct:
            n_correct += 1
            scores[gold_class].tp += 1
        else:
            scores[gold_class].fn += 1
            scores.setdefault(pred_class, PRFScore()).fp += 1
    gold_classes = sorted({key(label) for label in gold} - {other_label})
    per_type = {label: scores[label].to_dict() for label in gold_classes}
    micro = PRFScore()
    for label in gold_classes:
        micro += scores[label]
    result: Dict[str, Any] = {
        "macro_p": None,
        "macro_r": None,
        "macro_f": None,
        "micro_p": None,
        "micro_r": None,
        "micro_f": None,
        "accuracy": n_correct / n_proposed if n_proposed else None,
        "coverage": n_proposed / len(gold) if gold else None,
        "per_type": per_type,
    }
    if gold_classes:
        for metric in ("p", "r", "f"):
            result[f"macro_{metric}"] = sum(s[metric] for s in per_type.values()) / len(per_type)
        result.update({"micro_p": micro.precision, "micro_r": micro.recall, "micro_f": micro.fscore})
    return result


def read_semeval_answers(
    path: Union[str, Path], labels: Optional[Iterable[str]] = SEMEVAL_LABELS
) -> Dict[str, str]:
    """Read a SemEval answer file: one "<id>\\t<label>" line per sentence.

    path (Union[str, Path]): An answer key or proposed answer file.
    labels (Optional[Iterable[str]]): The allowed labels (the 19 SemEval
        labels by default); None allows any non-empty label.
    RETURNS (Dict[str, str]): Sentence id -> label, in file order. Raises
        DataError naming the file and line for a malformed line, an unknown
        label or a repeated id.
    """
    path = Path(path)
    allowed = set(labels) if labels is not None else None
    try:
        text = path.read_text(encoding="utf8")
    except OSError as err:
        raise DataError(path, None, f"cannot read the file: {err.strerror or err}") from None
    except UnicodeDecodeError as err:
        raise DataError(path, None, f"not UTF-8 text: {err}") from None
    answers: Dict[str, str] = {}
    for line_no, line in enumerate(text.splitlines(), start=1):
        match = _LINE.match(line)
        if match is None:
            raise DataError(path, line_no, f"expected '<id><TAB><label>', got {line!r}")
        sent_id, label = match.groups()
        if allowed is not None and label not in allowed:
            raise DataError(path, line_no, f"unknown label {label!r}")
        if sent_id in answers:
            raise DataError(path, line_no, f"id {sent_id} is already defined")
        answers[sent_id] = label
    return answers


def score_semeval_files(
    proposed_path: Union[str, Path],
    key_path: Union[str, Path],
    *,
    mode: str = "official",
) -> Dict[str, Any]:
    """Score a proposed answer file against an answer key, like
    ``semeval2010_task8_scorer-v1.2.pl <PROPOSED> <KEY>``.

    proposed_path (Union[str, Path]): The proposed answers; may cover a
        subset of the key's ids (the rest count as skipped).
    key_path (Union[str, Path]): The answer key.
    mode (str): "official", "19way" or "undirected".
    RETURNS (Dict[str, Any]): See :func:`score_semeval_labels`. Raises
        DataError if the proposed file has an id that the key lacks.
    """
    key = read_semeval_answers(key_path)
    proposed = read_semeval_answers(proposed_path)
    for sent_id in proposed:
        if sent_id not in key:
            raise DataError(proposed_path, None, f"id {sent_id} is not in the answer key {key_path}")
    ids: List[str] = list(key)
    return score_semeval_labels([key[i] for i in ids], [proposed.get(i) for i in ids], mode=mode)


def _unordered(start1: int, end1: int, start2: int, end2: int) -> CharPair:
    a, b = (start1, end1), (start2, end2)
    return (a, b) if a <= b else (b, a)
