"""Replaying a synthesis run's journal entries, in attempt order, into the
kept docs and the counts of the report: every answer is split into
candidates (:mod:`.parse`), validated and deduped (:mod:`.validate`); valid
samples beyond ``n`` for their label are counted as ``surplus`` and not kept.
"""
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from spacy.tokens import Doc

from ..data.readers.common import ID_KEY, META_KEY
from ..llm.gateway import USAGE_KEYS
from .parse import split_records, split_sentences
from .settings import UNCONDITIONAL
from .validate import Rejected, SampleValidator

COUNT_KEYS = ("llm_calls", "cache_hits", *USAGE_KEYS, "seconds")


@dataclass
class Collector:
    """Turns journal entries, in attempt order, into kept docs and counts.

    mode (str): The run's mode.
    validator (SampleValidator): Validation, dedupe and doc building.
    n (int): Samples kept per label.
    types (Dict[str, set]): Allowed type pairs by label (schema mode).
    """

    mode: str
    validator: SampleValidator
    n: int
    types: Dict[str, Any] = field(default_factory=dict)
    docs: List[Doc] = field(default_factory=list)
    kept_by_label: Counter = field(default_factory=Counter)
    attempts_by_label: Counter = field(default_factory=Counter)
    rejected: Counter = field(default_factory=Counter)
    counts: Counter = field(default_factory=Counter)
    usage: Dict[str, float] = field(default_factory=lambda: {k: 0.0 for k in COUNT_KEYS})

    def kept(self, label: Optional[str]) -> int:
        """label (Optional[str]): A label (None: unconditional).
        RETURNS (int): Samples kept for it so far.
        """
        return self.kept_by_label[label or ""]

    def add(self, entry: Dict[str, Any]) -> None:
        """entry (Dict[str, Any]): One journal entry (see Synthesizer.entry)."""
        label = entry["label"]
        key = label or ""
        self.attempts_by_label[key] += 1
        self.counts["attempts"] += 1
        if entry["skipped"]:
            self.counts["skipped_prompts"] += 1
            return
        self.counts["prompts"] += 1
        self.usage["llm_calls"] += 1 if entry["fresh"] else 0
        self.usage["cache_hits"] += 0 if entry["fresh"] else 1
        for name in (*USAGE_KEYS, "seconds"):
            self.usage[name] += float(entry["usage"].get(name, 0.0))
        candidates, ignored = self._split(entry["answer"] or "")
        self.counts["ignored_lines"] += ignored
        for candidate in candidates:
            self.counts["candidates"] += 1
            try:
                doc = self._validate(candidate, label)
            except Rejected as err:
                self.rejected[err.reason] += 1
                continue
            self.counts["valid"] += 1
            if self.kept_by_label[key] >= self.n:
                self.counts["surplus"] += 1
                continue
            self.kept_by_label[key] += 1
            meta: Dict[str, Any] = {
                "synthetic": self.mode,
                "attempt": entry["attempt"],
                "prompt_sha256": entry["prompt"][:16],
            }
            if label is not None:
                meta["label"] = label
            doc.user_data[ID_KEY] = f"synthetic-{self.mode}-{len(self.docs):05d}"
            doc.user_data[META_KEY] = meta
            self.docs.append(doc)

    def _split(self, answer: str) -> Tuple[List[Any], int]:
        if self.mode == UNCONDITIONAL:
            return split_sentences(answer)
        return split_records(answer)

    def _validate(self, candidate: Any, label: Optional[str]) -> Doc:
        if self.mode == UNCONDITIONAL:
            return self.validator.unconditional(candidate)
        assert label is not None, "schema samples have a label"
        return self.validator.schema_sample(candidate, label, self.types[label])
