"""Registered callbacks for ``spacy train`` configs."""
from pathlib import Path
from typing import Callable, Union

from spacy.language import Language
from spacy.util import registry

from ..errors import ConfigError


@registry.callbacks("spacy-mbre.load_component_weights.v1")
def make_load_component_weights(
    path: Union[str, Path], component: str = "mbre_relations"
) -> Callable[[Language], Language]:
    """An ``[initialize.after_init]`` callback: after the pipeline is
    initialised, load a trained component's weights (and labels) into it, so
    that ``spacy train`` fine-tunes that model instead of the pretrained
    encoder. Two-stage self-training uses it to fine-tune the student on gold::

        [initialize.after_init]
        @callbacks = "spacy-mbre.load_component_weights.v1"
        path = "training/student/model-last"

    path (Union[str, Path]): A pipeline directory (``model-last``) holding the
        component.
    component (str): The component's name in both pipelines.
    RETURNS (Callable[[Language], Language]): The callback.
    """

    def load_component_weights(nlp: Language) -> Language:
        source = Path(path) / component
        if not source.is_dir():
            raise ConfigError(f"load_component_weights: no component {component!r} in {path} (no directory {source}).")
        if component not in nlp.pipe_names:
            raise ConfigError(f"load_component_weights: the pipeline has no component {component!r}.")
        pipe = nlp.get_pipe(component)
        labels = list(getattr(pipe, "labels", ()))
        pipe.from_disk(source, exclude=["vocab"])
        loaded = list(getattr(pipe, "labels", ()))
        if labels and loaded != labels:
            raise ConfigError(
                f"load_component_weights: {path} has labels {loaded}, the config's component has {labels}."
            )
        return nlp

    return load_component_weights
