"""What of a mining run enters training: the *training view* of mined docs.

``mine`` writes every input doc to ``mined.spacy`` with all its candidate
pairs; a pair for which no label was kept there is *unknown*: the miner only
failed to find a relation, it does not know that there is none. Training on
``mined.spacy`` directly treats such pairs as "no relation", and with a
mining recall around 0.35 most relation-bearing pool sentences become
negatives. The training view (``train.spacy``, written by ``mine`` and by
:func:`write_training_view`) decides per pair:

* **labelled** (a label was kept): trained on its label. With several kept
  labels, ``several="top"`` keeps the most confident one (a softmax
  classifier gets one target), ``"all"`` keeps them all (shared target mass),
  ``"drop"`` leaves the pair out.
* **confident negative**: no label kept, and the evidence says "none":
  with the classifier proposer, the classifier's most probable option is "no
  relation" and no verification said yes; with only the grouped questions,
  every group answered "none"; with the binary strategy, every option was
  answered "no". ``negatives="keep"`` trains it as "no relation", ``"drop"``
  leaves it out.
* **unknown** (everything else): ``unknown="drop"`` leaves it out of the
  loss (the default), ``"negative"`` trains it as "no relation" (what
  training on ``mined.spacy`` does).

``max_per_label`` caps the labelled pairs per label, the most confident
first, so a few frequent labels do not flood training (M-BRe's long-tail
limit); capped pairs are left out. Each doc's ``mbre_weight`` becomes the
mean confidence (score) of its kept labels (``weight="confidence"``; docs
with only negatives: 1.0), so uncertain labels count less in the loss. Docs
with no pair left are not written.
"""
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from spacy.tokens import Doc

from ..data.readers.common import WEIGHT_KEY
from ..data.relations import Pair, PairKey, Relation, get_pairs, get_relations, pair_key, set_pairs, set_relations
from ..data.schema import Schema
from ..errors import ConfigError
from ..mining.record import BIN, CLF, MC, pair_records

LABELLED = "labelled"
NEGATIVE = "negative"
UNKNOWN = "unknown"
TRAIN_VIEW = "train.spacy"


@dataclass(frozen=True)
class SamplePolicy:
    """How mined pairs enter training (see the module docs).

    unknown (str): "drop" or "negative".
    negatives (str): "keep" or "drop".
    several (str): "top", "all" or "drop".
    max_per_label (Optional[int]): Labelled pairs per label; None = no cap.
    weight (str): "confidence" or "none".
    """

    unknown: str = "drop"
    negatives: str = "keep"
    several: str = "top"
    max_per_label: Optional[int] = None
    weight: str = "confidence"

    def __post_init__(self) -> None:
        for name, allowed in (("unknown", ("drop", "negative")), ("negatives", ("keep", "drop")),
                              ("several", ("top", "all", "drop")), ("weight", ("confidence", "none"))):
            if getattr(self, name) not in allowed:
                raise ConfigError(f"{name} must be one of {allowed}, got {getattr(self, name)!r}.")
        if self.max_per_label is not None and self.max_per_label < 1:
            raise ConfigError(f"max_per_label must be >= 1 (or None), got {self.max_per_label}.")

    def to_dict(self) -> Dict[str, Any]:
        """RETURNS (Dict[str, Any]): The policy."""
        return asdict(self)


def asked_key(rel: Relation, schema: Schema) -> PairKey:
    """rel (Relation): A mined relation.
    schema (Schema): The schema.
    RETURNS (PairKey): The key of the pair as the miner asked it (text order
        for direction-expanding schemas such as SemEval)."""
    head, tail = rel.head, rel.tail
    if schema.expand_directions and tail is not None and tail.start < head.start:
        head, tail = tail, head
    return pair_key(head, tail)


def is_confident_negative(record: Dict[str, Any]) -> bool:
    """record (Dict[str, Any]): A pair's stored stage answers (no label kept).
    RETURNS (bool): Whether the stages' evidence says "no relation" (see the
        module docs)."""
    verified = record.get(BIN)
    if any(entry.get("choice") == "yes" for entry in verified or []):
        return False
    clf = (record.get(CLF) or [None])[0]
    if clf is not None:
        probs = clf.get("probs")
        return probs is not None and clf.get("none") is not None and clf["none"] >= max(probs.values(), default=0.0)
    if MC in record:
        return not any(entry.get("proposed") for entry in record[MC])
    return verified is not None and len(verified) > 0


def _score(rel: Relation) -> float:
    return 1.0 if rel.score is None else float(rel.score)


def select_samples(docs: Sequence[Doc], schema: Schema, policy: SamplePolicy) -> Tuple[List[Doc], Dict[str, int]]:
    """Turn mined docs into training docs (changed in place).

    docs (Sequence[Doc]): Docs as ``mine`` writes them (mined relations,
        candidate pairs, the stage answers in ``user_data``).
    schema (Schema): The mining schema.
    policy (SamplePolicy): The policy.
    RETURNS (Tuple[List[Doc], Dict[str, int]]): The docs that keep at least one
        pair, and counts: "docs", "labelled", "negative", "unknown" (pairs
        left out), "several" (pairs with several kept labels), "capped".
    """
    counts: Counter = Counter()
    kept_rels: List[Dict[PairKey, List[Relation]]] = []
    for doc in docs:
        by_pair: Dict[PairKey, List[Relation]] = {}
        for rel in get_relations(doc, source="mined"):
            by_pair.setdefault(asked_key(rel, schema), []).append(rel)
        for key, rels in list(by_pair.items()):
            if len(rels) > 1:
                counts["several"] += 1
                if policy.several == "top":
                    by_pair[key] = [max(rels, key=_score)]
                elif policy.several == "drop":
                    del by_pair[key]
        kept_rels.append(by_pair)
    if policy.max_per_label is not None:
        ranked = sorted(((i, key, rel) for i, by_pair in enumerate(kept_rels) for key, rels in by_pair.items()
                         for rel in rels), key=lambda item: (-_score(item[2]), item[0], item[1]))
        per_label: Counter = Counter()
        for i, key, rel in ranked:
            per_label[rel.label] += 1
            if per_label[rel.label] > policy.max_per_label:
                kept_rels[i][key] = [r for r in kept_rels[i][key] if r is not rel]
                counts["capped"] += 1
        for by_pair in kept_rels:
            for key in [k for k, rels in by_pair.items() if not rels]:
                del by_pair[key]
    out: List[Doc] = []
    for doc, by_pair in zip(docs, kept_rels):
        records = pair_records(doc)
        pairs: List[Pair] = []
        for pair in get_pairs(doc):
            if pair.key in by_pair:
                status = LABELLED
            elif any(asked_key(r, schema) == pair.key for r in get_relations(doc, source="mined")):
                status = UNKNOWN  # its labels were dropped (several / cap)
            elif is_confident_negative(records.get(pair.key, {})):
                status = NEGATIVE if policy.negatives == "keep" else UNKNOWN
            else:
                status = NEGATIVE if policy.unknown == "negative" else UNKNOWN
            counts[status] += 1
            if status != UNKNOWN:
                pairs.append(pair)
        if not pairs:
            continue
        relations = [rel for rels in by_pair.values() for rel in rels]
        set_relations(doc, relations)
        set_pairs(doc, pairs)
        scores = [_score(rel) for rel in relations]
        if policy.weight == "confidence" and scores:
            doc.user_data[WEIGHT_KEY] = float(doc.user_data.get(WEIGHT_KEY, 1.0)) * sum(scores) / len(scores)
        out.append(doc)
    counts["docs"] = len(out)
    return out, {k: int(counts.get(k, 0)) for k in ("docs", LABELLED, NEGATIVE, UNKNOWN, "several", "capped")}


def write_training_view(output_dir: Path, schema: Schema, policy: SamplePolicy) -> Dict[str, int]:
    """Read ``output_dir/mined.spacy``, select the training samples and write
    ``output_dir/train.spacy``; the counts and the policy go into
    ``output_dir/report.json`` under ``"train_view"``.

    output_dir (Path): A ``mine`` output directory.
    schema (Schema): The mining schema.
    policy (SamplePolicy): The policy.
    RETURNS (Dict[str, int]): The counts of :func:`select_samples`.
    """
    import spacy
    import srsly

    from ..data.readers.corpus import read_docs, write_docs

    docs = list(read_docs(output_dir / "mined.spacy", spacy.blank("en")))
    selected, counts = select_samples(docs, schema, policy)
    write_docs(selected, output_dir / TRAIN_VIEW)
    report_path = output_dir / "report.json"
    if report_path.exists():
        report = srsly.read_json(report_path)
        report["train_view"] = {"policy": policy.to_dict(), **counts}
        srsly.write_json(report_path, report)
    return counts
