"""Candidate pairs and what they mean: which (head, tail) pairs get classified
or mined (:mod:`.candidates`, :mod:`.generate`), and the one mapping between
pairs, a schema's options and relation directions (:mod:`.options`)."""
from .candidates import PairCounts, candidate_pairs, pair_allowed, schema_pair_settings, store_candidate_pairs
from .generate import PairSettings, generate_pairs
from .options import (
    gold_options,
    mining_pairs,
    option_mask,
    option_relation,
    pair_from_key,
    pair_options,
    relation_option,
)

__all__ = [
    "PairCounts",
    "PairSettings",
    "candidate_pairs",
    "generate_pairs",
    "gold_options",
    "mining_pairs",
    "option_mask",
    "option_relation",
    "pair_allowed",
    "pair_from_key",
    "pair_options",
    "relation_option",
    "schema_pair_settings",
    "store_candidate_pairs",
]
