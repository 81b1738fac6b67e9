"""The official SemEval-2010 Task 8 scorer (``semeval2010_task8_scorer-v1.2.pl``)
on 19-way labels and on answer files; the modes and averages are described in
:mod:`.semeval`."""

import re
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Union

from spacy.scorer import PRFScore

from ..errors import ConfigError, DataError
from .semeval_labels import SEMEVAL_LABELS, SEMEVAL_MODES, SEMEVAL_OTHER, strip_direction

_LINE = re.compile(r"^([0-9]+)\t(.+)$")


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
