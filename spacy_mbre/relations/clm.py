"""Candidate label markers (CLMs), after SURE.

Training with CLMs runs two stages per update step once the warm-up is over:

* **Stage 1** scores every pair of the batch without gradients (the model in
  evaluation mode, no dropout, no CLMs), sorts each pair's label distribution
  and takes the top-n and the bottom-m labels, both kept in descending score
  order.
* **Stage 2** appends their markers to the input, tagged positive (top-n,
  after ``[CLM+]``) and negative (bottom-m, after ``[CLM-]``), and computes
  the loss on that extended input.

Inference never uses CLMs. Choices made where the paper leaves room:

* The "no relation" label is a label like any other: it can be a candidate.
* The gold label is not forced into the candidates: Stage 1 uses the model's
  own ranking, as in the paper, so the model learns that the candidates can
  be wrong.
* If n + m exceeds the number of labels, the two lists are shortened so
  that they do not overlap (top-n first, then the rest of the bottom).
* Warm-up: the first ``warmup`` update steps train without CLMs. Given as a
  fraction (< 1) it is a fraction of ``total_steps`` (set it to the
  training's ``max_steps``); given as a number >= 1 it is a step count.
* Each label marker's embedding starts as the mean of the word-piece
  embeddings of the label's name, so that it is not a random vector.
"""
from typing import List, Optional, Tuple

import numpy

from ..errors import ConfigError


def select_candidates(scores: numpy.ndarray, top_n: int, bottom_m: int) -> List[Tuple[List[int], List[int]]]:
    """Pick the candidate labels of each row.

    scores (numpy.ndarray): (n_pairs, n_labels) scores or probabilities.
    top_n (int): Number of highest-scoring labels (positive candidates).
    bottom_m (int): Number of lowest-scoring labels (negative candidates).
    RETURNS (List[Tuple[List[int], List[int]]]): Per row, (top-n label indices
        in descending score order, bottom-m label indices in descending score
        order). Ties are broken by label index (stable sort).
    """
    scores = numpy.asarray(scores)
    n_labels = scores.shape[1]
    top_n = min(top_n, n_labels)
    bottom_m = min(bottom_m, n_labels - top_n)
    out: List[Tuple[List[int], List[int]]] = []
    for row in scores:
        order = numpy.argsort(-row, kind="stable")
        positive = [int(i) for i in order[:top_n]]
        negative = [int(i) for i in order[n_labels - bottom_m :]] if bottom_m else []
        out.append((positive, negative))
    return out


def warmup_steps(warmup: float, total_steps: Optional[int]) -> int:
    """warmup (float): A fraction (< 1) of total_steps, or a step count (>= 1).
    total_steps (Optional[int]): The training's number of update steps.
    RETURNS (int): The number of update steps trained without CLMs.
    """
    if warmup < 0:
        raise ConfigError(f"clm_warmup must be >= 0, got {warmup}.")
    if warmup >= 1:
        return int(warmup)
    if warmup == 0:
        return 0
    if not total_steps:
        raise ConfigError(
            "clm_warmup is a fraction, so clm_total_steps must be set to the number of "
            "training steps (e.g. clm_total_steps = ${training.max_steps}); or give clm_warmup "
            "as a step count >= 1."
        )
    return int(round(warmup * total_steps))
