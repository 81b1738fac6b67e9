"""LLM-verified self-training (issue 16, item 4): the classifier proposes, the
LLM verifies, the classifier learns from what was verified, for T rounds.

Round t (1..T), with the proposer P(t-1) (round 0: a given trained gold model,
or one trained on the gold docs here):

1. **calibrate**: mine the held-out calibration docs with P(t-1) as the
   classifier proposer and fit the combined Label Decision on them
   (:func:`spacy_mbre.mining.crossfit.holdout_calibrate`); the classifier's
   probabilities change from round to round, so the decision is refitted;
2. **mine**: mine the pool with P(t-1) and that decision
   (:func:`spacy_mbre.mining.run.mine`), then write its training view
   (``train.spacy``, :func:`spacy_mbre.training.mined_samples.write_training_view`);
3. **train**: train P(t), a fresh classifier, on gold + that training view.

Every round asks through **one answer cache**, so a question asked in an earlier
round (the same pair, option and prompt) is answered from the cache: a round
pays LLM time only for the candidates its new proposer adds. Each round's record
(``verified.json``) holds the new LLM calls, the cache hits, the LLM seconds and
the mined labels' P/R/F1 against the pool's hidden gold, where the pool has gold.

Every step is resumable (:mod:`spacy_mbre.training.steps`): a rerun after a
crash skips finished steps; a mining step that was interrupted continues from
its journal. Compare with S2ynRE's two-stage self-training
(:mod:`spacy_mbre.training.self_training`), which labels the pool with the
classifier alone.
"""
import json
import shutil
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence

import srsly
from spacy.tokens import Doc
from wasabi import Printer

from ..data.schema import Schema
from ..errors import ConfigError
from ..mining.examples import PairExample
from ..mining.strategies import StrategySettings
from .mined_samples import TRAIN_VIEW, SamplePolicy, write_training_view
from .self_training import train_model
from .steps import check_run_settings, run_step

RUN_FILE = "run.json"
PER_ROUND = "<set per round>"  # the proposer model of the mining settings, replaced in each round
SUMMARY_FILE = "verified.json"


@dataclass
class VerifiedSettings:
    """What an LLM-verified self-training run does; see the module docs.

    rounds (int): T, the propose → verify → train rounds.
    seed (int): The training runs' seed.
    component (str): The classifier's name in the training config.
    overrides (Dict[str, Any]): spaCy config overrides of every training run
        (e.g. ``{"training.max_steps": 400}``).
    objective (str): The calibration's objective: "f1" or "precision".
    target_precision (float): The precision target of objective "precision".
    policy (SamplePolicy): How mined pairs enter training.
    """

    rounds: int = 2
    seed: int = 0
    component: str = "mbre_relations"
    overrides: Dict[str, Any] = field(default_factory=dict)
    objective: str = "f1"
    target_precision: float = 0.6
    policy: SamplePolicy = field(default_factory=SamplePolicy)

    def validate(self) -> None:
        """RAISES (ConfigError): A setting is out of range."""
        if self.rounds < 1:
            raise ConfigError(f"verified self-training: rounds must be >= 1, got {self.rounds}.")
        if self.objective not in ("f1", "precision"):
            raise ConfigError(f"verified self-training: objective must be f1 or precision, got {self.objective!r}.")


class VerifiedTrainer:
    """Run (or resume) an LLM-verified self-training run in ``output_dir``.

    config_path (Path): The classifier's training config.
    gold_path (Path): Gold training docs (.spacy / .jsonl).
    pool_docs (Sequence[Doc]): The unlabelled pool (gold, if any, is hidden
        from the LLM and only scores the mined labels).
    calibration_docs (Sequence[Doc]): Held-out gold docs that fit the Label
        Decision each round; in neither the gold training docs nor the examples.
    output_dir (Path): Where every step, ``model-last`` and ``verified.json`` go.
    schema (Schema): The schema.
    mining (StrategySettings): The mining settings; ``strategy`` "mbre" with
        ``proposer`` "classifier" (or "both"); each round sets the proposer
        model (give :data:`PER_ROUND` as ``proposer_model``) and the fitted
        decision.
    settings (VerifiedSettings): Rounds, training overrides, calibration.
    examples (Sequence[PairExample]): In-context examples for the LLM.
    proposer_model (Optional[Path]): The round-0 proposer (a trained gold
        pipeline); None = train one on the gold docs first.
    dev_path (Optional[Path]): Dev docs of spaCy's evaluation (model-best);
        None = the gold docs.
    mine_options (Optional[Dict[str, Any]]): More keyword arguments of
        :func:`spacy_mbre.mining.run.mine` (model, model_config, cache,
        batch_pairs, progress); the cache defaults to ``output_dir/answers.sqlite``
        and is shared by every round.
    printer (Optional[Printer]): Where progress goes.
    """

    def __init__(
        self,
        config_path: Path,
        gold_path: Path,
        pool_docs: Sequence[Doc],
        calibration_docs: Sequence[Doc],
        output_dir: Path,
        schema: Schema,
        mining: StrategySettings,
        settings: VerifiedSettings,
        *,
        examples: Sequence[PairExample] = (),
        proposer_model: Optional[Path] = None,
        dev_path: Optional[Path] = None,
        mine_options: Optional[Dict[str, Any]] = None,
        printer: Optional[Printer] = None,
    ) -> None:
        settings.validate()
        if mining.strategy != "mbre" or mining.proposer == "groups":
            raise ConfigError("verified self-training needs strategy 'mbre' with proposer 'classifier' or 'both'.")
        if not pool_docs:
            raise ConfigError("verified self-training: the pool holds no docs.")
        if not calibration_docs:
            raise ConfigError("verified self-training: no calibration docs (held-out gold) to fit the decision on.")
        for name, path in (("config", config_path), ("gold", gold_path)):
            if not Path(path).exists():
                raise ConfigError(f"verified self-training: no {name} file at {path}.")
        if proposer_model is not None and not (Path(proposer_model) / settings.component).is_dir():
            raise ConfigError(f"verified self-training: {proposer_model} has no component {settings.component!r}.")
        self.config_path = Path(config_path)
        self.gold_path = Path(gold_path)
        self.pool_docs = list(pool_docs)
        self.calibration_docs = list(calibration_docs)
        self.output_dir = Path(output_dir)
        self.schema = schema
        self.mining = mining
        self.settings = settings
        self.examples = list(examples)
        self.proposer_model = Path(proposer_model) if proposer_model is not None else None
        self.dev_path = Path(dev_path) if dev_path is not None else self.gold_path
        self.mine_options = dict(mine_options or {})
        self.mine_options.setdefault("cache", self.output_dir / "answers.sqlite")
        self.msg = printer or Printer()
        self.steps: List[Dict[str, Any]] = []

    def _step(self, name: str, run: Callable[[Path], Dict[str, Any]], resumable: bool = False) -> Dict[str, Any]:
        record = run_step(self.output_dir, name, run, self.msg, title="Verified self-training", resumable=resumable)
        self.steps.append(record)
        return record

    def _train(self, name: str, extra: Sequence[Path]) -> Path:
        overrides = {
            **self.settings.overrides,
            "paths.train": str(self.gold_path),
            "paths.dev": str(self.dev_path),
            "paths.extra": [str(p) for p in extra],
            "system.seed": self.settings.seed,
        }

        def run(directory: Path) -> Dict[str, Any]:
            train_model(self.config_path, directory, overrides, component=self.settings.component)
            best = directory / "model-best"
            return {"model": str(best if best.exists() else directory / "model-last")}

        return Path(self._step(name, run)["model"])

    def _calibrate(self, name: str, mining: StrategySettings) -> Dict[str, Any]:
        from ..mining.crossfit import holdout_calibrate

        def run(directory: Path) -> Dict[str, Any]:
            calibration = holdout_calibrate(
                self.calibration_docs, directory, self.schema, mining, examples=self.examples,
                objective=self.settings.objective, target_precision=self.settings.target_precision,
                mine_options=self.mine_options, printer=self.msg,
            )
            return {"decision": calibration.decision, "calibration_scores": calibration.scores,
                    "reached": calibration.reached, "n_pairs": calibration.n_pairs}

        return self._step(name, run, resumable=True)

    def _mine(self, name: str, mining: StrategySettings) -> Dict[str, Any]:
        from ..mining.run import mine

        def run(directory: Path) -> Dict[str, Any]:
            report = mine([d.copy() for d in self.pool_docs], directory, self.schema, mining, examples=self.examples,
                          printer=self.msg, **self.mine_options)
            view = write_training_view(directory, self.schema, self.settings.policy)
            micro = (report.get("gold") or {}).get("micro") or {}
            total = report["total"]
            self.msg.good(
                f"{name}: {report['mined']['relations']} mined labels; {int(total['llm_calls'])} new LLM calls, "
                f"{int(total['cache_hits'])} from the cache, {total['seconds']:.0f} LLM s"
                + (f"; vs hidden gold P {micro['p']:.3f} R {micro['r']:.3f}" if micro else "")
            )
            return {"train_view": str(directory / TRAIN_VIEW), "mined_labels": report["mined"]["relations"],
                    "llm_calls": total["llm_calls"], "cache_hits": total["cache_hits"],
                    "llm_seconds": total["seconds"], "gold": micro or None, "view": view}

        return self._step(name, run, resumable=True)

    def _run_settings(self) -> Dict[str, Any]:
        s = self.settings
        settings = {"rounds": s.rounds, "seed": s.seed, "component": s.component, "overrides": s.overrides,
                    "objective": s.objective, "target_precision": s.target_precision,
                    "policy": s.policy.to_dict(), "mining": self.mining.to_dict(), "config": str(self.config_path),
                    "gold": str(self.gold_path), "dev": str(self.dev_path), "pool_docs": len(self.pool_docs),
                    "calibration_docs": len(self.calibration_docs), "examples": len(self.examples),
                    "proposer_model": str(self.proposer_model) if self.proposer_model else None}
        return json.loads(json.dumps(settings, default=str))

    def _check_run(self) -> None:
        """Write the settings to ``run.json``, or check a resumed run's.

        RAISES (ConfigError): The directory holds a run with other settings.
        """
        check_run_settings(self.output_dir / RUN_FILE, self._run_settings(), "verified self-training")

    def run(self) -> Path:
        """Run every step not done yet.

        RETURNS (Path): ``output_dir/model-last``, the last round's classifier.
        """
        self.output_dir.mkdir(parents=True, exist_ok=True)
        self._check_run()
        start = time.perf_counter()
        proposer = self.proposer_model or self._train("round-0/train", [])
        rounds: List[Dict[str, Any]] = []
        for t in range(1, self.settings.rounds + 1):
            mining = replace(self.mining, proposer_model=str(proposer), rule="combined")
            calibration = self._calibrate(f"round-{t}/calibrate", mining)
            mining = replace(mining, **calibration["decision"])
            mined = self._mine(f"round-{t}/mine", mining)
            proposer = self._train(f"round-{t}/train", [Path(mined["train_view"])])
            rounds.append({"round": t, "proposer": mining.proposer_model, "decision": calibration["decision"],
                           **{k: mined[k] for k in ("mined_labels", "llm_calls", "cache_hits", "llm_seconds",
                                                    "gold")}, "model": str(proposer)})
        final = self.output_dir / "model-last"
        if final.exists():
            shutil.rmtree(final)
        shutil.copytree(proposer, final)
        summary = {**self._run_settings(), "rounds_run": rounds, "final_model": str(final), "steps": self.steps,
                   "seconds_this_run": time.perf_counter() - start}
        srsly.write_json(self.output_dir / SUMMARY_FILE, json.loads(json.dumps(summary, default=str)))
        self.msg.good(f"Verified self-training done: {final}")
        return final

