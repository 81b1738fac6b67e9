"""Proposers: what sends options to the binary verification stage.

* the grouped multi-class LLM questions (M-BRe's own proposer), a mining
  task in :mod:`spacy_mbre.mining.tasks.multiclass`;
* a trained classifier (:class:`ClassifierProposer`), no LLM call.

A proposer that is not an LLM task implements :class:`LocalProposer`.
"""
from typing import Dict, List, Protocol, Sequence, runtime_checkable

from spacy.tokens import Doc

from .classifier import ClassifierProposer, find_classifier


@runtime_checkable
class LocalProposer(Protocol):
    """A mining stage that runs without the LLM (the miner calls ``propose``
    on a batch of prepared docs instead of asking questions)."""

    stage: str

    def propose(self, docs: Sequence[Doc]) -> List[Dict[str, float]]:
        """docs (Sequence[Doc]): Prepared docs.
        RETURNS (List[Dict[str, float]]): Per doc, its accounting."""
        ...


__all__ = ["ClassifierProposer", "LocalProposer", "find_classifier"]
