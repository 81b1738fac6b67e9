"""The per-pair answers of the mining stages, stored on the Doc.

``doc.user_data["mbre_mining"]`` holds (all msgpack- and JSON-safe)::

    {"pairs": [
        {"pair": [h_start, h_end, t_start, t_end],      # t = -1 in typing mode
         "mc":  [{"group": 0, "answer": "B", "choice": "Cause-Effect(e2,e1)",
                  "probs": {"Cause-Effect(e1,e2)": 0.1, ..., "none": 0.05} or None,
                  "mass": 0.97 or None,
                  "proposed": ["Cause-Effect(e2,e1)"]}, ...],
         "bin": [{"option": "Cause-Effect(e2,e1)", "answer": "yes",
                  "choice": "yes", "p_yes": 0.93 or None, "mass": 0.98 or None}, ...],
         "clf": [{"probs": {"Cause-Effect(e2,e1)": 0.71, ...}, "none": 0.12,
                  "proposed": ["Cause-Effect(e2,e1)", ...]}]},   # classifier proposer
        ...]}

``probs``/``p_yes`` are renormalised over the question's options; ``mass`` is
the share of the model's whole next-token distribution that the options got
(None if the model does not report it). Their product is the option's raw
probability, the paper's confidence.

``clf`` is written by the trained-classifier proposer
(:mod:`spacy_mbre.mining.proposers.classifier`): the classifier's probability
of every option (``probs``) and of "no relation" (``none``), and the options
it sends to verification (``proposed``).

``choice`` is None when the answer was unparseable. A pair record without a
``"bin"`` key was not verified (the ``multiclass`` strategy); an empty list
means the binary stage ran and had nothing to verify. This is what lets the
two ``llm`` components and ``mbre_decider`` run as separate pipes.
"""
from typing import Any, Dict, List, Sequence

from spacy.tokens import Doc

from ..data.keys import MINING_KEY
from ..data.relations import PairKey
from ..llm.types import BINARY, MULTICLASS

# The stages, as keys of a pair record, and as the names the run's report
# and accounting use for them (the question kind for the LLM stages).
MC = "mc"
BIN = "bin"
CLF = "clf"
CLASSIFIER = "classifier"
STAGE_NAMES: Dict[str, str] = {MC: MULTICLASS, BIN: BINARY, CLF: CLASSIFIER}
# The answers every reader of the record compares ``choice`` with: the binary
# stage's "yes"/"no" and the multi-class stage's "none" (no option fits).
YES = "yes"
NO = "no"
NONE = "none"


def pair_records(doc: Doc) -> Dict[PairKey, Dict[str, Any]]:
    """doc (Doc): The doc.
    RETURNS (Dict[PairKey, Dict[str, Any]]): The stored pair records by pair
        key (the dicts are the stored ones: mutating them writes through).
    """
    store = doc.user_data.setdefault(MINING_KEY, {"pairs": []})
    return {tuple(rec["pair"]): rec for rec in store["pairs"]}  # type: ignore[misc]


def pair_record(doc: Doc, key: Sequence[int]) -> Dict[str, Any]:
    """doc (Doc): The doc.
    key (Sequence[int]): The pair key.
    RETURNS (Dict[str, Any]): The pair's record, created if missing.
    """
    store = doc.user_data.setdefault(MINING_KEY, {"pairs": []})
    key_list = [int(x) for x in key]
    for rec in store["pairs"]:
        if list(rec["pair"]) == key_list:
            return rec
    rec = {"pair": key_list}
    store["pairs"].append(rec)
    return rec


def set_stage(doc: Doc, stage: str, entries: Dict[PairKey, List[Dict[str, Any]]]) -> None:
    """Replace one stage's answers for the given pairs.

    doc (Doc): The doc.
    stage (str): :data:`MC`, :data:`BIN` or :data:`CLF`.
    entries (Dict[PairKey, List[Dict[str, Any]]]): Answers per pair key.
    """
    for key, items in entries.items():
        pair_record(doc, key)[stage] = items


def clear(doc: Doc) -> None:
    """doc (Doc): Remove all stored mining answers from the doc."""
    doc.user_data.pop(MINING_KEY, None)
