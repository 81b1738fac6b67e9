"""One ``spacy train`` run in this process, optionally fine-tuning the weights
of a trained component."""

import sys
from pathlib import Path
from typing import Any, Dict, Optional


def train_model(
    config_path: Path,
    output_dir: Path,
    overrides: Dict[str, Any],
    *,
    init_from: Optional[Path] = None,
    component: str = "mbre_relations",
) -> Path:
    """Run ``spacy train`` in this process.

    config_path (Path): The training config.
    output_dir (Path): Where model-last (and model-best) go.
    overrides (Dict[str, Any]): Config overrides (dot names).
    init_from (Optional[Path]): A trained pipeline whose component weights
        are loaded after initialisation (fine-tuning instead of a fresh model).
    component (str): The component loaded from ``init_from``.
    RETURNS (Path): ``output_dir / "model-last"``.
    """
    from spacy import util
    from spacy.training.initialize import init_nlp
    from spacy.training.loop import train as train_nlp

    config = util.load_config(config_path, overrides=overrides, interpolate=False)
    if init_from is not None:
        config["initialize"]["after_init"] = {
            "@callbacks": "spacy-mbre.load_component_weights.v1",
            "path": str(init_from),
            "component": component,
        }
    nlp = init_nlp(config)
    train_nlp(nlp, output_dir, stdout=sys.stdout, stderr=sys.stderr)
    return output_dir / "model-last"
