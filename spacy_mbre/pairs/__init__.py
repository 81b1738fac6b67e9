"""Candidate pair generation: which (head, tail) pairs get classified or mined."""
from .candidates import PairCounts, candidate_pairs, pair_allowed, schema_pair_settings, store_candidate_pairs
from .generate import PairSettings, generate_pairs

__all__ = [
    "PairCounts",
    "PairSettings",
    "candidate_pairs",
    "generate_pairs",
    "pair_allowed",
    "schema_pair_settings",
    "store_candidate_pairs",
]
