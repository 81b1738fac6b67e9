"""The thinc shim around the classifier's torch module (:mod:`.module`: the
encoder + head), and its serialisation without pickle.

On disk (``<pipeline>/<component>/model/``) a trained model is::

    config.json            the encoder's Hugging Face config (vocabulary resized for the markers)
    tokenizer.json, vocab.txt, tokenizer_config.json, special_tokens_map.json, ...
    model.safetensors      every weight of encoder and head
    mbre_model.json        task, markers, label count, entity types, max length, representation

``from_disk`` rebuilds the encoder from this directory alone with
``AutoConfig`` / ``AutoModel.from_config`` + ``load_state_dict`` and the tokenizer
from its saved files: no hub access, no model package, no pickle.
``to_bytes`` packs the same files into msgpack.
"""
import tempfile
from pathlib import Path
from typing import Any, Dict, Optional, Union

import srsly
import torch
from safetensors.torch import load as load_safetensors_bytes
from safetensors.torch import load_file, save, save_file
from thinc.api import PyTorchGradScaler, PyTorchShim, get_torch_default_device
from transformers import AutoConfig, AutoModel, AutoTokenizer

from .markers import MarkerFeaturizer
from .module import DEFAULT_ENCODER, START, MarkerClassifierModule, build_module, n_points, resolve_encoder_name

WEIGHTS_FILE = "model.safetensors"
META_FILE = "mbre_model.json"


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
            entity_types, representation (absent in models saved before it
            existed: "start").
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

    def _empty_module(self, path: Path, meta: Dict[str, Any]) -> MarkerClassifierModule:
        """The module a saved model directory describes, with untrained weights:
        the encoder from its config.json, the head from its meta (label count,
        representation; models saved without one read "start")."""
        encoder = AutoModel.from_config(AutoConfig.from_pretrained(str(path)))
        return MarkerClassifierModule(
            encoder, int(meta["n_labels"]), self.dropout, n_points(meta.get("representation", START))
        )

    def load_dir(self, path: Union[str, Path]) -> "MarkerShim":
        """path (Union[str, Path]): A directory written by save_dir.
        RETURNS (MarkerShim): self, with the module rebuilt offline.
        """
        path = Path(path)
        meta = srsly.read_json(path / META_FILE)
        if not meta.pop("built", True):
            return self
        module = self._empty_module(path, meta)
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
            module = self._empty_module(Path(tmp), meta)
            module.load_state_dict(load_safetensors_bytes(msg["weights"]))
            tokenizer = AutoTokenizer.from_pretrained(tmp)
        self.set_module(module, tokenizer, meta)
        return self


__all__ = [
    "DEFAULT_ENCODER",
    "META_FILE",
    "WEIGHTS_FILE",
    "MarkerClassifierModule",
    "MarkerShim",
    "build_module",
    "resolve_encoder_name",
]
