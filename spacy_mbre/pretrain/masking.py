"""Masked span language modelling (MSLM, TKRE's first pre-training stage).

Every token is masked independently with a probability that depends on its
region: 0.8 between the head and the tail, 0.5 on the entities' word pieces,
0.2 elsewhere and never on special tokens. A masked token is replaced by the
mask token (no BERT-style 80/10/10 split: the paper describes replacement
only); the loss is the cross-entropy of the original token at masked
positions (labels are -100 elsewhere).
"""
from dataclasses import dataclass
from typing import Sequence, Tuple

import torch

from ..errors import ConfigError
from .spans import EncodedSample

IGNORE_INDEX = -100


@dataclass(frozen=True)
class MaskProbabilities:
    """Per-token mask probabilities by region.

    between (float): Tokens strictly between the head and the tail.
    entity (float): The head's and the tail's word pieces.
    other (float): Every other non-special token.
    """

    between: float = 0.8
    entity: float = 0.5
    other: float = 0.2

    def __post_init__(self) -> None:
        for name in ("between", "entity", "other"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ConfigError(f"The {name} mask probability must be between 0 and 1, got {value}.")


def token_probabilities(sample: EncodedSample, probs: MaskProbabilities) -> torch.Tensor:
    """sample (EncodedSample): An encoded sample.
    probs (MaskProbabilities): The probabilities by region.
    RETURNS (torch.Tensor): (length,) float mask probability per token.
    """
    out = torch.full((len(sample),), probs.other, dtype=torch.float)
    out[sample.between.start : sample.between.end] = probs.between
    out[sample.head.start : sample.head.end] = probs.entity
    out[sample.tail.start : sample.tail.end] = probs.entity
    out[torch.tensor(sample.special, dtype=torch.bool)] = 0.0
    return out


def probability_matrix(batch: Sequence[EncodedSample], probs: MaskProbabilities, width: int) -> torch.Tensor:
    """batch (Sequence[EncodedSample]): The samples.
    probs (MaskProbabilities): The probabilities by region.
    width (int): The padded length (padding gets probability 0).
    RETURNS (torch.Tensor): (batch, width) mask probabilities.
    """
    out = torch.zeros((len(batch), width), dtype=torch.float)
    for i, sample in enumerate(batch):
        out[i, : len(sample)] = token_probabilities(sample, probs)
    return out


def mask_tokens(
    input_ids: torch.Tensor, probabilities: torch.Tensor, mask_token_id: int, generator: torch.Generator
) -> Tuple[torch.Tensor, torch.Tensor]:
    """Draw the masks.

    input_ids (torch.Tensor): (batch, width) token ids (CPU).
    probabilities (torch.Tensor): (batch, width) mask probabilities (CPU).
    mask_token_id (int): The tokenizer's mask token id.
    generator (torch.Generator): The random source (CPU), seeded per step.
    RETURNS (Tuple[torch.Tensor, torch.Tensor]): The masked ids and the labels
        (the original id where masked, IGNORE_INDEX elsewhere).
    """
    masked = torch.rand(probabilities.shape, generator=generator) < probabilities
    labels = torch.where(masked, input_ids, torch.full_like(input_ids, IGNORE_INDEX))
    masked_ids = torch.where(masked, torch.full_like(input_ids, mask_token_id), input_ids)
    return masked_ids, labels


def mslm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """logits (torch.Tensor): (batch, width, vocab) MLM scores.
    labels (torch.Tensor): (batch, width) targets, IGNORE_INDEX where not masked.
    RETURNS (torch.Tensor): Mean cross-entropy over masked tokens (0 if the
        draw masked none, instead of NaN).
    """
    if not bool((labels != IGNORE_INDEX).any()):
        return logits.sum() * 0.0
    return torch.nn.functional.cross_entropy(
        logits.reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=IGNORE_INDEX
    )
