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
Ctrl-C) model, heads, optimizer and scheduler are written to
``OUTPUT_DIR/checkpoint-<step>`` and the pointer ``checkpoint.json`` is
replaced atomically. A rerun with the same settings and samples continues
after the last checkpoint, so no step is repeated in the result or dropped,
and the final weights equal those of an uninterrupted run on the same
device.
"""
import hashlib
import json
import os
import random
import shutil
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Union

import srsly
import torch

from ..errors import ConfigError
from ..relations.encoder import DEFAULT_ENCODER, resolve_encoder_name
from .contrastive import SpanContrastiveHead, build_contrastive_batch
from .masking import MaskProbabilities, mask_tokens, mslm_loss, probability_matrix
from .samples import PretrainSample, label_set
from .spans import EncodedSample, encode_samples

ENCODER_DIR = "encoder"
CHECKPOINT_POINTER = "checkpoint.json"
CHECKPOINT_PREFIX = "checkpoint-"
STATE_FILE = "state.pt"
REPORT = "report.json"
PROVENANCE = "mbre_pretraining.json"
STAGE_MSLM = 1
STAGE_SCL = 2


@dataclass
class PretrainSettings:
    """What a pre-training run does (all but ``device`` must match on resume).

    encoder (str): The encoder: a directory, a model package with
        ``get_model_path()`` or a hub name (as MarkerRelationModel.v1's ``name``).
    stage1_steps (int): Steps of stage 1 (MSLM).
    stage2_steps (int): Steps of stage 2 (MSLM + SCL).
    batch_size (int): Samples per step.
    learn_rate (float): Peak AdamW learning rate.
    warmup_steps (int): Linear warm-up steps.
    head_only_steps (int): First steps that update only the MLM head's own
        weights (not the encoder, nor the word embeddings tied to the
        decoder): for checkpoints without a trained MLM head, such as the
        default sentence-transformers MiniLM. 0 = none (the paper).
    weight_decay (float): AdamW weight decay.
    grad_clip (float): Gradient norm clipping (0 = none).
    max_length (int): Input limit in tokens (longer texts are windowed).
    mask_between (float): Mask probability between the entities.
    mask_entity (float): Mask probability on the entities.
    mask_other (float): Mask probability elsewhere.
    temperature (float): SCL temperature.
    lambda_mslm (float): Weight of the MSLM loss (λ1).
    lambda_scl (float): Weight of the SCL loss in stage 2 (λ2).
    seed (int): Seed of everything random.
    checkpoint_every (int): Steps between checkpoints.
    device (str): "auto" (CUDA if available), "cpu", "cuda", "cuda:1", ...
    """

    encoder: str = DEFAULT_ENCODER
    stage1_steps: int = 500
    stage2_steps: int = 500
    batch_size: int = 16
    learn_rate: float = 5e-5
    warmup_steps: int = 50
    head_only_steps: int = 0
    weight_decay: float = 0.01
    grad_clip: float = 1.0
    max_length: int = 128
    mask_between: float = 0.8
    mask_entity: float = 0.5
    mask_other: float = 0.2
    temperature: float = 0.1
    lambda_mslm: float = 1.0
    lambda_scl: float = 1.0
    seed: int = 0
    checkpoint_every: int = 100
    device: str = "auto"

    def __post_init__(self) -> None:
        for name in ("stage1_steps", "stage2_steps", "warmup_steps", "head_only_steps"):
            if getattr(self, name) < 0:
                raise ConfigError(f"{name} must be >= 0, got {getattr(self, name)}.")
        for name in ("batch_size", "checkpoint_every", "max_length"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1, got {getattr(self, name)}.")
        if self.total_steps < 1:
            raise ConfigError("stage1_steps + stage2_steps must be at least 1.")
        if self.temperature <= 0:
            raise ConfigError(f"temperature must be positive, got {self.temperature}.")
        self.mask  # validates the probabilities

    @property
    def total_steps(self) -> int:
        """RETURNS (int): Steps of both stages."""
        return self.stage1_steps + self.stage2_steps

    @property
    def mask(self) -> MaskProbabilities:
        """RETURNS (MaskProbabilities): The per-region mask probabilities."""
        return MaskProbabilities(self.mask_between, self.mask_entity, self.mask_other)

    def stage(self, step: int) -> int:
        """step (int): A 0-based global step.
        RETURNS (int): STAGE_MSLM or STAGE_SCL.
        """
        return STAGE_MSLM if step < self.stage1_steps else STAGE_SCL

    def identity(self) -> Dict[str, Any]:
        """RETURNS (Dict[str, Any]): The settings a resumed run must share."""
        out = asdict(self)
        out.pop("device")
        return out


@dataclass
class StepRecord:
    """What one step did.

    step (int): The 0-based global step.
    stage (int): STAGE_MSLM or STAGE_SCL.
    mslm (float): The MSLM loss.
    scl (Optional[float]): The SCL loss (stage 2 only).
    scl_rows (int): Samples that took part in SCL.
    masked (int): Tokens masked.
    seconds (float): Wall time of the step.
    """

    step: int
    stage: int
    mslm: float
    scl: Optional[float]
    scl_rows: int
    masked: int
    seconds: float


@dataclass
class RunState:
    """What a checkpoint holds besides the weights.

    step (int): Steps done.
    history (List[StepRecord]): One record per step done.
    excluded (Counter): SCL rows left out, by reason.
    """

    step: int = 0
    history: List[StepRecord] = field(default_factory=list)
    excluded: Counter = field(default_factory=Counter)


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


def resolve_device(name: str) -> torch.device:
    """name (str): "auto", "cpu", "cuda", "cuda:N".
    RETURNS (torch.device): The device.
    """
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        device = torch.device(name)
    except RuntimeError as err:
        raise ConfigError(f"--device: {err}") from None
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ConfigError(f"--device {name}: CUDA is not available here.")
    return device


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
    def save_checkpoint(self, output_dir: Path, identity: Dict[str, Any]) -> Path:
        """Write the checkpoint of the steps done and point to it.

        output_dir (Path): The run's output directory.
        identity (Dict[str, Any]): Settings and corpus fingerprint.
        RETURNS (Path): The checkpoint directory.
        """
        step = self.state.step
        path = output_dir / f"{CHECKPOINT_PREFIX}{step}"
        pointer = output_dir / CHECKPOINT_POINTER
        if pointer.exists() and json.loads(pointer.read_text(encoding="utf8"))["checkpoint"] == path.name:
            return path  # already written (e.g. Ctrl-C right after a checkpoint): never rewrite the live one
        if path.exists():
            shutil.rmtree(path)
        path.mkdir(parents=True)
        torch.save(
            {
                "model": self.model.state_dict(),
                "head": self.head.state_dict(),
                "optimizer": self.optimizer.state_dict(),
                "scheduler": self.scheduler.state_dict(),
            },
            path / STATE_FILE,
        )
        srsly.write_json(
            path / "run.json",
            {
                "identity": identity,
                "step": step,
                "history": [asdict(r) for r in self.state.history],
                "excluded": dict(self.state.excluded),
            },
        )
        tmp = output_dir / f"{CHECKPOINT_POINTER}.tmp"
        tmp.write_text(json.dumps({"checkpoint": path.name, "step": step}), encoding="utf8")
        os.replace(tmp, pointer)
        for old in output_dir.glob(f"{CHECKPOINT_PREFIX}*"):
            if old != path and old.is_dir():
                shutil.rmtree(old)
        return path

    def load_checkpoint(self, output_dir: Path, identity: Dict[str, Any]) -> bool:
        """Continue from the last checkpoint, if there is one.

        output_dir (Path): The run's output directory.
        identity (Dict[str, Any]): Settings and corpus fingerprint of this run.
        RETURNS (bool): Whether a checkpoint was loaded.
        RAISES (ConfigError): The checkpoint belongs to another run.
        """
        pointer = output_dir / CHECKPOINT_POINTER
        if not pointer.exists():
            return False
        path = output_dir / json.loads(pointer.read_text(encoding="utf8"))["checkpoint"]
        run = srsly.read_json(path / "run.json")
        if run["identity"] != json.loads(json.dumps(identity)):
            raise ConfigError(
                f"{path} belongs to a pre-training run with other settings or samples; "
                "use another output directory (or delete it to start over)."
            )
        state = torch.load(path / STATE_FILE, map_location=self.device, weights_only=True)
        self.model.load_state_dict(state["model"])
        self.head.load_state_dict(state["head"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.scheduler.load_state_dict(state["scheduler"])
        self.state = RunState(
            step=int(run["step"]),
            history=[StepRecord(**r) for r in run["history"]],
            excluded=Counter(run["excluded"]),
        )
        return True

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
