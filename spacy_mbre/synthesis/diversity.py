"""Lexical diversity of a synthetic pool: the n-gram type-token ratio.

S2ynRE measures the diversity of generated text by the type-token ratio of
its 3-grams: distinct 3-grams divided by all 3-grams, over the whole corpus
(higher = more varied; a pool of near-copies scores low). Tokens are the
spaCy tokens of each doc, lower-cased, whitespace tokens dropped; n-grams do
not cross doc boundaries.

S2ynRE's ratio does not see a sample that copies a gold sentence with one
word changed (small models under greedy decoding do this a lot), so
:class:`GoldOverlap` measures, per sample, the largest share of its 3-grams
found in any single gold sentence (1.0 = a copy); the report gives the mean
over the pool, and ``synthesize --max-gold-overlap`` can reject near copies.

The ratio falls as a corpus grows, so a pool and a gold set of different
sizes are not directly comparable. :func:`compare` therefore also reports the
ratio over the first ``m`` 3-grams of each (``m`` = the smaller total, docs in
their stored order) and the share of the pool's 3-gram types never seen in
the gold (how much is new rather than copied from the in-context examples).
"""
from collections import Counter
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set, Tuple

from spacy.tokens import Doc

NGram = Tuple[str, ...]


def doc_tokens(doc: Doc) -> List[str]:
    """doc (Doc): A doc.
    RETURNS (List[str]): Its lower-cased tokens, whitespace tokens dropped.
    """
    return [t.lower_ for t in doc if not t.is_space]


def ngrams(token_lists: Iterable[Sequence[str]], n: int = 3) -> List[NGram]:
    """token_lists (Iterable[Sequence[str]]): Tokens per doc.
    n (int): The n-gram length.
    RETURNS (List[NGram]): All n-grams, doc by doc, in order.
    """
    out: List[NGram] = []
    for tokens in token_lists:
        out.extend(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return out


def type_token_ratio(grams: Sequence[NGram]) -> float:
    """grams (Sequence[NGram]): n-gram tokens.
    RETURNS (float): Distinct n-grams / n-grams; 0.0 for none.
    """
    return len(set(grams)) / len(grams) if grams else 0.0


def ttr(token_lists: Iterable[Sequence[str]], n: int = 3) -> float:
    """token_lists (Iterable[Sequence[str]]): Tokens per doc.
    n (int): The n-gram length.
    RETURNS (float): The corpus' n-gram type-token ratio.
    """
    return type_token_ratio(ngrams(token_lists, n))


def _summary(grams: Sequence[NGram]) -> Dict[str, Any]:
    return {"ngrams": len(grams), "types": len(set(grams)), "ttr": round(type_token_ratio(grams), 4)}


class GoldOverlap:
    """How much of a sample's text comes from one gold sentence.

    gold (Iterable[Sequence[str]]): Tokens per gold text.
    n (int): The n-gram length.
    """

    def __init__(self, gold: Iterable[Sequence[str]], n: int = 3) -> None:
        self.n = n
        self._index: Dict[NGram, Set[int]] = {}
        for i, tokens in enumerate(gold):
            for gram in set(ngrams([tokens], n)):
                self._index.setdefault(gram, set()).add(i)

    def __call__(self, tokens: Sequence[str]) -> float:
        """tokens (Sequence[str]): A sample's tokens.
        RETURNS (float): The largest share of its distinct n-grams that one
            gold text contains; 0.0 for a sample without n-grams.
        """
        grams = set(ngrams([tokens], self.n))
        if not grams:
            return 0.0
        hits: Counter = Counter()
        for gram in grams:
            hits.update(self._index.get(gram, ()))
        return max(hits.values(), default=0) / len(grams)


def compare(
    pool: Iterable[Sequence[str]], gold: Iterable[Sequence[str]], n: int = 3, overlap: Optional[GoldOverlap] = None
) -> Dict[str, Any]:
    """pool (Iterable[Sequence[str]]): Tokens per synthetic doc.
    gold (Iterable[Sequence[str]]): Tokens per gold doc.
    n (int): The n-gram length.
    overlap (Optional[GoldOverlap]): Gold index for the near-copy measure;
        built from ``gold`` if None.
    RETURNS (Dict[str, Any]): ``pool`` and ``gold`` (n-grams, types, ttr),
        ``size_matched`` (both ratios over the first m n-grams, and m),
        ``ttr_ratio`` (pool ttr / gold ttr over m n-grams),
        ``novel_type_fraction`` (pool types absent from the gold) and
        ``mean_max_gold_overlap`` (see GoldOverlap; None for an empty pool).
    """
    pool_tokens = [list(tokens) for tokens in pool]
    gold_tokens = [list(tokens) for tokens in gold]
    overlap = overlap if overlap is not None else GoldOverlap(gold_tokens, n)
    shares = [overlap(tokens) for tokens in pool_tokens]
    pool_grams = ngrams(pool_tokens, n)
    gold_grams = ngrams(gold_tokens, n)
    m = min(len(pool_grams), len(gold_grams))
    pool_m, gold_m = type_token_ratio(pool_grams[:m]), type_token_ratio(gold_grams[:m])
    pool_types = set(pool_grams)
    novel = len(pool_types - set(gold_grams)) / len(pool_types) if pool_types else 0.0
    return {
        "n": n,
        "pool": _summary(pool_grams),
        "gold": _summary(gold_grams),
        "size_matched": {"ngrams": m, "pool_ttr": round(pool_m, 4), "gold_ttr": round(gold_m, 4)},
        "ttr_ratio": round(pool_m / gold_m, 4) if gold_m else None,
        "novel_type_fraction": round(novel, 4),
        "mean_max_gold_overlap": round(sum(shares) / len(shares), 4) if shares else None,
    }
