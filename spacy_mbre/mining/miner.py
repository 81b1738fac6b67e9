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
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    Iterable,
    Iterator,
    List,
    Optional,
    Sequence,
    Set,
    Tuple,
    TypedDict,
)

from spacy.tokens import Doc, Span

from ..data.keys import MINING_KEY
from ..data.readers.corpus import write_docs
from ..data.relations import (
    Pair,
    PairKey,
    Relation,
    RelationRecord,
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
from .report import MiningSummary, StageStats, add_stats, new_stats
from .strategies import Stage

if TYPE_CHECKING:
    from ..scoring.mined import GoldScores
    from .record import MiningRecord

HIDDEN_LABEL = "ENT"


class JournalEntry(TypedDict):
    """One mined doc as the journal (``journal.jsonl``) holds it.

    i (int): The doc's index in the input.
    doc (str): Its fingerprint (see journal.doc_fingerprint).
    mining (MiningRecord): Its stage answers (see :mod:`.record`).
    relations (List[RelationRecord]): The mined relation records.
    stats (StageStats): Its per-stage accounting.
    """

    i: int
    doc: str
    mining: "MiningRecord"
    relations: List[RelationRecord]
    stats: StageStats


@dataclass
class Prepared:
    """One input doc ready for mining.

    i (int): Its index in the input.
    doc (Doc): The doc, gold hidden, candidate pairs fixed.
    gold (List[RelationRecord]): Its hidden gold relation records.
    fingerprint (str): See journal.doc_fingerprint.
    """

    i: int
    doc: Doc
    gold: List[RelationRecord]
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
    ) -> List[Tuple[List[Relation], StageStats]]:
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
) -> Dict[int, JournalEntry]:
    """Mine every prepared doc the journal does not hold yet.

    prepared (Sequence[Prepared]): The docs.
    miner (Miner): The miner.
    journal (Journal): The journal (opened here, closed at the end).
    batch_pairs (int): Pairs per model batch (see module docs).
    progress (bool): Show a tqdm progress bar over pairs. It advances while a
        batch runs, as its questions are answered (see Miner.mine_batch), so
        its rate and ETA are there from the first answered chunk on.
    RETURNS (Dict[int, JournalEntry]): The journal entries by input index.
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


def restore(item: Prepared, entry: JournalEntry) -> Doc:
    """Put a journal entry's answers and relations on its (prepared) doc.

    item (Prepared): The prepared doc.
    entry (JournalEntry): Its journal entry.
    RETURNS (Doc): The doc as written to the outputs.
    """
    doc = item.doc
    doc.user_data[MINING_KEY] = entry["mining"]
    set_relations(doc, [relation_from_record(doc, r) for r in entry["relations"]])
    return doc


def score_mined(
    items: Sequence[Tuple[Prepared, List[RelationRecord]]], schema: Schema
) -> Optional["GoldScores"]:
    """Micro P/R/F1 of mined relations against the hidden gold, over the
    pairs that were mined ("no relation" excluded; gold relations of pairs
    that were not asked about are not counted); see
    :func:`spacy_mbre.scoring.mined.score_mined_records`.

    items (Sequence[Tuple[Prepared, List[RelationRecord]]]): Docs with their
        mined relation records.
    schema (Schema): The schema.
    RETURNS (Optional[GoldScores]): The scores, or None without gold.
    """
    from ..scoring.mined import score_mined_records

    if not any(item.gold for item, _ in items):
        return None
    return score_mined_records(((asked_keys(item.doc, schema), item.gold, mined) for item, mined in items), schema)


def asked_keys(doc: Doc, schema: Schema) -> Set[PairKey]:
    """doc (Doc): A mined doc.
    schema (Schema): The schema.
    RETURNS (Set[PairKey]): The keys of the pairs mining asked about, in both directions.
    """
    asked: Set[PairKey] = set()
    for p in mining_pairs(doc, schema):
        asked.add(p.key)
        if p.tail is not None:
            asked.add(pair_key(p.tail, p.head))
    return asked


def _candidate_pair(record: RelationRecord, schema: Schema) -> Tuple[Tuple[int, ...], ...]:
    """The candidate pair a mined record labels: with expanded directions
    (SemEval) an ``X(e2,e1)`` record has head and tail swapped but labels the
    same text-ordered pair."""
    ends = (tuple(record["head"][:2]), tuple(record["tail"][:2]) if record["tail"] is not None else ())
    return tuple(sorted(ends)) if schema.expand_directions else ends


def write_outputs(
    prepared: Sequence[Prepared],
    entries: Dict[int, JournalEntry],
    schema: Schema,
    output_dir: Path,
    write_jsonl: Callable[[Iterable[Doc], Path], Any],
) -> Tuple[MiningSummary, Optional["GoldScores"]]:
    """Write mined.spacy and mined.jsonl from the journal, in input order.

    prepared (Sequence[Prepared]): The docs.
    entries (Dict[int, JournalEntry]): Journal entries by input index.
    schema (Schema): The schema.
    output_dir (Path): The output directory.
    write_jsonl (Callable): Writes docs as JSONL.
    RETURNS (Tuple[MiningSummary, Optional[GoldScores]]): The summed
        accounting and label distribution, and the gold scores (or None).
    """
    docs: List[Doc] = []
    stages: StageStats = {}
    labels: Counter = Counter()
    pairs_with_relation = 0
    scored: List[Tuple[Prepared, List[RelationRecord]]] = []
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
    summary: MiningSummary = {
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


def now() -> float:
    """RETURNS (float): A monotonic clock reading in seconds."""
    return time.perf_counter()
