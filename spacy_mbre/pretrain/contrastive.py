"""Span-level contrastive learning (SCL, TKRE's second pre-training stage).

For every labelled sample in a batch:

* the **anchor** is a learned embedding of its relation label (one row per
  label, :data:`~.samples.NO_RELATION` included);
* the **positive** is the mean of the encoder's last hidden states over the
  word pieces between the head and the tail;
* the **negative** is the mean over a random span of 1–3 word pieces that
  lies outside both entities and outside the between span (so it never
  overlaps the positive), drawn with a generator seeded per step.

All three go through the same projection MLP (linear → GELU → linear) and
are L2-normalised; the loss is InfoNCE with temperature 0.1 over the pair
(positive, negative): ``-log(exp(a·p/τ) / (exp(a·p/τ) + exp(a·n/τ)))``,
averaged over the samples that have an anchor, a positive and a negative.
Samples without one of them are left out of SCL (they still count for the
masked span LM) and are counted by reason.
"""
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

import torch

from .spans import EncodedSample, TokenSpan

EXCLUDED_UNLABELLED = "unlabelled"
EXCLUDED_NO_BETWEEN = "entities_adjacent"
EXCLUDED_NO_NEGATIVE = "no_span_outside"
MAX_NEGATIVE_WIDTH = 3


def negative_positions(sample: EncodedSample) -> List[bool]:
    """sample (EncodedSample): An encoded sample.
    RETURNS (List[bool]): Per position, whether a negative span may cover it:
        not a special token, not an entity, not between them.
    """
    blocked = set(sample.head.positions()) | set(sample.tail.positions()) | set(sample.between.positions())
    return [not special and i not in blocked for i, special in enumerate(sample.special)]


def draw_negative(
    sample: EncodedSample, rng: random.Random, max_width: int = MAX_NEGATIVE_WIDTH
) -> Optional[TokenSpan]:
    """Draw the negative span: a width from 1 to max_width uniformly among
    the widths that fit somewhere, then a start uniformly among the places
    it fits.

    sample (EncodedSample): An encoded sample.
    rng (random.Random): The random source.
    max_width (int): The widest span.
    RETURNS (Optional[TokenSpan]): The span, or None if no position is free.
    """
    free = negative_positions(sample)
    starts: Dict[int, List[int]] = {}
    for width in range(1, max_width + 1):
        fits = [s for s in range(len(free) - width + 1) if all(free[s : s + width])]
        if fits:
            starts[width] = fits
    if not starts:
        return None
    width = rng.choice(sorted(starts))
    start = rng.choice(starts[width])
    return TokenSpan(start, start + width)


@dataclass
class ContrastiveBatch:
    """The SCL inputs of one batch.

    rows (List[int]): The batch rows that take part.
    label_ids (torch.Tensor): (n,) anchor label index per row.
    positive (torch.Tensor): (n, width) 1.0 on the between span.
    negative (torch.Tensor): (n, width) 1.0 on the negative span.
    excluded (Counter): Rows left out, by reason.
    """

    rows: List[int]
    label_ids: torch.Tensor
    positive: torch.Tensor
    negative: torch.Tensor
    excluded: Counter = field(default_factory=Counter)

    def __len__(self) -> int:
        return len(self.rows)


def build_contrastive_batch(
    batch: Sequence[EncodedSample], labels: Dict[str, int], width: int, rng: random.Random
) -> ContrastiveBatch:
    """batch (Sequence[EncodedSample]): The batch.
    labels (Dict[str, int]): Anchor index by label.
    width (int): The padded length.
    rng (random.Random): Draws the negatives.
    RETURNS (ContrastiveBatch): The rows with anchor, positive and negative.
    """
    rows: List[int] = []
    label_ids: List[int] = []
    positive = torch.zeros((len(batch), width))
    negative = torch.zeros((len(batch), width))
    excluded: Counter = Counter()
    for i, sample in enumerate(batch):
        if sample.label is None or sample.label not in labels:
            excluded[EXCLUDED_UNLABELLED] += 1
            continue
        if not len(sample.between):
            excluded[EXCLUDED_NO_BETWEEN] += 1
            continue
        span = draw_negative(sample, rng)
        if span is None:
            excluded[EXCLUDED_NO_NEGATIVE] += 1
            continue
        positive[len(rows), sample.between.start : sample.between.end] = 1.0
        negative[len(rows), span.start : span.end] = 1.0
        rows.append(i)
        label_ids.append(labels[sample.label])
    n = len(rows)
    return ContrastiveBatch(rows, torch.tensor(label_ids, dtype=torch.long), positive[:n], negative[:n], excluded)


def mean_pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """hidden (torch.Tensor): (n, width, dim) hidden states.
    mask (torch.Tensor): (n, width) 1.0 on the positions to pool.
    RETURNS (torch.Tensor): (n, dim) means over the masked positions.
    """
    mask = mask.to(hidden.dtype).unsqueeze(-1)
    return (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)


class SpanContrastiveHead(torch.nn.Module):
    """Relation embeddings (the anchors), the projection MLP and the loss.

    hidden_size (int): The encoder's hidden size.
    labels (Sequence[str]): The anchor labels, in index order.
    projection_size (Optional[int]): Output size of the projection; None =
        hidden_size.
    temperature (float): The InfoNCE temperature.
    """

    def __init__(
        self, hidden_size: int, labels: Sequence[str], projection_size: Optional[int] = None, temperature: float = 0.1
    ) -> None:
        super().__init__()
        if temperature <= 0:
            raise ValueError(f"The temperature must be positive, got {temperature}.")
        self.labels = list(labels)
        self.temperature = temperature
        size = projection_size or hidden_size
        self.relation_embeddings = torch.nn.Embedding(max(1, len(self.labels)), hidden_size)
        torch.nn.init.normal_(self.relation_embeddings.weight, std=0.02)
        self.projection = torch.nn.Sequential(
            torch.nn.Linear(hidden_size, hidden_size), torch.nn.GELU(), torch.nn.Linear(hidden_size, size)
        )

    @property
    def label_index(self) -> Dict[str, int]:
        """RETURNS (Dict[str, int]): Anchor index by label."""
        return {label: i for i, label in enumerate(self.labels)}

    def project(self, vectors: torch.Tensor) -> torch.Tensor:
        """vectors (torch.Tensor): (n, hidden) vectors.
        RETURNS (torch.Tensor): (n, size) projected, L2-normalised vectors.
        """
        return torch.nn.functional.normalize(self.projection(vectors), dim=-1)

    def forward(self, hidden: torch.Tensor, batch: ContrastiveBatch) -> torch.Tensor:
        """hidden (torch.Tensor): (batch, width, hidden) last hidden states.
        batch (ContrastiveBatch): The SCL rows of the batch.
        RETURNS (torch.Tensor): The mean InfoNCE loss (0 if no row takes part).
        """
        if not len(batch):
            return hidden.sum() * 0.0
        device = hidden.device
        states = hidden[torch.tensor(batch.rows, device=device)]
        anchor = self.project(self.relation_embeddings(batch.label_ids.to(device)))
        positive = self.project(mean_pool(states, batch.positive.to(device)))
        negative = self.project(mean_pool(states, batch.negative.to(device)))
        logits = torch.stack([(anchor * positive).sum(-1), (anchor * negative).sum(-1)], dim=-1) / self.temperature
        target = torch.zeros(len(batch), dtype=torch.long, device=device)
        return torch.nn.functional.cross_entropy(logits, target)
