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

This module runs step 2 (:class:`Miner`, :func:`run_mining`); step 1 is in
:mod:`.prepare` and step 3 in :mod:`.outputs`.
"""
import time
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from spacy.tokens import Doc

from ..data.keys import MINING_KEY
from ..data.relations import Relation, relation_to_record
from ..errors import ConfigError
from ..llm.gateway import USAGE_KEYS, LLMGateway
from ..llm.journal import Journal
from .decider import LabelDecider
from .outputs import asked_keys, restore, score_mined, write_outputs
from .prepare import HIDDEN_LABEL, JournalEntry, Prepared, prepare_docs
from .proposers import LocalProposer
from .record import STAGE_NAMES
from .report import StageStats, add_stats, new_stats
from .strategies import Stage


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


def now() -> float:
    """RETURNS (float): A monotonic clock reading in seconds."""
    return time.perf_counter()


__all__ = [
    "HIDDEN_LABEL",
    "JournalEntry",
    "Miner",
    "Prepared",
    "asked_keys",
    "now",
    "prepare_docs",
    "restore",
    "run_mining",
    "score_mined",
    "write_outputs",
]
