"""The pre-training steps: :class:`Pretrainer` runs stage 1 (MSLM) and stage 2
(MSLM + SCL) step by step, with checkpoints and resuming (see
:mod:`.trainer`)."""

import random
import time
from pathlib import Path
from typing import Any, Callable, Dict, Optional, Sequence

import torch

from ..errors import ConfigError
from .checkpoints import RunState, Stateful, StepRecord, load_checkpoint, save_checkpoint
from .contrastive import SpanContrastiveHead, build_contrastive_batch
from .masking import mask_tokens, mslm_loss, probability_matrix
from .seeding import batch_indices, seed_for
from .settings import STAGE_SCL, PretrainSettings
from .spans import EncodedSample


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
