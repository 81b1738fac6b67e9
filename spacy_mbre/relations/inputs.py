"""Pairs in, model rows out: encoding a batch's pairs for the model (one
input per pair, or packed per subject), running the model over them in
length-sorted batches, and adding candidate label markers (CLM training's
second stage, see :mod:`.clm`).

An input covers ``n_rows`` pairs (1 for an ``EncodedPair``, its objects for a
``PackedInput``); the model returns one row per pair, in input order.
"""
from typing import Iterable, List, Optional, Sequence, Tuple

import numpy
from spacy.tokens import Doc, Span
from thinc.api import Model

from ..data.relations import Pair
from .clm import select_candidates
from .loss import activate
from .markers import EncodedPair, MarkerFeaturizer
from .packing import LevitatedPacker, ModelInput

Item = Tuple[Doc, Span, Optional[Span]]


def encode_items(
    featurizer: MarkerFeaturizer, items: Sequence[Item], packed: bool
) -> Tuple[List[ModelInput], List[Optional[int]]]:
    """Encode pairs for the model: one input per pair, or packed.

    featurizer (MarkerFeaturizer): The model's featurizer.
    items (Sequence[Tuple[Doc, Span, Optional[Span]]]): (doc, head, tail) triples.
    packed (bool): One input per subject with levitated markers for its objects.
    RETURNS (Tuple[List[ModelInput], List[Optional[int]]]): The inputs, and
        per item its row in the model's output for them (None: the pair
        did not fit into the encoder's limit).
    """
    if packed:
        packing = LevitatedPacker(featurizer).pack(items)
        return list(packing.inputs), packing.rows
    inputs: List[ModelInput] = []
    rows: List[Optional[int]] = []
    for enc in featurizer.encode(items):
        rows.append(len(inputs) if enc is not None else None)
        if enc is not None:
            inputs.append(enc)
    return inputs, rows


def score_inputs(
    model: Model, inputs: Sequence[ModelInput], n_labels: int, batch_size: int, multi_label: bool
) -> numpy.ndarray:
    """Run the model over encoder inputs in length-sorted batches.

    model (Model): The relation model.
    inputs (Sequence[ModelInput]): The inputs.
    n_labels (int): The number of options.
    batch_size (int): Inputs per model call.
    multi_label (bool): Sigmoid per label instead of a softmax per row.
    RETURNS (numpy.ndarray): (n_rows, n_labels) probabilities, rows in
        input order (one per pair).
    """
    offsets = numpy.cumsum([0, *(x.n_rows for x in inputs)])
    out = numpy.zeros((int(offsets[-1]), n_labels), dtype="float32")
    order = sorted(range(len(inputs)), key=lambda i: len(inputs[i]))
    for start in range(0, len(order), batch_size):
        chunk = order[start : start + batch_size]
        logits = model.predict([inputs[i] for i in chunk])
        rows = [r for i in chunk for r in range(offsets[i], offsets[i + 1])]
        out[rows] = model.ops.to_numpy(activate(logits, multi_label))
    return out


def add_candidates(
    featurizer: MarkerFeaturizer,
    inputs: Sequence[ModelInput],
    probs: numpy.ndarray,
    top_n: int,
    bottom_m: int,
) -> List[ModelInput]:
    """Stage 2 of CLM training: add each pair's candidate label markers.

    featurizer (MarkerFeaturizer): The model's featurizer.
    inputs (Sequence[ModelInput]): The inputs, without CLMs.
    probs (numpy.ndarray): (n_rows, n_labels) Stage 1 probabilities.
    top_n (int): Positive candidates (top-n labels).
    bottom_m (int): Negative candidates (bottom-m labels).
    RETURNS (List[ModelInput]): The inputs with CLMs.
    """
    candidates = select_candidates(probs, top_n, bottom_m)
    out: List[ModelInput] = []
    offset = 0
    for x in inputs:
        mine = candidates[offset : offset + x.n_rows]
        offset += x.n_rows
        if isinstance(x, EncodedPair):
            out.append(featurizer.with_candidates(x, *mine[0]))
        else:
            out.append(LevitatedPacker(featurizer).with_candidates(x, mine))
    return out


def entity_types(pairs: Iterable[Pair]) -> List[str]:
    """pairs (Iterable[Pair]): Pairs (or single spans).
    RETURNS (List[str]): The sorted, non-empty entity labels of their spans
        (the types of typed markers).
    """
    found = {span.label_ for pair in pairs for span in (pair.head, pair.tail) if span is not None}
    return sorted(t for t in found if t)
