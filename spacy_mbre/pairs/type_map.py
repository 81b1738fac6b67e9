"""The ``mbre_type_map`` component: relabel a NER's entities with a schema's
types, so that ``mbre_pairs`` and ``mbre_relations`` pair them by the schema.

It is ``mine --type-map`` as a pipe (the same :class:`TypeMap`): put it after
a NER (e.g. ``en_core_web_sm``'s, labels PERSON / ORG / GPE) and before
``mbre_pairs``::

    nlp.add_pipe("mbre_type_map", config={"types": {"PERSON": "Peop", "ORG": "Org", "GPE": "Loc"}})

Entities whose label the map does not name are removed (the map lists the
entities the schema is about); an empty map leaves the entities unchanged.
The map is stored in the pipeline's config, so ``nlp.to_disk`` and
``spacy.load`` keep it.
"""
from typing import Dict

from spacy.language import Language
from spacy.tokens import Doc

from ..data.entity_types import TypeMap
from ..errors import ConfigError

DEFAULT_CONFIG: Dict[str, Dict[str, str]] = {"types": {}}


@Language.factory("mbre_type_map", default_config=DEFAULT_CONFIG, assigns=["doc.ents"], requires=["doc.ents"])
def make_type_map(nlp: Language, name: str, types: Dict[str, str]) -> "EntityTypeMapper":
    """Create the ``mbre_type_map`` component.

    types (Dict[str, str]): Entity label → schema type, e.g.
        ``{"PERSON": "Peop", "GPE": "Loc"}``; several labels may map to one type.
    RETURNS (EntityTypeMapper): The component. Raises ConfigError on an
        empty label or type.
    """
    bad = [f"{label!r}: {target!r}" for label, target in types.items() if not str(label).strip() or not target]
    if bad:
        raise ConfigError(f"mbre_type_map: types maps entity labels to schema types; got {', '.join(bad)}.")
    return EntityTypeMapper(name, TypeMap({str(label): str(target) for label, target in types.items()}))


class EntityTypeMapper:
    """Relabels ``doc.ents`` with a :class:`TypeMap`.

    name (str): The component name.
    type_map (TypeMap): The map.
    """

    def __init__(self, name: str, type_map: TypeMap) -> None:
        self.name = name
        self.type_map = type_map

    @property
    def types(self) -> Dict[str, str]:
        """RETURNS (Dict[str, str]): Entity label → schema type."""
        return dict(self.type_map.types)

    def __call__(self, doc: Doc) -> Doc:
        """doc (Doc): A doc with entities.
        RETURNS (Doc): The doc, its entities relabelled (unmapped ones removed).
        """
        return self.type_map.apply(doc) if self.type_map else doc
