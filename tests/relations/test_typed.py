"""mbre_relations with a typed schema: it classifies the schema's candidate
pairs, and gives options the pair's entity types do not allow probability 0."""
from pathlib import Path
from typing import List

import numpy
import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from spacy_mbre.data.readers import read_jsonl


@pytest.fixture()
def docs(typed_jsonl: Path) -> List[Doc]:
    return list(read_jsonl(typed_jsonl))


def make_pipe(schema: str, **config) -> Language:
    nlp = spacy.blank("en")
    pipe = nlp.add_pipe("mbre_relations", config={"schema": schema, **config})
    # The labels initialize() takes from the schema, without loading the encoder.
    pipe.cfg["labels"] = [pipe.no_relation, *pipe.schema.option_names]
    return nlp


def test_doc_pairs_follow_the_schema(docs, typed_schema_path):
    pipe = make_pipe(str(typed_schema_path)).get_pipe("mbre_relations")
    assert [len(pipe.doc_pairs(doc)) for doc in docs] == [3, 4, 2, 1, 0, 1]
    # The component's own pair settings still apply.
    pipe = make_pipe(str(typed_schema_path), max_distance=2).get_pipe("mbre_relations")
    assert len(pipe.doc_pairs(docs[1])) == 3


def test_disallowed_options_get_probability_zero(docs, typed_schema_path):
    pipe = make_pipe(str(typed_schema_path)).get_pipe("mbre_relations")
    assert pipe.labels == ("no_relation", "Live_In", "Work_For", "OrgBased_In", "Located_In", "Kill")
    pairs = pipe.doc_pairs(docs[0])  # (Peop, Loc), (Peop, Org), (Org, Loc)
    masks = [pipe.option_mask(p) for p in pairs]
    assert [m.tolist() for m in masks] == [
        [True, True, False, False, False, False],
        [True, False, True, False, False, False],
        [True, False, False, True, False, False],
    ]
    probs = numpy.full((3, 6), 1 / 6, dtype="float32")
    pipe._mask_options(probs, pairs)
    assert probs[0].tolist() == pytest.approx([0.5, 0.5, 0, 0, 0, 0])
    assert probs.sum(axis=1).tolist() == pytest.approx([1.0, 1.0, 1.0])
    sigmoid = make_pipe(str(typed_schema_path), multi_label=True).get_pipe("mbre_relations")
    probs = numpy.full((1, 6), 0.7, dtype="float32")
    sigmoid._mask_options(probs, pairs[:1])
    assert probs[0].tolist() == pytest.approx([0.7, 0.7, 0, 0, 0, 0])


def test_untyped_schema_masks_nothing(docs):
    pipe = make_pipe("redocred").get_pipe("mbre_relations")
    assert all(pipe.option_mask(p) is None for p in pipe.doc_pairs(docs[0]))
    assert len(pipe.doc_pairs(docs[0])) == 6
