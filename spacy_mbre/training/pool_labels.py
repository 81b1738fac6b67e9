"""Labelling a pool with trained teachers: their averaged probabilities as
soft targets (two-stage) or hard pseudo-labels (mixed)."""

from dataclasses import replace
from pathlib import Path
from typing import Any, Dict, List, Sequence

import numpy
from spacy.tokens import Doc

from ..data.relations import get_relations, set_relations
from ..data.soft_labels import remove_soft_targets, set_soft_targets
from ..errors import ConfigError
from .self_train_settings import MIXED, PSEUDO, TWO_STAGE


def average_scores(pipes: Sequence[Any], docs: List[Doc]) -> Any:
    """Score docs with several trained classifiers and average their
    probabilities.

    pipes (Sequence[RelationClassifier]): Teachers with the same labels.
    docs (List[Doc]): The docs.
    RETURNS (PairScores): The first teacher's pairs and fits, the mean
        probabilities over teachers.
    """
    first = pipes[0].predict(docs)
    if len(pipes) == 1:
        return first
    total = [p.astype("float64") for p in first.probs]
    for pipe in pipes[1:]:
        scores = pipe.predict(docs)
        for i, probs in enumerate(scores.probs):
            total[i] += probs
    first.probs = [(t / len(pipes)).astype("float32") for t in total]
    return first


def label_pool(
    teachers: Sequence[Path],
    docs: List[Doc],
    mode: str,
    *,
    component: str = "mbre_relations",
    batch_size: int = 64,
    progress: bool = False,
) -> Dict[str, Any]:
    """Replace the labels of pool docs with the teachers' labels, in place:
    soft distributions (two-stage) or hard pseudo-labels (mixed).

    teachers (Sequence[Path]): Trained pipelines holding ``component``.
    docs (List[Doc]): The pool docs (their relation records and soft
        targets are replaced; candidate pairs and entities are kept).
    mode (str): "two-stage" (soft) or "mixed" (hard).
    component (str): The classifier's name.
    batch_size (int): Docs per prediction call.
    progress (bool): Show a progress bar over the docs (tqdm, on stderr).
    RETURNS (Dict[str, Any]): Statistics: pairs, pairs whose argmax is a
        relation, mean entropy (nats), mean max probability, and docs with
        entities but no candidate pair (under a typed schema).
    """
    import spacy
    from tqdm import tqdm

    pipes = [spacy.load(path).get_pipe(component) for path in teachers]
    labels = list(pipes[0].labels)
    for path, pipe in zip(teachers, pipes):
        if list(pipe.labels) != labels:
            raise ConfigError(f"Teacher {path} has other labels than {teachers[0]}: the teachers must share labels.")
    n_pairs = n_positive = n_without_pairs = 0
    entropy = top = 0.0
    bar = tqdm(total=len(docs), unit="doc", desc="labelling pool", disable=not progress)
    for start in range(0, len(docs), batch_size):
        batch = docs[start : start + batch_size]
        for doc in batch:
            set_relations(doc, [])
            remove_soft_targets(doc)
        scores = average_scores(pipes, batch)
        for doc, pairs, probs, fits in zip(batch, scores.pairs, scores.probs, scores.fits):
            n_without_pairs += int(not pairs and len(doc.ents) > 0)
            rows = {pair.key: row for pair, row, fit in zip(pairs, probs, fits) if fit}
            for row in rows.values():
                n_pairs += 1
                n_positive += int(row.argmax() != 0)
                entropy += float(-(row * numpy.log(row + 1e-12)).sum())
                top += float(row.max())
            if mode == TWO_STAGE:
                set_soft_targets(doc, labels, rows)
        if mode == MIXED:
            pipes[0].set_annotations(batch, scores)
            for doc in batch:  # the teacher's predictions are the only records left
                set_relations(doc, [replace(r, source=PSEUDO) for r in get_relations(doc)])
        bar.update(len(batch))
    bar.close()
    return {
        "docs": len(docs),
        "pairs": n_pairs,
        "positive_pairs": n_positive,
        "mean_entropy": entropy / n_pairs if n_pairs else None,
        "mean_max_prob": top / n_pairs if n_pairs else None,
        "docs_without_pairs": n_without_pairs,
    }
