"""Pre-training settings and devices."""
import pytest
import torch

from spacy_mbre.errors import ConfigError
from spacy_mbre.pretrain.settings import STAGE_MSLM, STAGE_SCL, PretrainSettings, resolve_device


def test_stages_and_identity() -> None:
    settings = PretrainSettings(stage1_steps=2, stage2_steps=3, device="cpu")
    assert settings.total_steps == 5
    assert [settings.stage(s) for s in range(5)] == [STAGE_MSLM] * 2 + [STAGE_SCL] * 3
    assert "device" not in settings.identity() and settings.identity()["stage2_steps"] == 3
    assert (settings.mask.between, settings.mask.entity, settings.mask.other) == (0.8, 0.5, 0.2)


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ConfigError, match="at least 1"):
        PretrainSettings(stage1_steps=0, stage2_steps=0)
    with pytest.raises(ConfigError, match="mask probability"):
        PretrainSettings(mask_other=-0.1)
    with pytest.raises(ConfigError, match="temperature"):
        PretrainSettings(temperature=0)
    with pytest.raises(ConfigError, match="batch_size"):
        PretrainSettings(batch_size=0)


def test_devices() -> None:
    assert resolve_device("cpu") == torch.device("cpu")
    assert resolve_device("auto").type == ("cuda" if torch.cuda.is_available() else "cpu")
    with pytest.raises(ConfigError, match="--device"):
        resolve_device("toaster")
    if not torch.cuda.is_available():
        with pytest.raises(ConfigError, match="CUDA is not available"):
            resolve_device("cuda")
