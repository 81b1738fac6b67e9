"""The mining run behind ``python -m spacy_mbre mine``.

1. **Prepare** the input docs in order: remember their gold relations, hide
   them (mining never sees them; in typing mode the entity labels — the gold
   types — are replaced by ``ENT`` too), fix the candidate pairs on the doc
   and apply the pair limit.
2. **Mine** in batches of about ``batch_pairs`` pairs: every stage collects the
   questions of all docs of the batch, the :class:`~.gateway.LLMGateway`
   answers them (cache first, then the model, the questions sorted by
   ``prefix_key``, in chunks that are committed to the cache one by one),
   the stage records the answers on each doc; then the
   Label Decision runs and each finished doc is appended to the
   :class:`~.journal.Journal`. Docs the journal already holds are skipped, so
   a rerun after a crash continues where the last run stopped.
3. **Write** ``mined.spacy``, ``mined.jsonl`` and ``report.json`` from the
   journal, in input order — so an interrupted and resumed run writes the same
   output files as an uninterrupted one. The report's accounting (prompts,
   calls, tokens, seconds) is summed over the journal, i.e. over every run
   that contributed; ``wall_seconds`` is the last invocation's.

Batch size: larger batches give the model longer runs of equal prefixes (and
fewer model calls); a crash loses at most the gateway's current chunk of
answers, since the rest of the batch is in the cache; 32 pairs is the default.
"""
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Set, Tuple

from spacy.tokens import Doc, Span

from ..data.keys import MINING_KEY
from ..data.readers.corpus import write_docs
from ..data.relations import (
    Pair,
    PairKey,
    Relation,
    get_relations,
    pair_key,
    relation_from_record,
    relation_to_record,
    set_pairs,
    set_relations,
)
from ..data.schema import TYPING, Schema
from ..errors import ConfigError
from ..llm.gateway import USAGE_KEYS, LLMGateway
from ..llm.journal import Journal, doc_fingerprint
from ..pairs import PairCounts
from ..pairs.options import mining_pairs
from .decider import LabelDecider
from .proposers import LocalProposer
from .record import STAGE_NAMES
from .record import clear as clear_record
from .strategies import Stage

HIDDEN_LABEL = "ENT"
STAT_KEYS = ("prompts", "llm_calls", "cache_hits", "unparseable", *USAGE_KEYS, "seconds")
LOCAL_KEYS = ("pairs_scored", "unscored")


@dataclass
class Prepared:
    """One input doc ready for mining.

    i (int): Its index in the input.
    doc (Doc): The doc, gold hidden, candidate pairs fixed.
    gold (List[Dict[str, Any]]): Its hidden gold relation records.
    fingerprint (str): See journal.doc_fingerprint.
    """

    i: int
    doc: Doc
    gold: List[Dict[str, Any]]
    fingerprint: str = ""
    n_pairs: int = field(default=0)


def prepare_docs(
    docs: Iterable[Doc], schema: Schema, limit: Optional[int] = None, counts: Optional[PairCounts] = None
) -> Iterator[Prepared]:
    """docs (Iterable[Doc]): Input docs with entities (and maybe gold).
    schema (Schema): The schema.
    limit (Optional[int]): Max number of pairs in total (the last doc's pairs
        are cut); None = all.
    counts (Optional[PairCounts]): Filled with each doc's number of candidate
        pairs under the schema (before the limit), so that docs with entities
        but no pair are reported.
    YIELDS (Prepared): The docs in input order.
    """
    remaining = limit
    for i, doc in enumerate(docs):
        if remaining is not None and remaining <= 0:
            break
        gold = [relation_to_record(r) for r in get_relations(doc) if r.source == "gold"]
        pairs = mining_pairs(doc, schema)
        if counts is not None:
            counts.add(doc, len(pairs))
        if schema.kind == TYPING:
            doc.ents = [Span(doc, e.start, e.end, label=HIDDEN_LABEL) for e in doc.ents]
            pairs = [Pair(Span(doc, p.head.start, p.head.end, label=HIDDEN_LABEL)) for p in pairs]
        set_relations(doc, [])
        clear_record(doc)
        if remaining is not None:
            pairs = pairs[:remaining]
            remaining -= len(pairs)
        set_pairs(doc, pairs)
        yield Prepared(i, doc, gold, doc_fingerprint(doc), len(pairs))


def new_stats() -> Dict[str, Dict[str, float]]:
    """RETURNS (Dict[str, Dict[str, float]]): Empty per-stage counters."""
    return {}


def add_stats(total: Dict[str, Dict[str, float]], stage: str, values: Dict[str, float]) -> None:
    """total (Dict[str, Dict[str, float]]): Per-stage counters (changed).
    stage (str): The stage name.
    values (Dict[str, float]): Counts to add.
    """
    counters = total.setdefault(stage, {k: 0 for k in STAT_KEYS})
    for key, value in values.items():
        if key in counters:
            counters[key] += value
        elif key in LOCAL_KEYS:
            counters[key] = counters.get(key, 0) + value


class Miner:
    """Runs the stages and the decision over batches of docs.

    stages (Sequence[Stage]): The strategy's stages: LLM tasks, and local
        proposers (run on the batch, no question asked).
    gateway (LLMGateway): Model access, cache and accounting.
    decider (LabelDecider): The Label Decision.
    """

    def __init__(self, stages: Sequence[Stage], gateway: LLMGateway, decider: LabelDecider) -> None:
        self.stages = list(stages)
        self.gateway = gateway
        self.decider = decider

    def mine_batch(
        self, docs: Sequence[Doc], progress: Optional[Callable[[float], None]] = None
    ) -> List[Tuple[List[Relation], Dict[str, Dict[str, float]]]]:
        """docs (Sequence[Doc]): Prepared docs.
        progress (Optional[Callable[[float], None]]): Called with the share of
            the batch done since the last call (the shares add up to 1): each
            stage is an equal share, an LLM stage's spread over its answered
            questions, so a progress bar moves while the batch runs.
        RETURNS (List[Tuple[List[Relation], Dict]]): Per doc, the mined
            relations and the per-stage accounting.
        """
        stats = [new_stats() for _ in docs]
        share = 1.0 / max(1, len(self.stages))
        for stage in self.stages:
            name = STAGE_NAMES[stage.stage]
            if isinstance(stage, LocalProposer):
                for d, counts in enumerate(stage.propose(docs)):
                    add_stats(stats[d], name, counts)
                if progress is not None:
                    progress(share)
                continue
            plans = [stage.plan(doc) for doc in docs]
            questions = [stage.render(doc, p) for doc, plan in zip(docs, plans) for p in plan]
            answered = _question_progress(progress, share, len(questions))
            asked = self.gateway.ask(questions, progress=answered) if questions else []
            if progress is not None and not questions:
                progress(share)
            start = 0
            for d, (doc, plan) in enumerate(zip(docs, plans)):
                mine = asked[start : start + len(plan)]
                start += len(plan)
                counts: Dict[str, float] = dict(stage.record(doc, plan, [a.answer for a in mine]))
                counts["llm_calls"] = sum(1 for a in mine if a.fresh)
                counts["cache_hits"] = sum(1 for a in mine if not a.fresh)
                for a in mine:
                    for key in (*USAGE_KEYS, "seconds"):
                        counts[key] = counts.get(key, 0.0) + float(a.usage.get(key, 0.0))
                add_stats(stats[d], name, counts)
        return [(self.decider.decide(doc), s) for doc, s in zip(docs, stats)]


def run_mining(
    prepared: Sequence[Prepared],
    miner: Miner,
    journal: Journal,
    batch_pairs: int = 32,
    progress: bool = True,
) -> Dict[int, Dict[str, Any]]:
    """Mine every prepared doc the journal does not hold yet.

    prepared (Sequence[Prepared]): The docs.
    miner (Miner): The miner.
    journal (Journal): The journal (opened here, closed at the end).
    batch_pairs (int): Pairs per model batch (see module docs).
    progress (bool): Show a tqdm progress bar over pairs. It advances while a
        batch runs, as its questions are answered (see Miner.mine_batch), so
        its rate and ETA are there from the first answered chunk on.
    RETURNS (Dict[int, Dict[str, Any]]): The journal entries by input index.
    """
    from tqdm import tqdm

    if batch_pairs < 1:
        raise ConfigError(f"batch size must be >= 1, got {batch_pairs}.")
    entries = journal.open()
    try:
        done_pairs = 0
        for item in prepared:
            entry = entries.get(item.i)
            if entry is not None:
                if entry.get("doc") != item.fingerprint:
                    raise ConfigError(
                        f"{journal.path}: doc {item.i} differs from the one the journal holds; "
                        "the input changed since the interrupted run. Use another output directory."
                    )
                done_pairs += item.n_pairs
        total = sum(item.n_pairs for item in prepared)
        bar = tqdm(total=total, initial=done_pairs, unit="pair", disable=not progress, desc="mining")
        batch: List[Prepared] = []

        def flush() -> None:
            n_pairs = sum(item.n_pairs for item in batch)
            shown = [0, 0.0]  # pairs shown on the bar, pairs done (fractional)

            def advance(fraction: float) -> None:
                # The bar moves by whole pairs as the batch's questions are answered.
                shown[1] += fraction * n_pairs
                step = min(int(shown[1]), n_pairs) - shown[0]
                if step > 0:
                    bar.update(step)
                    shown[0] += step

            results = miner.mine_batch([item.doc for item in batch], progress=advance)
            if n_pairs > shown[0]:
                bar.update(n_pairs - int(shown[0]))
            for item, (relations, stats) in zip(batch, results):
                journal.append(
                    {
                        "i": item.i,
                        "doc": item.fingerprint,
                        "mining": item.doc.user_data.get(MINING_KEY, {"pairs": []}),
                        "relations": [relation_to_record(r) for r in relations],
                        "stats": stats,
                    }
                )
            batch.clear()

        for item in prepared:
            if item.i in entries:
                continue
            batch.append(item)
            if sum(x.n_pairs for x in batch) >= batch_pairs:
                flush()
        if batch:
            flush()
        bar.close()
    finally:
        journal.close()
    return dict(journal.entries)


def _question_progress(
    progress: Optional[Callable[[float], None]], share: float, n_questions: int
) -> Optional[Callable[[int], None]]:
    """Turn answered-question counts into shares of a batch for `progress`."""
    if progress is None or n_questions == 0:
        return None
    return lambda n_answered: progress(share * n_answered / n_questions)


def restore(item: Prepared, entry: Dict[str, Any]) -> Doc:
    """Put a journal entry's answers and relations on its (prepared) doc.

    item (Prepared): The prepared doc.
    entry (Dict[str, Any]): Its journal entry.
    RETURNS (Doc): The doc as written to the outputs.
    """
    doc = item.doc
    doc.user_data[MINING_KEY] = entry["mining"]
    set_relations(doc, [relation_from_record(doc, r) for r in entry["relations"]])
    return doc


def _rel_key(record: Dict[str, Any], schema: Schema) -> Tuple:
    head = tuple(record["head"][:2])
    tail = tuple(record["tail"][:2]) if record.get("tail") is not None else (-1, -1)
    label = record["label"]
    if label in schema and not schema.get(label).directed and tail < head:
        head, tail = tail, head
    return (*head, *tail, label)


def score_mined(
    items: Sequence[Tuple[Prepared, List[Dict[str, Any]]]], schema: Schema
) -> Optional[Dict[str, Any]]:
    """Micro P/R/F1 of mined relations against the hidden gold, over the
    pairs that were mined ("no relation" excluded; gold relations of pairs
    that were not asked about are not counted).

    items (Sequence[Tuple[Prepared, List[Dict[str, Any]]]]): Docs with their
        mined relation records.
    schema (Schema): The schema.
    RETURNS (Optional[Dict[str, Any]]): The scores, or None without gold.
    """
    if not any(item.gold for item, _ in items):
        return None
    tp = fp = fn = 0
    per_label: Dict[str, Counter] = {}
    for item, mined in items:
        asked: Set[PairKey] = set()
        for p in mining_pairs(item.doc, schema):
            asked.add(p.key)
            if p.tail is not None:
                asked.add(pair_key(p.tail, p.head))
        gold = set()
        for r in item.gold:
            if r["label"] not in schema:
                continue
            tail = r.get("tail")
            key = (r["head"][0], r["head"][1], tail[0] if tail else -1, tail[1] if tail else -1)
            if key in asked:
                gold.add(_rel_key(r, schema))
        pred = {_rel_key(r, schema) for r in mined}
        for key in pred | gold:
            counts = per_label.setdefault(key[-1], Counter())
            if key in pred and key in gold:
                tp += 1
                counts["tp"] += 1
            elif key in pred:
                fp += 1
                counts["fp"] += 1
            else:
                fn += 1
                counts["fn"] += 1

    def prf(t: int, f_p: int, f_n: int) -> Dict[str, float]:
        p = t / (t + f_p) if t + f_p else 0.0
        r = t / (t + f_n) if t + f_n else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4), "tp": t, "fp": f_p, "fn": f_n}

    return {
        "micro": prf(tp, fp, fn),
        "per_label": {k: prf(c["tp"], c["fp"], c["fn"]) for k, c in sorted(per_label.items())},
    }


def _candidate_pair(record: Dict[str, Any], schema: Schema) -> Tuple[Tuple[int, ...], ...]:
    """The candidate pair a mined record labels: with expanded directions
    (SemEval) an ``X(e2,e1)`` record has head and tail swapped but labels the
    same text-ordered pair."""
    ends = (tuple(record["head"][:2]), tuple(record["tail"][:2]) if record["tail"] is not None else ())
    return tuple(sorted(ends)) if schema.expand_directions else ends


def write_outputs(
    prepared: Sequence[Prepared],
    entries: Dict[int, Dict[str, Any]],
    schema: Schema,
    output_dir: Path,
    write_jsonl: Callable[[Iterable[Doc], Path], Any],
) -> Tuple[Dict[str, Any], Optional[Dict[str, Any]]]:
    """Write mined.spacy and mined.jsonl from the journal, in input order.

    prepared (Sequence[Prepared]): The docs.
    entries (Dict[int, Dict[str, Any]]): Journal entries by input index.
    schema (Schema): The schema.
    output_dir (Path): The output directory.
    write_jsonl (Callable): Writes docs as JSONL.
    RETURNS (Tuple[Dict[str, Any], Optional[Dict[str, Any]]]): The summed
        accounting and label distribution, and the gold scores (or None).
    """
    docs: List[Doc] = []
    stages: Dict[str, Dict[str, float]] = {}
    labels: Counter = Counter()
    pairs_with_relation = 0
    scored: List[Tuple[Prepared, List[Dict[str, Any]]]] = []
    for item in prepared:
        entry = entries[item.i]
        doc = restore(item, entry)
        docs.append(doc)
        for stage, counts in entry["stats"].items():
            add_stats(stages, stage, counts)
        for record in entry["relations"]:
            labels[record["label"]] += 1
        pairs_with_relation += len({_candidate_pair(r, schema) for r in entry["relations"]})
        scored.append((item, entry["relations"]))
    write_docs(docs, output_dir / "mined.spacy")
    write_jsonl(docs, output_dir / "mined.jsonl")
    n_pairs = sum(item.n_pairs for item in prepared)
    summary = {
        "docs": len(prepared),
        "pairs": n_pairs,
        "stages": stages,
        "mined": {
            "relations": sum(labels.values()),
            "pairs_with_relation": pairs_with_relation,
            "no_relation_pairs": n_pairs - pairs_with_relation,
            "labels": dict(sorted(labels.items(), key=lambda kv: (-kv[1], kv[0]))),
        },
    }
    return summary, score_mined(scored, schema)


def build_report(
    summary: Dict[str, Any],
    scores: Optional[Dict[str, Any]],
    settings: Dict[str, Any],
    wall_seconds: float,
    resumed_docs: int,
) -> Dict[str, Any]:
    """summary (Dict[str, Any]): From write_outputs.
    scores (Optional[Dict[str, Any]]): Gold scores or None.
    settings (Dict[str, Any]): The run's settings.
    wall_seconds (float): This invocation's wall time.
    resumed_docs (int): Docs taken from an earlier run's journal.
    RETURNS (Dict[str, Any]): The report.
    """
    stages = summary["stages"]
    total = {k: 0.0 for k in STAT_KEYS}
    for counts in stages.values():
        for key in STAT_KEYS:
            total[key] += counts.get(key, 0)
    pairs = summary["pairs"] or 1
    return {
        "settings": settings,
        "docs": summary["docs"],
        "pairs": summary["pairs"],
        "resumed_docs": resumed_docs,
        "stages": {
            k: {kk: round(v, 3) if isinstance(v, float) else v for kk, v in c.items()} for k, c in stages.items()
        },
        "total": {k: round(v, 3) for k, v in total.items()},
        "prompts_per_pair": round(total["prompts"] / pairs, 3),
        "llm_calls_per_pair": round(total["llm_calls"] / pairs, 3),
        "wall_seconds": round(wall_seconds, 3),
        "mined": summary["mined"],
        "gold": scores,
    }


def now() -> float:
    """RETURNS (float): A monotonic clock reading in seconds."""
    return time.perf_counter()
