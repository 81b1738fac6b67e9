"""What the review formats share: the task read back from a reviewed file,
the spacy-mbre data carried through the annotation tool, and how a reviewed
task becomes a gold doc.

Every exported task carries, under the key ``"mbre"``, what the annotation
tool does not keep itself, in character offsets (so a re-tokenised text still
maps)::

    "mbre": {"id": "1368", "source": "mined",
             "pairs": [[12, 22, 30, 38]],                 # candidate pairs
             "records": [{"head": [12, 22], "tail": [30, 38],
                          "label": "Entity-Destination", "score": 0.6}]}

``records`` are the relations shown to the reviewer, so that the import can
tell accepted, relabelled, added and rejected relations apart; ``pairs``
keep the candidate pairs, so that a rejected relation's pair is trained as
"no relation". A task without the key is imported too: every relation in
it counts as added and only its own pairs become candidate pairs.

The export side is in :mod:`.carried`, the import side in :mod:`.gold`; this
module re-exports both for the format modules.
"""
from .carried import MBRE_KEY, Carried, CarriedRecord, CharPair, TaskError, carried_for, shown_relations, task_spans
from .gold import (
    ACCEPT,
    ACCEPTED,
    ADDED,
    ANSWERS,
    IGNORE,
    REJECT,
    REJECT_DROP,
    REJECT_MODES,
    REJECT_NEGATIVE,
    RELABELLED,
    ReviewedTask,
    ReviewStats,
    entity_or_span,
    gold_doc,
    set_entities,
)

__all__ = [
    "ACCEPT",
    "ACCEPTED",
    "ADDED",
    "ANSWERS",
    "IGNORE",
    "MBRE_KEY",
    "REJECT",
    "REJECT_DROP",
    "REJECT_MODES",
    "REJECT_NEGATIVE",
    "RELABELLED",
    "Carried",
    "CarriedRecord",
    "CharPair",
    "ReviewStats",
    "ReviewedTask",
    "TaskError",
    "carried_for",
    "entity_or_span",
    "gold_doc",
    "set_entities",
    "shown_relations",
    "task_spans",
]
