"""Explanation-driven knowledge (TKRE's EDKG) behind ``python -m spacy_mbre explain``.

For every gold relation of the few-shot docs (one **item**: the sentence, the
head and tail located by character offsets, the label) the LLM is asked why
the head has the relation with the tail (``templates/explain.v1.jinja``,
plain string prompts, so ``spacy-mbre.LlamaCpp.v1`` generates greedy text).
Answers are cleaned and filtered (:mod:`.filtering`: empty, too short, a
copy of the sentence, repetitive or naming neither entity); the kept ones
form the corpus ``explanations.jsonl`` (:mod:`.explanations`), which
``pretrain --explanations`` reads.

**Crash safety and cache.** Model access goes through the mining
:class:`~spacy_mbre.llm.gateway.LLMGateway` (sqlite answer cache). Every
answered item (index, prompt sha256, raw answer, usage) is appended to the
append-only ``journal.jsonl`` (the mining journal: fsynced lines, torn last
line dropped, settings header checked) in chunks of ``batch_size``. A rerun
continues with the items the journal lacks; the filter is applied when the
outputs are rebuilt from the journal, so rerunning with other filter
settings re-filters without calling the model.
"""
import hashlib
import json
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple, Union

import jinja2
import jinja2.sandbox
import srsly
from spacy.tokens import Doc

from ..data.relations import Pair, get_relations
from ..data.schema import Schema
from ..errors import ConfigError
from ..llm.gateway import USAGE_KEYS, LLMGateway
from ..llm.journal import Journal
from ..mining.queries import context_span
from .explanations import ExplainItem, Explanation
from .filtering import REASONS, ExplanationFilter

TEMPLATE_DIR = Path(__file__).parent / "templates"
EXPLAIN_TEMPLATE = "explain.v1.jinja"
OUTPUT = "explanations.jsonl"
REPORT = "report.json"
JOURNAL = "journal.jsonl"


def collect_items(docs: Iterable[Doc], schema: Schema) -> Tuple[List[ExplainItem], Counter]:
    """docs (Iterable[Doc]): Few-shot gold docs.
    schema (Schema): The schema; relations with other labels are skipped.
    RETURNS (Tuple[List[ExplainItem], Counter]): One item per gold relation
        with a tail, in order, without repeats; and the skipped ones by reason.
    """
    items: List[ExplainItem] = []
    seen = set()
    skipped: Counter = Counter()
    for doc in docs:
        for rel in get_relations(doc, source="gold"):
            if rel.tail is None:
                skipped["no_tail"] += 1
                continue
            if rel.label not in schema:
                skipped["label_not_in_schema"] += 1
                continue
            start, end = context_span(doc, Pair(rel.head, rel.tail))
            offset = doc[start].idx
            item = ExplainItem(
                sentence=doc[start:end].text,
                head=(rel.head.start_char - offset, rel.head.end_char - offset),
                tail=(rel.tail.start_char - offset, rel.tail.end_char - offset),
                label=rel.label,
            )
            if item in seen:
                skipped["duplicate"] += 1
                continue
            seen.add(item)
            items.append(item)
    return items, skipped


class ExplainPrompter:
    """Renders the explanation prompt of an item.

    schema (Schema): The schema (label descriptions).
    template (str): A template file in ``spacy_mbre/pretrain/templates``.
    """

    def __init__(self, schema: Schema, template: str = EXPLAIN_TEMPLATE) -> None:
        path = TEMPLATE_DIR / template
        if not path.is_file():
            raise ConfigError(f"No explanation prompt template at {path}.")
        self.schema = schema
        self.text = path.read_text(encoding="utf8")
        env = jinja2.sandbox.SandboxedEnvironment(undefined=jinja2.StrictUndefined)
        self._template = env.from_string(self.text)

    def meaning(self, item: ExplainItem) -> str:
        """item (ExplainItem): The item.
        RETURNS (str): The label's description with the quoted entities filled in.
        """
        description = self.schema.get(item.label).description.rstrip(".")
        filled = description.replace("{head}", f'"{item.head_text}"').replace("{tail}", f'"{item.tail_text}"')
        return filled if filled != description else f'"{item.head_text}" → "{item.tail_text}": {description}'

    def render(self, item: ExplainItem) -> str:
        """item (ExplainItem): The item.
        RETURNS (str): The prompt.
        """
        return self._template.render(
            sentence=item.sentence, head=item.head_text, tail=item.tail_text, label=item.label,
            meaning=self.meaning(item),
        ).strip()


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf8")).hexdigest()


def run_config(items: Sequence[ExplainItem], schema: Schema, prompter: ExplainPrompter, model: str,
               model_id: str) -> Dict[str, Any]:
    """items (Sequence[ExplainItem]): The items.
    schema (Schema): The schema.
    prompter (ExplainPrompter): The prompter.
    model (str): The registered model name.
    model_id (str): The model identity (JSON).
    RETURNS (Dict[str, Any]): What determines the answers: the journal header.
    """
    return {
        "command": "explain",
        "schema": schema.name,
        "schema_hash": _sha(json.dumps(schema.to_dict(), sort_keys=True)),
        "template_hash": _sha(prompter.text),
        "model": model,
        "model_id": json.loads(model_id) if model_id.startswith("{") else model_id,
        "items": len(items),
        "items_hash": _sha(json.dumps([asdict(i) for i in items], sort_keys=True)),
    }


def explain(
    docs: Sequence[Doc],
    schema: Schema,
    gateway: LLMGateway,
    output_dir: Union[str, Path],
    explanation_filter: ExplanationFilter = ExplanationFilter(),
    model: str = "",
    limit: Optional[int] = None,
    batch_size: int = 16,
    progress: bool = False,
) -> Dict[str, Any]:
    """Ask the model to explain every gold relation (or resume), and write
    explanations.jsonl, report.json and journal.jsonl to ``output_dir``.

    docs (Sequence[Doc]): The few-shot gold docs.
    schema (Schema): The schema.
    gateway (LLMGateway): Model access and answer cache.
    output_dir (Union[str, Path]): The output directory.
    explanation_filter (ExplanationFilter): Cleaning and rejection rules.
    model (str): The registered model name, for the journal and report.
    limit (Optional[int]): Explain at most this many relations.
    batch_size (int): Items per gateway call (and per journal chunk).
    progress (bool): Show a progress bar.
    RETURNS (Dict[str, Any]): The report.
    """
    from tqdm import tqdm

    start = time.perf_counter()
    if batch_size < 1:
        raise ConfigError(f"batch_size must be at least 1, got {batch_size}.")
    output_dir = Path(output_dir)
    items, skipped = collect_items(docs, schema)
    if limit is not None:
        items = items[: max(0, limit)]
    if not items:
        raise ConfigError(f"The few-shot docs hold no gold relations with labels of schema {schema.name!r}.")
    prompter = ExplainPrompter(schema)
    prompts = [prompter.render(item) for item in items]
    journal = Journal(output_dir / JOURNAL, run_config(items, schema, prompter, model, gateway.model_id),
                      kind="explain")
    entries = journal.open()
    resumed = len(entries)
    todo = [i for i in range(len(items)) if i not in entries]
    bar = tqdm(total=len(items), initial=len(items) - len(todo), unit="relation", desc="explaining",
               disable=not progress)
    try:
        for chunk_start in range(0, len(todo), batch_size):
            chunk = todo[chunk_start : chunk_start + batch_size]
            for i, asked in zip(chunk, gateway.ask([prompts[i] for i in chunk])):
                entry = {
                    "i": i,
                    "prompt": _sha(prompts[i]),
                    "answer": str(asked.answer),
                    "fresh": bool(asked.fresh),
                    "usage": {k: float(v) for k, v in asked.usage.items()},
                }
                journal.append(entry)
                entries[i] = entry
            bar.update(len(chunk))
    finally:
        bar.close()
        journal.close()
    kept, rejected, usage = [], Counter(), Counter()
    for i, item in enumerate(items):
        entry = entries[i]
        if entry["prompt"] != _sha(prompts[i]):
            raise ConfigError(f"{journal.path}: item {i} was asked with another prompt; use another output directory.")
        usage["llm_calls" if entry["fresh"] else "cache_hits"] += 1
        for key, value in entry["usage"].items():
            usage[key] += value
        text, reason = explanation_filter.check(item, entry["answer"])
        if reason is None:
            kept.append(Explanation(item, text))
        else:
            rejected[reason] += 1
    output_dir.mkdir(parents=True, exist_ok=True)
    srsly.write_jsonl(output_dir / OUTPUT, [e.to_record() for e in kept])
    report: Dict[str, Any] = {
        "settings": {"model": model, "limit": limit, "filter": asdict(explanation_filter)},
        "items": len(items),
        "kept": len(kept),
        "rejected": {reason: rejected[reason] for reason in REASONS},
        "skipped_relations": dict(skipped),
        "kept_by_label": dict(Counter(e.item.label for e in kept)),
        "resumed": resumed,
        "llm_calls": int(usage["llm_calls"]),
        "cache_hits": int(usage["cache_hits"]),
        **{key: float(usage[key]) for key in (*USAGE_KEYS, "seconds")},
        "wall_seconds": time.perf_counter() - start,
    }
    srsly.write_json(output_dir / REPORT, report)
    return report
