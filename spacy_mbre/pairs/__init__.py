"""Candidate pair generation: which (head, tail) pairs get classified or mined."""
from .generate import PairSettings, generate_pairs

__all__ = ["PairSettings", "generate_pairs"]
