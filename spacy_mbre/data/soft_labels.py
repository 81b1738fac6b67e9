"""Soft labels: a probability distribution over a classifier's options per
candidate pair, stored on the doc for training (S2ynRE's teacher labels).

They live in ``doc.user_data["mbre_soft"]`` so they survive ``DocBin``::

    {"labels": ["Other", "Cause-Effect(e1,e2)", ...],
     "targets": [{"pair": [0, 1, 4, 5], "probs": [0.7, 0.1, ...]}, ...]}

``labels`` is the option order of ``probs`` ("no relation" first, as in
``mbre_relations``); ``pair`` is the pair key (head start, head end, tail
start, tail end; -1, -1 for a single span in the typing task), in the doc's
token offsets. ``mbre_relations`` trains a pair that has a soft target
against that distribution (cross-entropy with a soft target, i.e. KL
divergence up to a constant) instead of its hard gold labels.
"""
from typing import Dict, List, Optional, Sequence, Tuple

import numpy
from spacy.tokens import Doc

from ..errors import ConfigError
from .relations import PairKey

SOFT_KEY = "mbre_soft"


def set_soft_targets(doc: Doc, labels: Sequence[str], targets: Dict[PairKey, Sequence[float]]) -> None:
    """Store soft targets on a doc, replacing earlier ones.

    doc (Doc): The doc (changed in place).
    labels (Sequence[str]): The option order of every distribution.
    targets (Dict[PairKey, Sequence[float]]): One distribution per pair key.
    RAISES (ConfigError): A distribution has the wrong length.
    """
    rows = []
    for key, probs in targets.items():
        if len(probs) != len(labels):
            raise ConfigError(f"Soft target for pair {key} has {len(probs)} values for {len(labels)} labels.")
        rows.append({"pair": [int(k) for k in key], "probs": [float(p) for p in probs]})
    doc.user_data[SOFT_KEY] = {"labels": list(labels), "targets": rows}


def get_soft_targets(doc: Doc) -> Tuple[List[str], Dict[PairKey, numpy.ndarray]]:
    """doc (Doc): A doc.
    RETURNS (Tuple[List[str], Dict[PairKey, numpy.ndarray]]): The stored label
        order and the distribution per pair key; ([], {}) without soft targets.
    """
    stored = doc.user_data.get(SOFT_KEY)
    if not stored:
        return [], {}
    targets = {
        tuple(int(k) for k in row["pair"]): numpy.asarray(row["probs"], dtype="float32")  # type: ignore[misc]
        for row in stored["targets"]
    }
    return list(stored["labels"]), targets  # type: ignore[return-value]


def remove_soft_targets(doc: Doc) -> None:
    """doc (Doc): The doc; its soft targets are removed (no-op without)."""
    doc.user_data.pop(SOFT_KEY, None)


def align_soft_targets(
    stored_labels: Sequence[str], targets: Dict[PairKey, numpy.ndarray], labels: Sequence[str]
) -> Dict[PairKey, numpy.ndarray]:
    """Reorder stored distributions into another option order.

    stored_labels (Sequence[str]): The order the distributions are stored in.
    targets (Dict[PairKey, numpy.ndarray]): The stored distributions.
    labels (Sequence[str]): The wanted order (e.g. a component's labels).
    RETURNS (Dict[PairKey, numpy.ndarray]): The distributions in ``labels`` order.
    RAISES (ConfigError): A stored label with probability mass is unknown.
    """
    if list(stored_labels) == list(labels):
        return targets
    index = {label: i for i, label in enumerate(labels)}
    columns: List[Optional[int]] = [index.get(label) for label in stored_labels]
    aligned: Dict[PairKey, numpy.ndarray] = {}
    for key, probs in targets.items():
        row = numpy.zeros(len(labels), dtype="float32")
        for column, p in zip(columns, probs):
            if column is None:
                if p > 0:
                    missing = [s for s, c in zip(stored_labels, columns) if c is None]
                    raise ConfigError(
                        f"Soft targets use labels the classifier does not have: {missing}. "
                        "Label the pool with a teacher that has the student's labels."
                    )
                continue
            row[column] = p
        aligned[key] = row
    return aligned
