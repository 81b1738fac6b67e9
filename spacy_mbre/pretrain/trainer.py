"""The two-stage pre-training loop behind ``python -m spacy_mbre pretrain``.

Stage 1 trains the masked span LM (:mod:`.masking`) for ``stage1_steps``
steps; stage 2 trains ``λ1·MSLM + λ2·SCL`` (:mod:`.contrastive`) for
``stage2_steps`` more, continuing the same optimizer and learning-rate
schedule (linear warm-up, then linear decay to 0 over both stages). The model
is ``AutoModelForMaskedLM`` on any Hugging Face encoder; the end result is
the bare encoder and its tokenizer (``save_pretrained``) in
``OUTPUT_DIR/encoder``, which ``spacy-mbre.MarkerRelationModel.v1`` takes as
its ``name`` unchanged.

**Resuming.** Everything random is a function of ``(seed, step)``: the batch
of step ``s`` (positions ``s·batch_size ...`` of a stream of per-epoch
permutations seeded by ``(seed, epoch)``), its masks, its negative spans and
its dropout (drawn inside ``torch.random.fork_rng`` seeded per step, so the
caller's random state is untouched). Every ``checkpoint_every`` steps (and on
Ctrl-C) model, heads, optimizer and scheduler are checkpointed
(:mod:`.checkpoints`). A rerun with the same settings and samples continues
after the last checkpoint, so no step is repeated in the result or dropped,
and the final weights equal those of an uninterrupted run on the same
device.

This module runs the whole (:func:`pretrain`); the steps are in :mod:`.loop`,
the seeds and batches in :mod:`.seeding`, loading and saving the model in
:mod:`.model_io`.
"""
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Union

import srsly

from ..errors import ConfigError
from .checkpoints import StepRecord
from .loop import Pretrainer
from .model_io import PROVENANCE, load_model, save_encoder
from .samples import PretrainSample, label_set
from .seeding import batch_indices, samples_fingerprint, seed_for
from .settings import STAGE_MSLM, STAGE_SCL, PretrainSettings, resolve_device
from .spans import encode_samples

ENCODER_DIR = "encoder"
REPORT = "report.json"


def summarize(history: Sequence[StepRecord], stage: int) -> Dict[str, Any]:
    """history (Sequence[StepRecord]): The step records.
    stage (int): The stage.
    RETURNS (Dict[str, Any]): Steps, seconds and mean losses of the stage's
        first and last tenth of steps.
    """
    records = [r for r in history if r.stage == stage]
    if not records:
        return {"steps": 0, "seconds": 0.0}
    k = max(1, len(records) // 10)

    def mean(values: List[Optional[float]]) -> Optional[float]:
        kept = [v for v in values if v is not None]
        return sum(kept) / len(kept) if kept else None

    return {
        "steps": len(records),
        "seconds": sum(r.seconds for r in records),
        "mslm_first": mean([r.mslm for r in records[:k]]),
        "mslm_last": mean([r.mslm for r in records[-k:]]),
        "scl_first": mean([r.scl for r in records[:k]]),
        "scl_last": mean([r.scl for r in records[-k:]]),
        "mean_scl_rows": sum(r.scl_rows for r in records) / len(records),
    }


def pretrain(
    samples: Sequence[PretrainSample],
    output_dir: Union[str, Path],
    settings: PretrainSettings,
    progress: bool = True,
    on_step: Optional[Callable[[StepRecord], None]] = None,
) -> Dict[str, Any]:
    """Run (or resume) the two stages and write ``encoder/`` (the encoder for
    MarkerRelationModel.v1), ``report.json`` and the last checkpoint to
    ``output_dir``.

    samples (Sequence[PretrainSample]): The texts with located entity pairs.
    output_dir (Union[str, Path]): The output directory.
    settings (PretrainSettings): The settings.
    progress (bool): Show a progress bar.
    on_step (Optional[Callable[[StepRecord], None]]): Called after each step.
    RETURNS (Dict[str, Any]): The report.
    """
    output_dir = Path(output_dir)
    labels = label_set(samples)
    if settings.stage2_steps and not labels:
        raise ConfigError("Stage 2 (SCL) needs labelled samples; give a relation corpus or set stage2_steps to 0.")
    device = resolve_device(settings.device)
    model, tokenizer, head, new_weights = load_model(settings, labels)
    encoded, skipped = encode_samples(tokenizer, samples, settings.max_length)
    if not encoded:
        raise ConfigError("None of the pre-training samples fits the encoder (see max_length).")
    identity = {"settings": settings.identity(), "samples": samples_fingerprint(encoded), "labels": labels}
    output_dir.mkdir(parents=True, exist_ok=True)
    trainer = Pretrainer(model, tokenizer, head, encoded, settings, device)
    resumed = trainer.load_checkpoint(output_dir, identity)
    resumed_at = trainer.state.step
    state = trainer.run(output_dir, identity, progress=progress, on_step=on_step)
    report: Dict[str, Any] = {
        "settings": asdict(settings),
        "device": str(device),
        "encoder_dir": str(output_dir / ENCODER_DIR),
        "labels": labels,
        "new_mlm_weights": new_weights,
        "samples": len(samples),
        "encoded": len(encoded),
        "samples_by_source": dict(Counter(s.source for s in encoded)),
        "labelled": sum(s.label is not None for s in encoded),
        "skipped": dict(Counter(reason for _, reason in skipped)),
        "scl_excluded": dict(state.excluded),
        "resumed_at_step": resumed_at if resumed else None,
        "stage1": summarize(state.history, STAGE_MSLM),
        "stage2": summarize(state.history, STAGE_SCL),
    }
    save_encoder(trainer.model, tokenizer, output_dir / ENCODER_DIR, {"command": "pretrain", **identity})
    srsly.write_json(output_dir / REPORT, report)
    return report


__all__ = [
    "ENCODER_DIR",
    "PROVENANCE",
    "REPORT",
    "Pretrainer",
    "batch_indices",
    "load_model",
    "pretrain",
    "samples_fingerprint",
    "save_encoder",
    "seed_for",
    "summarize",
]
