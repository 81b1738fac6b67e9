"""Span-level contrastive learning: negatives, batch building and the loss."""
import math
import random
from collections import Counter
from typing import Any, List

import pytest
import torch

from spacy_mbre.pretrain.contrastive import (
    EXCLUDED_NO_BETWEEN,
    EXCLUDED_NO_NEGATIVE,
    EXCLUDED_UNLABELLED,
    ContrastiveBatch,
    SpanContrastiveHead,
    build_contrastive_batch,
    draw_negative,
    mean_pool,
)
from spacy_mbre.pretrain.samples import PretrainSample
from spacy_mbre.pretrain.spans import EncodedSample, TokenSpan, encode_samples


def test_negative_spans_lie_outside_entities_and_between(tokenizer: Any, samples: List[PretrainSample]) -> None:
    encoded, _ = encode_samples(tokenizer, samples, 64)
    rng = random.Random(0)
    widths: Counter = Counter()
    for sample in encoded:
        blocked = {*sample.head.positions(), *sample.tail.positions(), *sample.between.positions()}
        for _ in range(200):
            span = draw_negative(sample, rng)
            assert span is not None
            assert 1 <= len(span) <= 3
            widths[len(span)] += 1
            for i in span.positions():
                assert i not in blocked and not sample.special[i]
    assert set(widths) == {1, 2, 3}


def test_no_negative_when_nothing_is_outside() -> None:
    sample = EncodedSample((1, 5, 6, 7, 2), (True, False, False, False, True), TokenSpan(1, 2), TokenSpan(3, 4),
                           TokenSpan(2, 3), "X")
    assert draw_negative(sample, random.Random(0)) is None


def test_batch_excludes_rows_without_anchor_positive_or_negative() -> None:
    special = (True, False, False, False, False, False, True)
    ok = EncodedSample(tuple(range(7)), special, TokenSpan(1, 2), TokenSpan(3, 4), TokenSpan(2, 3), "A")
    unlabelled = EncodedSample(tuple(range(7)), special, TokenSpan(1, 2), TokenSpan(3, 4), TokenSpan(2, 3), None)
    adjacent = EncodedSample(tuple(range(7)), special, TokenSpan(1, 2), TokenSpan(2, 3), TokenSpan(2, 2), "A")
    no_outside = EncodedSample(tuple(range(7)), special, TokenSpan(1, 2), TokenSpan(5, 6), TokenSpan(2, 5), "B")
    batch = build_contrastive_batch([unlabelled, ok, adjacent, no_outside], {"A": 0, "B": 1}, 7, random.Random(0))
    assert batch.rows == [1]
    assert batch.label_ids.tolist() == [0]
    assert batch.positive.tolist() == [[0, 0, 1, 0, 0, 0, 0]]
    assert batch.negative[0, 4:6].sum() >= 1 and batch.negative[0, :4].sum() == 0
    assert batch.excluded == Counter({EXCLUDED_UNLABELLED: 1, EXCLUDED_NO_BETWEEN: 1, EXCLUDED_NO_NEGATIVE: 1})


def test_mean_pool() -> None:
    hidden = torch.arange(12, dtype=torch.float).reshape(1, 4, 3)
    assert mean_pool(hidden, torch.tensor([[0.0, 1.0, 1.0, 0.0]])).tolist() == [[4.5, 5.5, 6.5]]


def test_loss_is_infonce_over_positive_and_negative() -> None:
    head = SpanContrastiveHead(4, ["A"], temperature=0.1)
    hidden = torch.randn(1, 5, 4)
    positive, negative = torch.tensor([[0, 1.0, 1, 0, 0]]), torch.tensor([[0, 0, 0, 1.0, 0]])
    batch = ContrastiveBatch([0], torch.tensor([0]), positive, negative)
    loss = head(hidden, batch)
    with torch.no_grad():
        a = head.project(head.relation_embeddings.weight[:1])
        p = head.project(hidden[:, 1:3].mean(1))
        n = head.project(hidden[:, 3:4].mean(1))
    sp, sn = float((a * p).sum()) / 0.1, float((a * n).sum()) / 0.1
    assert float(loss.detach()) == pytest.approx(-sp + math.log(math.exp(sp) + math.exp(sn)), rel=1e-4)
    assert torch.allclose(a.norm(dim=-1), torch.ones(1))


def test_empty_batch_gives_zero_loss() -> None:
    head = SpanContrastiveHead(4, ["A"])
    empty = ContrastiveBatch([], torch.zeros(0, dtype=torch.long), torch.zeros(0, 5), torch.zeros(0, 5))
    assert float(head(torch.randn(2, 5, 4), empty).detach()) == 0.0


def test_contrastive_loss_decreases_on_a_toy_batch() -> None:
    torch.manual_seed(0)
    n, width, dim = 8, 10, 16
    hidden = torch.nn.Parameter(torch.randn(n, width, dim))
    head = SpanContrastiveHead(dim, ["A", "B"], temperature=0.1)
    positive = torch.zeros(n, width)
    positive[:, 3:6] = 1.0
    negative = torch.zeros(n, width)
    negative[:, 7:9] = 1.0
    batch = ContrastiveBatch(list(range(n)), torch.tensor([0, 1] * (n // 2)), positive, negative)
    optimizer = torch.optim.Adam([hidden, *head.parameters()], lr=1e-2)
    losses = []
    for _ in range(60):
        loss = head(hidden, batch)
        losses.append(float(loss.detach()))
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    assert losses[-1] < 0.5 * losses[0]
    assert losses[-1] < 0.1


def test_bad_temperature_is_refused() -> None:
    with pytest.raises(ValueError, match="temperature"):
        SpanContrastiveHead(4, ["A"], temperature=0.0)
