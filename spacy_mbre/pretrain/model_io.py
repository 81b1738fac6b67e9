"""The pre-training model: the masked LM and its tokenizer loaded from any Hugging
Face encoder (with the SCL head), and the bare encoder saved for
``spacy-mbre.MarkerRelationModel.v1``."""

from pathlib import Path
from typing import Any, Dict, List, Sequence

import srsly
import torch

from ..errors import ConfigError
from ..relations.encoder import resolve_encoder_name
from .contrastive import SpanContrastiveHead
from .settings import PretrainSettings

PROVENANCE = "mbre_pretraining.json"


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
