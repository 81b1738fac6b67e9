"""The settings of ``mbre_relations``: checks on the component's arguments,
and its pair options (how pairs are made on docs without candidate pairs)
as :class:`~spacy_mbre.pairs.PairSettings`."""
from typing import Any, Dict, Optional

from ..data.schema import RELATION, TYPING, Schema
from ..errors import ConfigError
from ..pairs import PairSettings
from .markers import START
from .packing import NONE


def check_settings(
    task: str,
    schema: Optional[Schema],
    batch_size: int,
    clm: bool,
    clm_top_n: int,
    clm_bottom_m: int,
    packing: str,
    representation: str = START,
) -> None:
    """Raise ConfigError for settings that do not fit together.

    task (str): "relation" or "typing".
    schema (Optional[Schema]): The schema, if any; its kind must be the task.
    batch_size (int): Pairs per encoder call (>= 1).
    clm (bool): Candidate label markers on.
    clm_top_n (int): Positive candidates (>= 1 with clm).
    clm_bottom_m (int): Negative candidates (>= 0 with clm).
    packing (str): The model's packing mode ("none" for the typing task).
    representation (str): The model's pair representation ("start" for the typing task).
    """
    if task not in (RELATION, TYPING):
        raise ConfigError(f"mbre_relations: task must be 'relation' or 'typing', got {task!r}.")
    if schema is not None and schema.kind != task:
        raise ConfigError(f"mbre_relations: task {task!r} does not fit schema {schema.name!r} of kind {schema.kind!r}.")
    if batch_size < 1:
        raise ConfigError(f"mbre_relations: batch_size must be >= 1, got {batch_size}.")
    if clm and (clm_top_n < 1 or clm_bottom_m < 0):
        raise ConfigError("mbre_relations: clm_top_n must be >= 1 and clm_bottom_m >= 0.")
    if task == TYPING and packing != NONE:
        raise ConfigError('mbre_relations: packed levitated markers are for task = "relation"; use packing = "none".')
    if task == TYPING and representation != START:
        raise ConfigError(
            'mbre_relations: representation = "start_end" is for task = "relation" (typing always reads its '
            'span\'s start and end markers); use representation = "start".'
        )


def check_bidirectional(
    bidirectional: bool, task: str, schema: Optional[Schema], multi_label: bool, both_directions: bool
) -> None:
    """Raise ConfigError if ``bidirectional`` (see :mod:`.bidirectional`)
    does not fit the other settings.

    bidirectional (bool): The setting.
    task (str): "relation" or "typing".
    schema (Optional[Schema]): The schema, if any.
    multi_label (bool): Sigmoid per label.
    both_directions (bool): Pairs made in both orders.
    """
    if not bidirectional:
        return
    if task != RELATION:
        raise ConfigError('mbre_relations: bidirectional = true is for task = "relation".')
    if multi_label:
        raise ConfigError("mbre_relations: bidirectional = true needs one label per pair (multi_label = false).")
    if schema is not None and schema.expand_directions:
        raise ConfigError(
            f"mbre_relations: schema {schema.name!r} expands directions (each pair is asked once, in text "
            "order, and its options carry the direction), so bidirectional = true does not apply; "
            "use it with a schema whose pairs come in both orders."
        )
    if not both_directions:
        raise ConfigError(
            "mbre_relations: bidirectional = true reads each pair in both orders; set both_directions = null or true."
        )


def pair_settings(task: str, pair_options: Optional[Dict[str, Any]], text_order: bool) -> PairSettings:
    """task (str): "relation" or "typing".
    pair_options (Optional[Dict[str, Any]]): The factory's spans_key,
        both_directions, max_distance, same_sentence and max_pairs.
    text_order (bool): Pairs in text order only (a direction-expanding
        schema): the default when both_directions is None.
    RETURNS (PairSettings): How the component makes pairs.
    """
    options = dict(pair_options or {})
    if options.get("both_directions") is None:
        options["both_directions"] = not text_order
    return PairSettings(
        mode=task,
        spans_key=options.get("spans_key"),
        both_directions=bool(options["both_directions"]),
        max_distance=options.get("max_distance"),
        same_sentence=bool(options.get("same_sentence", True)),
        max_pairs=options.get("max_pairs"),
    )
