"""Map entity labels onto a schema's types, e.g. a spaCy NER's ``PERSON`` /
``ORG`` / ``GPE`` onto a schema's ``Peop`` / ``Org`` / ``Loc``, so that the
schema's label ``types`` decide which NER entities pair (see
:func:`spacy_mbre.pairs.candidate_pairs`).

The map is given as ``NER_LABEL=TYPE`` items (``mine --type-map``); several
NER labels may map to one type. Entities whose label the map does not name
are removed: a map lists the entities the schema is about.
"""
from dataclasses import dataclass, field
from typing import Dict, Iterable, Iterator, Sequence

from spacy.tokens import Doc, Span

from ..errors import ConfigError


@dataclass(frozen=True)
class TypeMap:
    """Entity label → schema type.

    types (Dict[str, str]): The map.
    """

    types: Dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_items(cls, items: Sequence[str]) -> "TypeMap":
        """items (Sequence[str]): "NER_LABEL=TYPE" strings; an item may hold
            several, separated by commas ("PERSON=Peop,ORG=Org").
        RETURNS (TypeMap): The map. Raises ConfigError on a malformed item or
            a label mapped twice to different types.
        """
        types: Dict[str, str] = {}
        for item in items:
            for part in item.split(","):
                source, sep, target = (x.strip() for x in part.partition("="))
                if not sep or not source or not target:
                    raise ConfigError(f"--type-map expects NER_LABEL=TYPE, got {part!r}.")
                if types.get(source, target) != target:
                    raise ConfigError(f"--type-map maps {source!r} to both {types[source]!r} and {target!r}.")
                types[source] = target
        return cls(types)

    def __bool__(self) -> bool:
        return bool(self.types)

    def apply(self, doc: Doc) -> Doc:
        """doc (Doc): A doc with entities.
        RETURNS (Doc): The same doc, its entities relabelled with their schema
            types and those the map does not name removed.
        """
        doc.ents = [
            Span(doc, e.start, e.end, label=self.types[e.label_], kb_id=e.kb_id_)
            for e in doc.ents
            if e.label_ in self.types
        ]
        return doc

    def map_docs(self, docs: Iterable[Doc]) -> Iterator[Doc]:
        """docs (Iterable[Doc]): Docs with entities.
        YIELDS (Doc): The docs with mapped entities (unchanged for an empty map).
        """
        for doc in docs:
            yield self.apply(doc) if self.types else doc
