"""**Windowing.** Inputs longer than the encoder's limit are cut to a window of
whole spaCy tokens around the pair: the region from the first to the last
marked token is kept whole, then context is added one token at a time,
alternating left and right, while it fits. A window never cuts through an
entity. A pair whose region alone does not fit is not encoded (the
featurizer returns ``None`` and counts it in ``n_unfit``); the component
predicts nothing for it and leaves it out of the loss."""

from typing import List, Optional, Tuple


def choose_window(words: List[List[int]], lo: int, hi: int, n_markers: int, budget: int) -> Optional[Tuple[int, int]]:
    """Choose the spaCy tokens of an input (see the module docs).

    words (List[List[int]]): The subword ids of each spaCy token.
    lo (int): First token that must be kept.
    hi (int): End (exclusive) of the tokens that must be kept.
    n_markers (int): Marker tokens inserted into the kept text.
    budget (int): Subword tokens available for text and markers.
    RETURNS (Optional[Tuple[int, int]]): The (start, end) token range, or
        None if tokens lo to hi and the markers alone exceed the budget.
    """
    cost = n_markers + sum(len(words[i]) for i in range(lo, hi))
    if cost > budget:
        return None
    total = n_markers + sum(len(w) for w in words)
    if total <= budget:
        return 0, len(words)
    left, right = lo, hi
    grown = True
    while grown:
        grown = False
        if left > 0 and cost + len(words[left - 1]) <= budget:
            left -= 1
            cost += len(words[left])
            grown = True
        if right < len(words) and cost + len(words[right]) <= budget:
            cost += len(words[right])
            right += 1
            grown = True
    return left, right
