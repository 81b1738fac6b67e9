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

Answers become kept samples in :mod:`.collector` (split, validated, deduped
in attempt order); :mod:`.settings`, :mod:`.plan` (from the few-shot gold)
and :mod:`.outputs` (files and report) hold the rest of a run.

**Crash safety.** Each finished attempt (label, attempt number, prompt
sha256, the raw answer, usage) is appended to ``journal.jsonl`` (the mining
journal: fsynced lines, torn last line dropped, settings header checked). A
rerun replays the journal through the same validation and continues with the
attempts it does not hold; the answers of a round killed half-way come back
from the cache. Since the outputs are rebuilt from the replayed answers in
attempt order, an interrupted and resumed run writes the same files as an
uninterrupted one.
"""
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Union

import srsly
from spacy.language import Language
from spacy.tokens import Doc

from ..data.schema import Schema
from ..errors import ConfigError
from ..llm.gateway import LLMGateway
from ..llm.journal import Journal
from .collector import COUNT_KEYS, Collector
from .outputs import OUTPUT_JSONL, OUTPUT_SPACY, REPORT, build_report, write_outputs
from .plan import DEFAULT_ENTITY_LABEL, Plan, Prompter, plan_run, run_config
from .prompts import prompt_hash
from .report import SynthesisReport
from .settings import MODES, SCHEMA, UNCONDITIONAL, SynthesisSettings
from .validate import SampleValidator

__all__ = [
    "COUNT_KEYS", "DEFAULT_ENTITY_LABEL", "JOURNAL", "MODES", "OUTPUT_JSONL", "OUTPUT_SPACY", "REPORT", "SCHEMA",
    "SKIPPED_DUPLICATE_PROMPT", "UNCONDITIONAL", "Attempt", "Collector", "Plan", "Prompter", "SynthesisSettings",
    "Synthesizer", "build_report", "now", "plan_run", "run_config", "synthesize", "write_outputs",
]

SKIPPED_DUPLICATE_PROMPT = "duplicate_prompt"
JOURNAL = "journal.jsonl"


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


def now() -> float:
    """RETURNS (float): A monotonic clock reading in seconds."""
    return time.perf_counter()


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
