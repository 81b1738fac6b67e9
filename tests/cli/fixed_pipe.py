"""A tiny stand-in pipeline component for the evaluate tests: labels every
candidate pair ``Cause-Effect`` with e2 as the cause (the pair's second span
is the head), as ``mbre_relations`` would, with source "predicted"."""
from spacy.language import Language
from spacy.tokens import Doc

from spacy_mbre.data.relations import Relation, add_relations, get_pairs

NAME = "mbre_test_fixed_relation"


@Language.component(NAME)
def fixed_relation(doc: Doc) -> Doc:
    """doc (Doc): A doc with candidate pairs.
    RETURNS (Doc): The doc with one predicted relation per pair.
    """
    add_relations(
        doc,
        [
            Relation(p.tail, p.head, "Cause-Effect", 0.9, source="predicted")
            for p in get_pairs(doc) if p.tail is not None
        ],
    )
    return doc
