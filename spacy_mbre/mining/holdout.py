"""Calibration data by hold-out (:func:`holdout_calibrate`): mine few-shot
gold docs (gold hidden) so that the Label Decision can be fitted where the
gold is known (:mod:`spacy_mbre.mining.calibration`), and the fit shared
with cross-fitting (:mod:`spacy_mbre.mining.crossfit`).

**Hold-out** (:func:`holdout_calibrate`): the few-shot gold is split once
into an in-context example source (which also trains the classifier
proposer) and a calibration set. The calibration set is mined in the same
run as the pool — same prompts, same proposer — so the model evaluates each
shared prompt prefix once for both (with a local model, a prefix costs as
much as ~15 questions), and the pool's answers land in the cache: ``mine
--calibration`` afterwards only re-reads them.
"""
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from spacy.tokens import Doc
from wasabi import Printer

from ..data.schema import Schema
from ..errors import ConfigError
from ..pairs.options import gold_options, mining_pairs
from .calibration import ALPHAS, Calibration, Item, fit_decision, write_calibration
from .grouping import Grouping
from .record import pair_records
from .strategies import StrategySettings


def calibration_items(gold_docs: Sequence[Doc], mined_docs: Sequence[Doc], schema: Schema) -> List[Item]:
    """gold_docs (Sequence[Doc]): The held-out fold with its gold relations.
    mined_docs (Sequence[Doc]): The same docs as ``mine`` wrote them (same order).
    schema (Schema): The schema.
    RETURNS (List[Item]): (stage answers, gold options) per mined pair."""
    if len(gold_docs) != len(mined_docs):
        raise ConfigError(f"Calibration: {len(mined_docs)} mined docs for {len(gold_docs)} gold docs.")
    items: List[Item] = []
    for gold_doc, mined_doc in zip(gold_docs, mined_docs):
        records = pair_records(mined_doc)
        for pair in mining_pairs(gold_doc, schema):
            if pair.key in records:
                items.append((records[pair.key], gold_options(gold_doc, pair, schema)))
    return items


def holdout_calibrate(
    held_docs: Sequence[Doc],
    output_dir: Path,
    schema: Schema,
    settings: StrategySettings,
    *,
    examples: Sequence[Any] = (),
    pool_docs: Sequence[Doc] = (),
    objective: str = "f1",
    target_precision: float = 0.6,
    grouping: Optional[Grouping] = None,
    mine_options: Optional[Dict[str, Any]] = None,
    printer: Optional[Printer] = None,
) -> Calibration:
    """Mine a held-out gold set (and the pool, sharing prompts) and fit the
    Label Decision on the held-out docs.

    held_docs (Sequence[Doc]): The calibration docs, gold relations on them;
        neither in ``examples`` nor in the proposer's training data.
    output_dir (Path): Where the mining run (``mined/``) and calibration.json go.
    schema (Schema): The schema.
    settings (StrategySettings): The pool's mining settings (with its proposer).
    examples (Sequence[PairExample]): The in-context examples.
    pool_docs (Sequence[Doc]): The pool, mined in the same run (its answers
        are cached for ``mine --calibration``); may be empty.
    objective (str): "f1" or "precision".
    target_precision (float): The precision target of "precision".
    grouping (Optional[Grouping]): The groups (grouped proposer).
    mine_options (Optional[Dict[str, Any]]): More keyword arguments of
        :func:`spacy_mbre.mining.run.mine` (model, model_config, cache, ...).
    printer (Optional[Printer]): Where messages go.
    RETURNS (Calibration): The fitted decision (also in ``calibration.json``).
    """
    import spacy

    from ..data.readers.corpus import read_docs
    from .run import mine

    msg = printer or Printer()
    held_docs = list(held_docs)
    msg.info(f"Mining {len(held_docs)} held-out gold docs" + (f" with {len(pool_docs)} pool docs" if pool_docs else ""))
    mine([d.copy() for d in held_docs] + [d.copy() for d in pool_docs], output_dir / "mined", schema, settings,
         examples=examples, grouping=grouping, printer=msg, **(mine_options or {}))
    mined = list(read_docs(output_dir / "mined" / "mined.spacy", spacy.blank("en")))[: len(held_docs)]
    items = calibration_items(held_docs, mined, schema)
    origin = {"mode": "holdout", "held_docs": len(held_docs), "pool_docs": len(pool_docs), "examples": len(examples)}
    return fit_items(items, settings, objective, target_precision, origin, output_dir)


def fit_items(
    items: List[Item],
    settings: StrategySettings,
    objective: str,
    target_precision: float,
    origin: Dict[str, Any],
    output_dir: Path,
) -> Calibration:
    """Fit the decision on calibration pairs (alpha only with a classifier
    proposer) and write ``output_dir/calibration.json``.

    items (List[Item]): (stage answers, gold options) per mined pair.
    settings (StrategySettings): The mining settings the pairs were mined with.
    objective (str): "f1" or "precision".
    target_precision (float): The precision target of "precision".
    origin (Dict[str, Any]): How the pairs were mined (recorded with the fit).
    output_dir (Path): Where calibration.json goes.
    RETURNS (Calibration): The fitted decision.
    """
    uses_classifier = settings.strategy == "mbre" and settings.proposer != "groups"
    calibration = fit_decision(items, alphas=ALPHAS if uses_classifier else (0.0,), objective=objective,
                               target_precision=target_precision, max_labels=settings.max_labels)
    calibration.origin = {**origin, "strategy": settings.to_dict()}
    write_calibration(output_dir / "calibration.json", calibration)
    return calibration
