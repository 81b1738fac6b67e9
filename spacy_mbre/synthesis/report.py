"""``report.json`` of a synthesis run, typed: a ``TypedDict``, so the report
stays the plain JSON object it always was (``json.loads`` of the file *is* a
:class:`SynthesisReport`); the types only name its keys."""
from typing import Any, Dict, List, Optional, TypedDict


class LabelCounts(TypedDict):
    """One relation's (or, unconditional, the run's) attempts and kept samples."""

    attempts: int
    kept: int
    reached_n: bool
    hit_attempt_cap: bool


class _SynthesisReportFields(TypedDict):
    settings: Dict[str, Any]
    mode: str
    attempts: int
    prompts: int
    skipped_duplicate_prompts: int
    resumed_attempts: int
    llm_calls: float
    cache_hits: float
    prompt_tokens: float
    evaluated_tokens: float
    reused_tokens: float
    generated_tokens: float
    seconds: float
    wall_seconds: float
    candidates: int
    ignored_lines: int
    valid: int
    kept: int
    surplus: int
    rejected: Dict[str, int]
    kept_fraction: Optional[float]
    diversity: Dict[str, Any]
    labels: Dict[str, int]
    per_label: Dict[str, LabelCounts]


class SynthesisReport(_SynthesisReportFields, total=False):
    """``report.json`` of ``synthesize`` (see :func:`~spacy_mbre.synthesis.synthesizer.build_report`).

    settings (Dict[str, Any]): Everything that determines the outputs (the journal header).
    mode (str): "unconditional" or "schema".
    attempts, prompts, skipped_duplicate_prompts, resumed_attempts (int): The attempts made,
        the prompts sent, identical prompts skipped, attempts replayed from the journal.
    llm_calls, cache_hits, prompt_tokens, evaluated_tokens, reused_tokens, generated_tokens,
        seconds (float): The model accounting.
    wall_seconds (float): This invocation's wall time.
    candidates, ignored_lines, valid, kept, surplus (int): What the answers held and what was kept.
    rejected (Dict[str, int]): Rejected candidates by reason.
    kept_fraction (Optional[float]): valid / candidates; None without candidates.
    diversity (Dict[str, Any]): See :func:`spacy_mbre.synthesis.diversity.compare`.
    labels (Dict[str, int]): Kept samples per relation, most frequent first.
    per_label (Dict[str, LabelCounts]): Attempts and kept samples per relation.
    zero_shot_labels (List[str]): Relations without a few-shot gold example.
    """

    zero_shot_labels: List[str]
