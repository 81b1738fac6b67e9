"""Saving and loading ``mbre_relations``: its cfg (labels, entity types, the
schema) as JSON, the vocab, and the model through its shim (safetensors
weights, encoder config and tokenizer files; inside msgpack for bytes).

The layout is that of every version so far: ``cfg``, ``vocab`` and ``model``
(a directory) on disk; the same keys in the msgpack of ``to_bytes``.
"""
from typing import Any, Dict, Iterable

import srsly
from spacy import util
from spacy.vocab import Vocab
from thinc.api import Model

from .shim import get_shim


class ShimSerializationMixin:
    """``to_disk``/``from_disk``/``to_bytes``/``from_bytes`` for a pipe whose
    model holds a :class:`~.encoder.MarkerShim`. The pipe provides ``vocab``,
    ``model``, ``_disk_cfg()`` (its cfg as JSON data) and ``_load_cfg(cfg)``.
    """

    vocab: Vocab
    model: Model

    def _disk_cfg(self) -> Dict[str, Any]:
        raise NotImplementedError

    def _load_cfg(self, cfg: Dict[str, Any]) -> None:
        raise NotImplementedError

    def to_disk(self, path: Any, *, exclude: Iterable[str] = tuple()) -> None:
        """Write cfg and the model directory (safetensors weights, encoder
        config, tokenizer files).

        path (Union[str, Path]): The component directory.
        exclude (Iterable[str]): Parts to leave out.
        """
        serialize = {
            "cfg": lambda p: srsly.write_json(p, self._disk_cfg()),
            "vocab": lambda p: self.vocab.to_disk(p, exclude=exclude),
            "model": lambda p: get_shim(self.model).save_dir(p),
        }
        util.to_disk(path, serialize, exclude)

    def from_disk(self, path: Any, *, exclude: Iterable[str] = tuple()) -> Any:
        """path (Union[str, Path]): A directory written by to_disk.
        exclude (Iterable[str]): Parts to leave out.
        RETURNS (RelationClassifier): The loaded component.
        """
        deserialize = {
            "cfg": lambda p: self._load_cfg(srsly.read_json(p)),
            "vocab": lambda p: self.vocab.from_disk(p, exclude=exclude),
            "model": lambda p: get_shim(self.model).load_dir(p),
        }
        util.from_disk(path, deserialize, exclude)
        return self

    def to_bytes(self, *, exclude: Iterable[str] = tuple()) -> bytes:
        """exclude (Iterable[str]): Parts to leave out.
        RETURNS (bytes): The component (weights as safetensors inside msgpack).
        """
        serialize = {
            "cfg": lambda: srsly.json_dumps(self._disk_cfg()),
            "vocab": lambda: self.vocab.to_bytes(exclude=exclude),
            "model": lambda: get_shim(self.model).to_bytes(),
        }
        return util.to_bytes(serialize, exclude)

    def from_bytes(self, bytes_data: bytes, *, exclude: Iterable[str] = tuple()) -> Any:
        """bytes_data (bytes): Output of to_bytes.
        exclude (Iterable[str]): Parts to leave out.
        RETURNS (RelationClassifier): The loaded component.
        """
        deserialize = {
            "cfg": lambda b: self._load_cfg(srsly.json_loads(b)),
            "vocab": lambda b: self.vocab.from_bytes(b, exclude=exclude),
            "model": lambda b: get_shim(self.model).from_bytes(b),
        }
        util.from_bytes(bytes_data, deserialize, exclude)
        return self
