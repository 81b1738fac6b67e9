"""MSLM masking: the per-region probabilities, counted over many draws."""
from typing import Any, List

import pytest
import torch

from spacy_mbre.errors import ConfigError
from spacy_mbre.pretrain.masking import (
    IGNORE_INDEX,
    MaskProbabilities,
    mask_tokens,
    mslm_loss,
    probability_matrix,
    token_probabilities,
)
from spacy_mbre.pretrain.samples import PretrainSample
from spacy_mbre.pretrain.spans import EncodedSample, encode_samples

DRAWS = 4000


def regions(sample: EncodedSample) -> List[str]:
    out = []
    for i, special in enumerate(sample.special):
        if special:
            out.append("special")
        elif i in sample.head.positions() or i in sample.tail.positions():
            out.append("entity")
        elif i in sample.between.positions():
            out.append("between")
        else:
            out.append("other")
    return out


def test_token_probabilities_by_region(tokenizer: Any, samples: List[PretrainSample]) -> None:
    encoded, _ = encode_samples(tokenizer, samples, 64)
    expected = {"special": 0.0, "entity": 0.5, "between": 0.8, "other": 0.2}
    for sample in encoded:
        probs = token_probabilities(sample, MaskProbabilities())
        assert probs.tolist() == pytest.approx([expected[r] for r in regions(sample)])


@pytest.mark.parametrize("probs", [MaskProbabilities(), MaskProbabilities(between=0.3, entity=0.9, other=0.05)])
def test_masked_share_per_region_over_many_draws(
    tokenizer: Any, samples: List[PretrainSample], probs: MaskProbabilities
) -> None:
    encoded, _ = encode_samples(tokenizer, samples, 64)
    width = max(len(s) for s in encoded)
    pad_id = tokenizer.pad_token_id
    ids = torch.full((len(encoded), width), pad_id, dtype=torch.long)
    for i, sample in enumerate(encoded):
        ids[i, : len(sample)] = torch.tensor(sample.input_ids)
    matrix = probability_matrix(encoded, probs, width)
    generator = torch.Generator().manual_seed(0)
    names = [regions(s) + ["padding"] * (width - len(s)) for s in encoded]
    counts = {name: [0, 0] for name in ("special", "entity", "between", "other", "padding")}
    for _ in range(DRAWS):
        masked_ids, labels = mask_tokens(ids, matrix, tokenizer.mask_token_id, generator)
        is_masked = masked_ids == tokenizer.mask_token_id
        # Masked tokens become the mask token; labels keep the original id there only.
        assert torch.equal(is_masked, labels != IGNORE_INDEX)
        assert torch.equal(labels[is_masked], ids[is_masked])
        assert torch.equal(masked_ids[~is_masked], ids[~is_masked])
        for i, row in enumerate(names):
            for j, name in enumerate(row):
                counts[name][0] += int(is_masked[i, j])
                counts[name][1] += 1
    expected = {"special": 0.0, "padding": 0.0, "entity": probs.entity, "between": probs.between, "other": probs.other}
    for name, (hit, total) in counts.items():
        assert total > 0
        # Binomial standard error is below 0.005 for these totals; allow 0.02.
        assert hit / total == pytest.approx(expected[name], abs=0.02), name


def test_mslm_loss_without_masked_tokens_is_zero_not_nan() -> None:
    logits = torch.randn(2, 3, 5, requires_grad=True)
    labels = torch.full((2, 3), IGNORE_INDEX)
    loss = mslm_loss(logits, labels)
    assert float(loss.detach()) == 0.0
    loss.backward()
    labels[0, 1] = 4
    assert float(mslm_loss(logits, labels).detach()) == pytest.approx(
        float(torch.nn.functional.cross_entropy(logits[0, 1:2], torch.tensor([4])).detach())
    )


def test_bad_probability_is_refused() -> None:
    with pytest.raises(ConfigError, match="between"):
        MaskProbabilities(between=1.5)
