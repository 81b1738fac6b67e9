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
"""
import hashlib
import json
import random
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Union

import srsly
import torch

from ..errors import ConfigError
from ..relations.encoder import resolve_encoder_name
from .checkpoints import RunState, Stateful, StepRecord, load_checkpoint, save_checkpoint
from .contrastive import SpanContrastiveHead, build_contrastive_batch
from .masking import mask_tokens, mslm_loss, probability_matrix
from .samples import PretrainSample, label_set
from .settings import STAGE_MSLM, STAGE_SCL, PretrainSettings, resolve_device
from .spans import EncodedSample, encode_samples

ENCODER_DIR = "encoder"
REPORT = "report.json"
PROVENANCE = "mbre_pretraining.json"


def seed_for(seed: int, step: int, purpose: str) -> int:
    """seed (int): The run's seed.
    step (int): The step (or epoch).
    purpose (str): What the draw is for ("batch", "mask", "negative", "dropout").
    RETURNS (int): A 63-bit seed derived from all three.
    """
    digest = hashlib.sha256(f"{seed}\x1f{step}\x1f{purpose}".encode("utf8")).hexdigest()
    return int(digest[:15], 16)


def batch_indices(n_samples: int, batch_size: int, step: int, seed: int) -> List[int]:
    """n_samples (int): The corpus size.
    batch_size (int): Samples per step.
    step (int): The step.
    seed (int): The run's seed.
    RETURNS (List[int]): The sample indices of the step: positions
        step·batch_size ... of a stream of per-epoch permutations.
    """
    out: List[int] = []
    perms: Dict[int, List[int]] = {}
    for pos in range(step * batch_size, (step + 1) * batch_size):
        epoch, i = divmod(pos, n_samples)
        if epoch not in perms:
            perm = list(range(n_samples))
            random.Random(seed_for(seed, epoch, "batch")).shuffle(perm)
            perms[epoch] = perm
        out.append(perms[epoch][i])
    return out


def samples_fingerprint(samples: Sequence[EncodedSample]) -> str:
    """samples (Sequence[EncodedSample]): The encoded corpus.
    RETURNS (str): Its sha256 (a resumed run must read the same corpus).
    """
    payload = [[list(s.input_ids), s.head.start, s.head.end, s.tail.start, s.tail.end, s.label] for s in samples]
    return hashlib.sha256(json.dumps(payload).encode("utf8")).hexdigest()


class Pretrainer:
    """Runs the steps (see module docs).

    model (torch.nn.Module): An AutoModelForMaskedLM.
    tokenizer (Any): Its fast tokenizer.
    head (SpanContrastiveHead): Anchors, projection and SCL loss.
    samples (Sequence[EncodedSample]): The encoded corpus.
    settings (PretrainSettings): The settings.
    device (torch.device): Where to train.
    """

    def __init__(
        self,
        model: torch.nn.Module,
        tokenizer: Any,
        head: SpanContrastiveHead,
        samples: Sequence[EncodedSample],
        settings: PretrainSettings,
        device: torch.device,
    ) -> None:
        from transformers import get_linear_schedule_with_warmup

        if not samples:
            raise ConfigError("No pre-training samples.")
        if tokenizer.mask_token_id is None:
            raise ConfigError(f"The encoder's tokenizer ({type(tokenizer).__name__}) has no mask token.")
        self.model = model.to(device)
        self.head = head.to(device)
        self.tokenizer = tokenizer
        self.samples = list(samples)
        self.settings = settings
        self.device = device
        self.label_index = head.label_index
        params = [p for p in [*self.model.parameters(), *self.head.parameters()] if p.requires_grad]
        self.optimizer = torch.optim.AdamW(params, lr=settings.learn_rate, weight_decay=settings.weight_decay)
        self.scheduler = get_linear_schedule_with_warmup(
            self.optimizer, min(settings.warmup_steps, settings.total_steps), settings.total_steps
        )
        self.state = RunState()

    # ------------------------------------------------------------------ steps
    def pad(self, batch: Sequence[EncodedSample]) -> "tuple[torch.Tensor, torch.Tensor]":
        """batch (Sequence[EncodedSample]): The samples.
        RETURNS (tuple): (input_ids, attention_mask), padded (CPU).
        """
        width = max(len(s) for s in batch)
        pad_id = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else 0
        ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
        attention = torch.zeros((len(batch), width), dtype=torch.long)
        for i, sample in enumerate(batch):
            ids[i, : len(sample)] = torch.tensor(sample.input_ids, dtype=torch.long)
            attention[i, : len(sample)] = 1
        return ids, attention

    def train_step(self, step: int) -> StepRecord:
        """step (int): The 0-based global step to run.
        RETURNS (StepRecord): What it did.
        """
        start = time.perf_counter()
        settings = self.settings
        stage = settings.stage(step)
        batch = [self.samples[i] for i in batch_indices(len(self.samples), settings.batch_size, step, settings.seed)]
        ids, attention = self.pad(batch)
        probs = probability_matrix(batch, settings.mask, ids.shape[1])
        generator = torch.Generator().manual_seed(seed_for(settings.seed, step, "mask"))
        masked, labels = mask_tokens(ids, probs, self.tokenizer.mask_token_id, generator)
        self.model.train()
        self.head.train()
        devices = [self.device.index or 0] if self.device.type == "cuda" else []
        with torch.random.fork_rng(devices=devices):
            torch.manual_seed(seed_for(settings.seed, step, "dropout"))
            out = self.model(
                input_ids=masked.to(self.device),
                attention_mask=attention.to(self.device),
                output_hidden_states=stage == STAGE_SCL,
            )
            loss_mslm = mslm_loss(out.logits, labels.to(self.device))
            loss = settings.lambda_mslm * loss_mslm
            loss_scl: Optional[torch.Tensor] = None
            rows = 0
            if stage == STAGE_SCL:
                rng = random.Random(seed_for(settings.seed, step, "negative"))
                contrastive = build_contrastive_batch(batch, self.label_index, ids.shape[1], rng)
                self.state.excluded.update(contrastive.excluded)
                rows = len(contrastive)
                loss_scl = self.head(out.hidden_states[-1], contrastive)
                loss = loss + settings.lambda_scl * loss_scl
            loss.backward()
        if step < settings.head_only_steps:
            for param in self.model.base_model.parameters():
                param.grad = None
        if settings.grad_clip > 0:
            torch.nn.utils.clip_grad_norm_(
                [*self.model.parameters(), *self.head.parameters()], settings.grad_clip
            )
        self.optimizer.step()
        self.scheduler.step()
        self.optimizer.zero_grad(set_to_none=True)
        return StepRecord(
            step=step,
            stage=stage,
            mslm=float(loss_mslm.detach()),
            scl=None if loss_scl is None else float(loss_scl.detach()),
            scl_rows=rows,
            masked=int((labels != -100).sum()),
            seconds=time.perf_counter() - start,
        )

    # ------------------------------------------------------------ checkpoints
    @property
    def parts(self) -> Dict[str, Stateful]:
        """RETURNS (Dict[str, Stateful]): What a checkpoint saves, by name."""
        return {"model": self.model, "head": self.head, "optimizer": self.optimizer, "scheduler": self.scheduler}

    def save_checkpoint(self, output_dir: Path, identity: Dict[str, Any]) -> Path:
        """output_dir (Path): The run's output directory.
        identity (Dict[str, Any]): Settings and sample fingerprint.
        RETURNS (Path): The checkpoint of the steps done (see :mod:`.checkpoints`).
        """
        return save_checkpoint(output_dir, self.state, self.parts, identity)

    def load_checkpoint(self, output_dir: Path, identity: Dict[str, Any]) -> bool:
        """output_dir (Path): The run's output directory.
        identity (Dict[str, Any]): Settings and sample fingerprint of this run.
        RETURNS (bool): Whether a checkpoint was restored.
        RAISES (ConfigError): The checkpoint belongs to another run.
        """
        state = load_checkpoint(output_dir, self.parts, identity, self.device)
        if state is not None:
            self.state = state
        return state is not None

    # -------------------------------------------------------------------- run
    def run(
        self,
        output_dir: Path,
        identity: Dict[str, Any],
        progress: bool = True,
        on_step: Optional[Callable[[StepRecord], None]] = None,
    ) -> RunState:
        """Run the remaining steps, checkpointing as configured.

        output_dir (Path): The run's output directory.
        identity (Dict[str, Any]): Settings and corpus fingerprint.
        progress (bool): Show a progress bar.
        on_step (Optional[Callable[[StepRecord], None]]): Called after each step.
        RETURNS (RunState): The finished run's state.
        """
        from tqdm import tqdm

        settings = self.settings
        total = settings.total_steps
        bar = tqdm(total=total, initial=self.state.step, unit="step", desc="pretraining", disable=not progress)
        try:
            while self.state.step < total:
                record = self.train_step(self.state.step)
                self.state.history.append(record)
                self.state.step += 1
                bar.update(1)
                scl = "" if record.scl is None else f" scl {record.scl:.3f}"
                bar.set_postfix_str(f"stage {record.stage} mslm {record.mslm:.3f}{scl}")
                if self.state.step % settings.checkpoint_every == 0 or self.state.step == total:
                    self.save_checkpoint(output_dir, identity)
                if on_step is not None:
                    on_step(record)
        except KeyboardInterrupt:
            self.save_checkpoint(output_dir, identity)
            raise
        finally:
            bar.close()
        return self.state


def load_model(
    settings: PretrainSettings, labels: Sequence[str]
) -> "tuple[torch.nn.Module, Any, SpanContrastiveHead, List[str]]":
    """settings (PretrainSettings): The settings.
    labels (Sequence[str]): The SCL anchor labels.
    RETURNS (tuple): (AutoModelForMaskedLM, tokenizer, SpanContrastiveHead,
        the names of the masked LM's weights the checkpoint lacked), with any
        newly initialised weights drawn from the seed.
    """
    from transformers import AutoModelForMaskedLM, AutoTokenizer

    path = resolve_encoder_name(settings.encoder)
    try:
        tokenizer = AutoTokenizer.from_pretrained(path)
    except (OSError, ValueError) as err:
        raise ConfigError(f"--encoder {settings.encoder!r}: cannot load a tokenizer from {path!r}: {err}") from None
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(settings.seed)
        try:
            model, info = AutoModelForMaskedLM.from_pretrained(path, output_loading_info=True)
        except (OSError, ValueError) as err:
            raise ConfigError(f"--encoder {settings.encoder!r}: cannot load a masked LM from {path!r}: {err}") from None
        hidden = int(model.config.hidden_size)
        head = SpanContrastiveHead(hidden, labels, temperature=settings.temperature)
    return model, tokenizer, head, sorted(info.get("missing_keys", []))


def save_encoder(model: torch.nn.Module, tokenizer: Any, path: Path, provenance: Dict[str, Any]) -> None:
    """Write the bare encoder (no MLM head) and the tokenizer with
    ``save_pretrained``: a directory MarkerRelationModel.v1's ``name`` loads.

    model (torch.nn.Module): The AutoModelForMaskedLM.
    tokenizer (Any): Its tokenizer.
    path (Path): The directory.
    provenance (Dict[str, Any]): What made it (written to mbre_pretraining.json).
    """
    path.mkdir(parents=True, exist_ok=True)
    model.base_model.save_pretrained(str(path))
    tokenizer.save_pretrained(str(path))
    srsly.write_json(path / PROVENANCE, provenance)


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
