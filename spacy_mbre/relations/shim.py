"""One typed way into the relation model's torch shim.

The ``spacy-mbre.MarkerRelationModel.v1`` model holds one
:class:`~spacy_mbre.relations.encoder.MarkerShim` (the encoder, its tokenizer
and the pair featurizer). Everything that needs it (the component, the model's
own forward pass, the tests) goes through :func:`get_shim` and
:func:`get_featurizer` instead of reaching into ``model.shims[0]``.

Light on purpose: the component module imports this on every ``spacy.blank``,
so torch and transformers (:mod:`.encoder`) are only imported for type checking.
"""
from typing import TYPE_CHECKING, Optional, cast

from thinc.api import Model

from .markers import MarkerFeaturizer

if TYPE_CHECKING:
    from .encoder import MarkerShim

NOT_INITIALISED = "The relation model is not initialised: call nlp.initialize() or load a trained pipeline."


def get_shim(model: Model) -> "MarkerShim":
    """model (Model): A model built by ``spacy-mbre.MarkerRelationModel.v1``.
    RETURNS (MarkerShim): Its shim.
    """
    return cast("MarkerShim", model.shims[0])


def get_featurizer(model: Model, message: Optional[str] = None) -> MarkerFeaturizer:
    """model (Model): An initialised (or loaded) model.
    message (Optional[str]): The error message if it is not initialised;
        None = a generic one.
    RETURNS (MarkerFeaturizer): The featurizer that encodes pairs for it.
    """
    featurizer = get_shim(model).featurizer
    if featurizer is None:
        raise ValueError(message or NOT_INITIALISED)
    return featurizer


def count_unfit(model: Model) -> int:
    """model (Model): A model (initialised or not).
    RETURNS (int): Pairs so far that did not fit into the encoder's input
        limit (0 before initialisation).
    """
    featurizer = get_shim(model).featurizer
    return featurizer.n_unfit if featurizer is not None else 0
