"""Fixtures for the review tests: mined docs with multi-token entities,
candidate pairs, scored mined records and a gold record (not exported)."""
from typing import List

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from spacy_mbre.data.readers.common import ID_KEY
from spacy_mbre.data.relations import Pair, Relation, set_pairs, set_relations


@pytest.fixture
def nlp() -> Language:
    return spacy.blank("en")


@pytest.fixture
def mined_docs(nlp) -> List[Doc]:
    first = nlp.make_doc("Marie Curie was born in Warsaw and worked in Paris.")
    # Marie Curie (0, 2), Warsaw (5, 6), Paris (9, 10)
    first.ents = [Span(first, 0, 2, "PER"), Span(first, 5, 6, "LOC"), Span(first, 9, 10, "LOC")]
    per, warsaw, paris = first.ents
    set_pairs(first, [Pair(per, warsaw), Pair(per, paris), Pair(warsaw, paris)])
    set_relations(
        first,
        [
            Relation(per, warsaw, "born_in", score=0.93, source="mined"),
            Relation(per, paris, "works_in", score=0.41, source="mined"),
            Relation(per, warsaw, "born_in", source="gold"),
        ],
    )
    first.user_data[ID_KEY] = "d1"
    second = nlp.make_doc("The New York Times hired Ann Lee.")
    second.ents = [Span(second, 0, 4, "ORG"), Span(second, 5, 7, "PER")]
    org, ann = second.ents
    set_pairs(second, [Pair(ann, org), Pair(org, ann)])
    set_relations(second, [Relation(ann, org, "employee_of", score=0.77, source="mined")])
    second.user_data[ID_KEY] = "d2"
    return [first, second]
