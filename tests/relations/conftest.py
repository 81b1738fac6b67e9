"""Fixtures for the relation classifier tests: tiny SemEval-like and typing
examples, and one small trained pipeline shared by the module tests."""
from typing import List, Optional, Tuple

import pytest
import spacy
from spacy.language import Language
from spacy.training import Example

from spacy_mbre.data.relations import Pair, Relation, set_pairs, set_relations

# (text, e1 chars, e2 chars, label, reversed)
SEMEVAL_LIKE: List[Tuple[str, Tuple[int, int], Tuple[int, int], Optional[str], bool]] = [
    ("The fire was caused by the heat .", (4, 8), (27, 31), "Cause-Effect", True),
    ("The flood was caused by the rain .", (4, 9), (28, 32), "Cause-Effect", True),
    ("The cup is in the box .", (4, 7), (18, 21), "Content-Container", False),
    ("The coins are in the jar .", (4, 9), (21, 24), "Content-Container", False),
    ("The wheel is part of the car .", (4, 9), (25, 28), "Component-Whole", False),
    ("The engine of the plane failed .", (4, 10), (18, 23), "Component-Whole", False),
    ("The man saw a dog .", (4, 7), (14, 17), None, False),
    ("A woman walked past the shop .", (2, 7), (24, 28), None, False),
    ("The letter was sent to the office .", (4, 10), (27, 33), "Entity-Destination", False),
    ("The package was sent to the house .", (4, 11), (28, 33), "Entity-Destination", False),
]


def make_relation_example(
    nlp: Language, text: str, e1: Tuple[int, int], e2: Tuple[int, int], label: Optional[str], reverse: bool
) -> Example:
    doc = nlp.make_doc(text)
    a = doc.char_span(*e1, label="ENTITY")
    b = doc.char_span(*e2, label="ENTITY")
    assert a is not None and b is not None, text
    doc.ents = [a, b]
    set_pairs(doc, [Pair(a, b)])
    ref = doc.copy()
    ra, rb = ref.ents
    if label:
        head, tail = (rb, ra) if reverse else (ra, rb)
        set_relations(ref, [Relation(head, tail, label)])
    return Example(doc, ref)


@pytest.fixture(scope="session")
def relation_examples() -> List[Example]:
    nlp = spacy.blank("en")
    return [make_relation_example(nlp, *row) for row in SEMEVAL_LIKE]


@pytest.fixture(scope="session")
def trained_nlp(relation_examples: List[Example]) -> Language:
    """A pipeline overfitted on the 10 examples (with CLMs after 10 steps)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("mbre_relations", config={"schema": "semeval", "clm": True, "clm_warmup": 10})
    nlp.initialize(lambda: relation_examples)
    optimizer = nlp.create_optimizer()
    optimizer.learn_rate = 2e-4
    for _ in range(25):
        nlp.update(relation_examples, sgd=optimizer)
    return nlp
