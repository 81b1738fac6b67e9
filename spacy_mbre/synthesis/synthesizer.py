"""The synthesis run behind ``python -m spacy_mbre synthesize``.

A run makes **attempts**: one prompt each (see :mod:`.prompts`), answered by
the model through the :class:`~spacy_mbre.llm.gateway.LLMGateway` (answer
cache first; plain string prompts, so ``spacy-mbre.LlamaCpp.v1`` generates
greedy text). It proceeds in rounds; each round gives one attempt to every
*active* label — in schema mode the schema's relations in order (TKRE's
per-relation loop, cycled), in unconditional mode the single unlabelled
stream — and sends the round's prompts in one gateway call. A label is active
while it has fewer than ``n`` kept samples and fewer than
``max_attempts_per_label`` attempts (the hard cap TKRE's reference code
lacks); ``limit`` caps the attempts of the whole run. An attempt whose prompt
equals an earlier one of the same label (few gold examples give few distinct
draws) is not sent: it is recorded as skipped and still counts as an attempt,
so a run always ends.

Every answer is split into candidates (:mod:`.parse`), validated and deduped
in attempt order (:mod:`.validate`); valid samples beyond ``n`` for their
label are counted as ``surplus`` and not written.

**Crash safety.** Each finished attempt (label, attempt number, prompt
sha256, the raw answer, usage) is appended to ``journal.jsonl`` (the mining
journal: fsynced lines, torn last line dropped, settings header checked). A
rerun replays the journal through the same validation and continues with the
attempts it does not hold; the answers of a round killed half-way come back
from the cache. Since the outputs are rebuilt from the replayed answers in
attempt order, an interrupted and resumed run writes the same files as an
uninterrupted one.
"""
import hashlib
import json
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Set, Tuple, Union

import srsly
from spacy.language import Language
from spacy.tokens import Doc

from ..data.readers.common import ID_KEY, META_KEY
from ..data.readers.corpus import write_docs
from ..data.schema import RELATION, Schema
from ..errors import ConfigError
from ..llm.gateway import USAGE_KEYS, LLMGateway
from ..llm.journal import Journal
from .diversity import compare, doc_tokens
from .parse import split_records, split_sentences
from .prompts import (
    SchemaPrompter,
    TypePair,
    UnconditionalPrompter,
    allowed_types,
    collect_samples,
    collect_sentences,
    prompt_hash,
)
from .report import LabelCounts, SynthesisReport
from .validate import REASONS, Rejected, SampleValidator, gold_texts

UNCONDITIONAL = "unconditional"
SCHEMA = "schema"
MODES = (UNCONDITIONAL, SCHEMA)
SKIPPED_DUPLICATE_PROMPT = "duplicate_prompt"
OUTPUT_SPACY = "synthetic.spacy"
OUTPUT_JSONL = "synthetic.jsonl"
REPORT = "report.json"
JOURNAL = "journal.jsonl"
DEFAULT_ENTITY_LABEL = "ENTITY"
COUNT_KEYS = ("llm_calls", "cache_hits", *USAGE_KEYS, "seconds")

Prompter = Union[UnconditionalPrompter, SchemaPrompter]


@dataclass
class SynthesisSettings:
    """What a run does (all of it goes into the journal header).

    mode (str): "unconditional" (S2ynRE) or "schema" (TKRE).
    n (int): Samples to keep: in total (unconditional) or per relation (schema).
    max_attempts_per_label (int): Hard cap of attempts per relation (schema)
        or of the unlabelled stream (unconditional).
    per_prompt (int): Samples asked for per prompt.
    n_examples (int): In-context gold examples per prompt.
    seed (int): Seed of the example draws.
    limit (Optional[int]): Cap of attempts in the whole run; None = no cap.
    labels (Optional[List[str]]): Relations to synthesise (schema mode);
        None = all of the schema's.
    max_gold_overlap (Optional[float]): Reject samples with a larger share of
        3-grams from one gold text (near copies); None = exact copies only.
    """

    mode: str = UNCONDITIONAL
    n: int = 20
    max_attempts_per_label: int = 10
    per_prompt: int = 5
    n_examples: int = 4
    seed: int = 0
    limit: Optional[int] = None
    labels: Optional[List[str]] = None
    max_gold_overlap: Optional[float] = None

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ConfigError(f"--mode must be one of {', '.join(MODES)}, got {self.mode!r}.")
        for name in ("n", "max_attempts_per_label", "per_prompt", "n_examples"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1, got {getattr(self, name)}.")
        if self.limit is not None and self.limit < 0:
            raise ConfigError(f"limit must be >= 0, got {self.limit}.")
        if self.max_gold_overlap is not None and not 0.0 <= self.max_gold_overlap <= 1.0:
            raise ConfigError(f"max_gold_overlap must be between 0 and 1, got {self.max_gold_overlap}.")
        if self.mode == UNCONDITIONAL and self.labels:
            raise ConfigError("--labels only applies to --mode schema.")

    def to_dict(self) -> Dict[str, Any]:
        """RETURNS (Dict[str, Any]): The settings, JSON-serialisable."""
        return asdict(self)


@dataclass
class Attempt:
    """One planned prompt.

    seq (int): Its position in the run (the journal key).
    label (Optional[str]): The relation (None in unconditional mode).
    attempt (int): Its number within the label.
    prompt (str): The prompt text.
    sha (str): The prompt's sha256.
    duplicate (bool): The label sent this exact prompt before.
    """

    seq: int
    label: Optional[str]
    attempt: int
    prompt: str
    sha: str
    duplicate: bool


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


class Synthesizer:
    """Runs the attempts (see module docs).

    prompter (Prompter): Renders attempt prompts.
    gateway (LLMGateway): Model access, cache and accounting.
    collector (Collector): Validation and the kept samples.
    settings (SynthesisSettings): The run's settings.
    labels (Sequence[Optional[str]]): The labels, in order ([None] for
        unconditional).
    """

    def __init__(
        self,
        prompter: Prompter,
        gateway: LLMGateway,
        collector: Collector,
        settings: SynthesisSettings,
        labels: Sequence[Optional[str]],
    ) -> None:
        self.prompter = prompter
        self.gateway = gateway
        self.collector = collector
        self.settings = settings
        self.labels = list(labels)
        self.resumed = 0

    def active(self, label: Optional[str]) -> bool:
        """label (Optional[str]): A label.
        RETURNS (bool): Whether it gets another attempt.
        """
        attempts = self.collector.attempts_by_label[label or ""]
        return self.collector.kept(label) < self.settings.n and attempts < self.settings.max_attempts_per_label

    def run(self, journal: Journal, progress: bool = True) -> Collector:
        """Make every attempt, resuming from the journal.

        journal (Journal): The journal (opened here, closed at the end).
        progress (bool): Show a progress bar over kept samples; its postfix
            counts the prompts answered (it moves while a round of prompts,
            one per label, is being answered, not only when one is kept).
        RETURNS (Collector): The collector with the kept docs and counts.
        """
        from tqdm import tqdm

        entries = journal.open()
        self.resumed = len(entries)
        sent: Dict[str, set] = {}
        bar = tqdm(total=self.settings.n * len(self.labels), unit="sample", disable=not progress, desc="synthesizing")
        answered = [len(entries)]

        def tick(n_answered: int) -> None:
            answered[0] += n_answered
            bar.set_postfix_str(f"{answered[0]} prompts answered")

        seq = 0
        try:
            while True:
                round_: List[Attempt] = []
                for label in self.labels:
                    if self.settings.limit is not None and seq >= self.settings.limit:
                        break
                    if not self.active(label):
                        continue
                    planned = self.collector.attempts_by_label[label or ""]
                    prompt = self.prompter.render(label, planned)
                    sha = prompt_hash(prompt)
                    seen = sent.setdefault(label or "", set())
                    round_.append(Attempt(seq, label, planned, prompt, sha, sha in seen))
                    seen.add(sha)
                    seq += 1
                if not round_:
                    break
                todo = [a for a in round_ if a.seq not in entries and not a.duplicate]
                asked = (
                    dict(zip((a.seq for a in todo), self.gateway.ask([a.prompt for a in todo], progress=tick)))
                    if todo else {}
                )
                for attempt in round_:
                    before = len(self.collector.docs)
                    entry = entries.get(attempt.seq)
                    if entry is not None:
                        _check(journal, entry, attempt)
                    else:
                        entry = self.entry(attempt, asked.get(attempt.seq))
                        journal.append(entry)
                    self.collector.add(entry)
                    bar.update(len(self.collector.docs) - before)
        finally:
            bar.close()
            journal.close()
        return self.collector

    @staticmethod
    def entry(attempt: Attempt, asked: Any) -> Dict[str, Any]:
        """attempt (Attempt): The attempt.
        asked (Any): Its Asked result, or None if it was skipped.
        RETURNS (Dict[str, Any]): Its journal entry.
        """
        return {
            "i": attempt.seq,
            "label": attempt.label,
            "attempt": attempt.attempt,
            "prompt": attempt.sha,
            "skipped": SKIPPED_DUPLICATE_PROMPT if asked is None else None,
            "answer": None if asked is None else str(asked.answer),
            "fresh": bool(asked is not None and asked.fresh),
            "usage": {} if asked is None else {k: float(v) for k, v in asked.usage.items()},
        }


def _check(journal: Journal, entry: Dict[str, Any], attempt: Attempt) -> None:
    if (entry.get("label"), entry.get("attempt"), entry.get("prompt")) != (attempt.label, attempt.attempt, attempt.sha):
        raise ConfigError(
            f"{journal.path}: attempt {attempt.seq} differs from the one the journal holds (another prompt); "
            "the few-shot data or the templates changed since the interrupted run. Use another output directory."
        )


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


def now() -> float:
    """RETURNS (float): A monotonic clock reading in seconds."""
    return time.perf_counter()



@dataclass
class Plan:
    """What a run needs besides the model, derived from the few-shot gold.

    labels (List[Optional[str]]): The relations ([None] for unconditional).
    prompter (Prompter): Renders the attempts' prompts.
    types (Dict[str, Set[TypePair]]): Allowed type pairs by relation.
    entity_label (Optional[str]): Entity label of unconditional samples.
    gold_texts (List[str]): Texts a sample must not copy.
    zero_shot (List[str]): Relations without a gold example.
    """

    labels: List[Optional[str]]
    prompter: Prompter
    types: Dict[str, Set[TypePair]]
    entity_label: Optional[str]
    gold_texts: List[str]
    zero_shot: List[str]


def plan_run(
    gold_docs: Sequence[Doc], schema: Schema, settings: SynthesisSettings, entity_label: Optional[str] = None
) -> Plan:
    """gold_docs (Sequence[Doc]): The few-shot gold docs.
    schema (Schema): A relation schema.
    settings (SynthesisSettings): The run's settings.
    entity_label (Optional[str]): Entity label of unconditional samples; by
        default the gold entities' label if they all share one, else ENTITY.
    RETURNS (Plan): The plan. Raises ConfigError if the gold cannot drive it.
    """
    if schema.kind != RELATION:
        raise ConfigError(f"synthesize writes relation samples; schema {schema.name!r} is of kind {schema.kind!r}.")
    if not gold_docs:
        raise ConfigError("No few-shot gold docs.")
    for label in settings.labels or []:
        schema.get(label)  # SchemaError naming the schema for an unknown label
    sentences = collect_sentences(gold_docs, schema)
    texts = gold_texts(gold_docs, [s.text for s in sentences])
    if settings.mode == UNCONDITIONAL:
        if entity_label is None:
            found = sorted({e.label_ for d in gold_docs for e in d.ents})
            entity_label = found[0] if len(found) == 1 else DEFAULT_ENTITY_LABEL
        prompter: Prompter = UnconditionalPrompter(
            sentences, n_examples=settings.n_examples, per_prompt=settings.per_prompt, seed=settings.seed
        )
        return Plan([None], prompter, {}, entity_label, texts, [])
    samples = collect_samples(gold_docs, schema)
    if not samples:
        raise ConfigError(
            f"The few-shot gold has no relations with labels of schema {schema.name!r} to show as examples."
        )
    labels = list(settings.labels or schema.label_names)
    types = allowed_types(schema, labels, samples)
    prompter = SchemaPrompter(
        schema, samples, types, n_examples=settings.n_examples, per_prompt=settings.per_prompt, seed=settings.seed
    )
    texts += [x.context for group in samples.values() for x in group]
    return Plan(list(labels), prompter, types, None, texts, [lb for lb in labels if not samples.get(lb)])


def run_config(
    plan: Plan, settings: SynthesisSettings, schema: Schema, gold_docs: Sequence[Doc], model: str, model_id: str
) -> Dict[str, Any]:
    """plan (Plan): The plan.
    settings (SynthesisSettings): The settings.
    schema (Schema): The schema.
    gold_docs (Sequence[Doc]): The few-shot gold.
    model (str): The registered model name.
    model_id (str): The model identity (JSON).
    RETURNS (Dict[str, Any]): Everything that determines the run's outputs:
        the journal header and the report's settings.
    """
    gold = [[d.text, [(e.start, e.end, e.label_) for e in d.ents], d.user_data.get("mbre", {})] for d in gold_docs]
    return {
        "command": "synthesize",
        **settings.to_dict(),
        "labels": plan.labels if settings.mode == SCHEMA else None,
        "schema": schema.name,
        "schema_hash": _sha(json.dumps(schema.to_dict(), sort_keys=True)),
        "entity_label": plan.entity_label,
        "allowed_types": {k: sorted(map(list, v)) for k, v in plan.types.items()},
        "template_hash": _sha(plan.prompter.template.text),
        "model": model,
        "model_id": json.loads(model_id) if model_id.startswith("{") else model_id,
        "fewshot_docs": len(gold_docs),
        "fewshot_hash": _sha(json.dumps(gold, sort_keys=True, default=str)),
    }


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf8")).hexdigest()


def synthesize(
    gold_docs: Sequence[Doc],
    schema: Schema,
    settings: SynthesisSettings,
    gateway: LLMGateway,
    output_dir: Union[str, Path],
    nlp: Language,
    write_jsonl: Callable[[Iterable[Doc], Path], Any],
    model: str = "",
    entity_label: Optional[str] = None,
    progress: bool = False,
    plan: Optional[Plan] = None,
) -> SynthesisReport:
    """Run (or resume) a synthesis and write synthetic.spacy,
    synthetic.jsonl, report.json and journal.jsonl to the output directory.

    gold_docs (Sequence[Doc]): The few-shot gold docs.
    schema (Schema): A relation schema.
    settings (SynthesisSettings): The run's settings.
    gateway (LLMGateway): Model access and answer cache.
    output_dir (Union[str, Path]): The output directory.
    nlp (Language): Its tokenizer splits the synthetic text.
    write_jsonl (Callable): Writes docs as JSONL.
    model (str): The registered model name, for the report.
    entity_label (Optional[str]): See plan_run.
    progress (bool): Show a progress bar.
    plan (Optional[Plan]): The plan_run result for these arguments, if the
        caller made it already.
    RETURNS (SynthesisReport): The report (also written to report.json).
    """
    start = now()
    output_dir = Path(output_dir)
    plan = plan if plan is not None else plan_run(gold_docs, schema, settings, entity_label)
    config = run_config(plan, settings, schema, gold_docs, model, gateway.model_id)
    output_dir.mkdir(parents=True, exist_ok=True)
    journal = Journal(output_dir / JOURNAL, config, kind="synthesize")
    validator = SampleValidator(schema, nlp, plan.gold_texts, entity_label=plan.entity_label or DEFAULT_ENTITY_LABEL,
                                max_gold_overlap=settings.max_gold_overlap)
    collector = Collector(settings.mode, validator, settings.n, plan.types)
    synthesizer = Synthesizer(plan.prompter, gateway, collector, settings, plan.labels)
    synthesizer.run(journal, progress=progress)
    write_outputs(collector.docs, output_dir, write_jsonl)
    report = build_report(collector, gold_docs, config, plan.labels, settings.n, settings.max_attempts_per_label,
                          now() - start, synthesizer.resumed)
    report["zero_shot_labels"] = plan.zero_shot
    srsly.write_json(output_dir / REPORT, report)
    return report
