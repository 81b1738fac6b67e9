"""What a synthesis run writes besides its journal: ``synthetic.spacy``,
``synthetic.jsonl`` and the counts of ``report.json``
(:class:`~.report.SynthesisReport`)."""
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Optional, Sequence

from spacy.tokens import Doc

from ..data.readers.common import META_KEY
from ..data.readers.corpus import write_docs
from .collector import Collector
from .diversity import compare, doc_tokens
from .report import LabelCounts, SynthesisReport
from .validate import REASONS

OUTPUT_SPACY = "synthetic.spacy"
OUTPUT_JSONL = "synthetic.jsonl"
REPORT = "report.json"


def write_outputs(docs: Sequence[Doc], output_dir: Path, write_jsonl: Callable[[Iterable[Doc], Path], Any]) -> None:
    """Write synthetic.spacy and synthetic.jsonl.

    docs (Sequence[Doc]): The kept docs, in order.
    output_dir (Path): The output directory.
    write_jsonl (Callable): Writes docs as JSONL.
    """
    write_docs(docs, output_dir / OUTPUT_SPACY)
    write_jsonl(docs, output_dir / OUTPUT_JSONL)


def build_report(
    collector: Collector,
    gold_docs: Sequence[Doc],
    settings: Dict[str, Any],
    labels: Sequence[Optional[str]],
    n: int,
    max_attempts: int,
    wall_seconds: float,
    resumed: int,
) -> SynthesisReport:
    """collector (Collector): The finished run.
    gold_docs (Sequence[Doc]): The few-shot gold (for the diversity baseline).
    settings (Dict[str, Any]): The run's settings.
    labels (Sequence[Optional[str]]): The labels ([None] for unconditional).
    n (int): The target per label.
    max_attempts (int): The per-label attempt cap.
    wall_seconds (float): This invocation's wall time.
    resumed (int): Attempts replayed from an earlier run's journal.
    RETURNS (SynthesisReport): The report.
    """
    c = collector.counts
    candidates = c["candidates"]
    per_label: Dict[str, LabelCounts] = {}
    for label in labels:
        key = label or ""
        kept = collector.kept_by_label[key]
        per_label[label or "(unlabelled)"] = {
            "attempts": collector.attempts_by_label[key],
            "kept": kept,
            "reached_n": kept >= n,
            "hit_attempt_cap": kept < n and collector.attempts_by_label[key] >= max_attempts,
        }
    relation_labels: Counter = Counter()
    for doc in collector.docs:
        meta = doc.user_data.get(META_KEY, {})
        if "label" in meta:
            relation_labels[meta["label"]] += 1
    return {  # type: ignore[typeddict-item]  # the usage keys are spread in
        "settings": settings,
        "mode": collector.mode,
        "attempts": c["attempts"],
        "prompts": c["prompts"],
        "skipped_duplicate_prompts": c["skipped_prompts"],
        "resumed_attempts": resumed,
        **{k: round(v, 3) for k, v in collector.usage.items()},
        "wall_seconds": round(wall_seconds, 3),
        "candidates": candidates,
        "ignored_lines": c["ignored_lines"],
        "valid": c["valid"],
        "kept": len(collector.docs),
        "surplus": c["surplus"],
        "rejected": {reason: collector.rejected[reason] for reason in REASONS if collector.rejected[reason]},
        "kept_fraction": round(c["valid"] / candidates, 4) if candidates else None,
        "diversity": compare([doc_tokens(d) for d in collector.docs], [doc_tokens(d) for d in gold_docs], n=3),
        "labels": dict(sorted(relation_labels.items(), key=lambda kv: (-kv[1], kv[0]))),
        "per_label": per_label,
    }
