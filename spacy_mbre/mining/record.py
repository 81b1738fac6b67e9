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
from typing import Dict, Final, List, Optional, Sequence, TypedDict, Union

from spacy.tokens import Doc

from ..data.keys import MINING_KEY
from ..data.relations import PairKey
from ..llm.types import BINARY, MULTICLASS

# The stages, as keys of a pair record, and as the names the run's report
# and accounting use for them (the question kind for the LLM stages).
MC: Final = "mc"
BIN: Final = "bin"
CLF: Final = "clf"
CLASSIFIER = "classifier"
STAGE_NAMES: Dict[str, str] = {MC: MULTICLASS, BIN: BINARY, CLF: CLASSIFIER}
# The answers every reader of the record compares ``choice`` with: the binary
# stage's "yes"/"no" and the multi-class stage's "none" (no option fits).
YES = "yes"
NO = "no"
NONE = "none"


class McEntry(TypedDict):
    """One grouped multi-class answer of a pair (stage :data:`MC`).

    group (int): The group asked.
    answer (str): The raw answer.
    choice (Optional[str]): The chosen option or "none"; None if unparseable.
    probs (Optional[Dict[str, float]]): Option (and "none") → probability,
        renormalised over the question's options; None without probabilities.
    mass (Optional[float]): The options' share of the model's whole
        next-token distribution; None if unknown.
    proposed (List[str]): The options sent to verification.
    """

    group: int
    answer: str
    choice: Optional[str]
    probs: Optional[Dict[str, float]]
    mass: Optional[float]
    proposed: List[str]


class BinEntry(TypedDict):
    """One binary verification answer of a pair (stage :data:`BIN`).

    option (str): The option verified.
    answer (str): The raw answer.
    choice (Optional[str]): "yes" or "no"; None if unparseable.
    p_yes (Optional[float]): P("yes"), renormalised over yes/no; None without probabilities.
    mass (Optional[float]): As in :class:`McEntry`.
    """

    option: str
    answer: str
    choice: Optional[str]
    p_yes: Optional[float]
    mass: Optional[float]


class ClfEntry(TypedDict):
    """The classifier proposer's scores of a pair (stage :data:`CLF`).

    probs (Dict[str, float]): Option → the classifier's probability.
    none (float): Its probability of "no relation".
    proposed (List[str]): The options sent to verification.
    """

    probs: Dict[str, float]
    none: float
    proposed: List[str]


StageEntry = Union[McEntry, BinEntry, ClfEntry]


class _PairKeyField(TypedDict):
    pair: List[int]


class PairRecord(_PairKeyField, total=False):
    """One pair's stored stage answers (see the module docs); a stage's key
    is missing when the stage did not run on the pair.

    pair (List[int]): [h_start, h_end, t_start, t_end] (t = -1 in typing mode).
    mc (List[McEntry]): The grouped multi-class answers.
    bin (List[BinEntry]): The binary verification answers.
    clf (List[ClfEntry]): The classifier proposer's scores (one entry).
    """

    mc: List[McEntry]
    bin: List[BinEntry]
    clf: List[ClfEntry]


class MiningRecord(TypedDict):
    """``doc.user_data["mbre_mining"]``: the doc's pair records, in order."""

    pairs: List[PairRecord]


def pair_records(doc: Doc) -> Dict[PairKey, PairRecord]:
    """doc (Doc): The doc.
    RETURNS (Dict[PairKey, PairRecord]): The stored pair records by pair
        key (the dicts are the stored ones: mutating them writes through).
    """
    store = doc.user_data.setdefault(MINING_KEY, {"pairs": []})
    return {tuple(rec["pair"]): rec for rec in store["pairs"]}  # type: ignore[misc]


def pair_record(doc: Doc, key: Sequence[int]) -> PairRecord:
    """doc (Doc): The doc.
    key (Sequence[int]): The pair key.
    RETURNS (PairRecord): The pair's record, created if missing.
    """
    store = doc.user_data.setdefault(MINING_KEY, {"pairs": []})
    key_list = [int(x) for x in key]
    for rec in store["pairs"]:
        if list(rec["pair"]) == key_list:
            return rec
    rec: PairRecord = {"pair": key_list}
    store["pairs"].append(rec)
    return rec


def set_stage(doc: Doc, stage: str, entries: Dict[PairKey, List[StageEntry]]) -> None:
    """Replace one stage's answers for the given pairs.

    doc (Doc): The doc.
    stage (str): :data:`MC`, :data:`BIN` or :data:`CLF`.
    entries (Dict[PairKey, List[StageEntry]]): Answers per pair key.
    """
    for key, items in entries.items():
        pair_record(doc, key)[stage] = items  # type: ignore[literal-required]  # stage is one of MC, BIN, CLF


def clear(doc: Doc) -> None:
    """doc (Doc): Remove all stored mining answers from the doc."""
    doc.user_data.pop(MINING_KEY, None)
