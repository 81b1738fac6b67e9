"""The explanation corpus: round trip through explanations.jsonl, samples,
and file:line errors."""
from pathlib import Path
from typing import Any, List

import pytest
from spacy.tokens import Doc

from spacy_mbre.data.schema import load_schema
from spacy_mbre.errors import DataError
from spacy_mbre.llm.cache import AnswerCache
from spacy_mbre.llm.gateway import LLMGateway, model_identity
from spacy_mbre.pretrain.explain import OUTPUT, explain
from spacy_mbre.pretrain.explanations import read_explanations


def test_read_explanations_round_trip_and_errors(tmp_path: Path, gold_docs: List[Doc], fake_explainer: Any) -> None:
    model = fake_explainer.make_fake_explainer()
    gateway = LLMGateway(model, model_identity(model), cache=AnswerCache())
    explain(gold_docs, load_schema("semeval"), gateway, tmp_path)
    read = list(read_explanations(tmp_path / OUTPUT))
    assert len(read) == 7
    sample = read[0].to_sample()
    assert sample.text.startswith(read[0].item.sentence + " The sentence states")
    assert sample.text[sample.head[0] : sample.head[1]] == read[0].item.head_text
    assert sample.label == read[0].item.label
    bad = tmp_path / "bad.jsonl"
    lines = (tmp_path / OUTPUT).read_text().splitlines()
    bad.write_text("\n".join([lines[0], '{"sentence": "A b .", "head": [0, 1], "tail": [2, 9], "label": "X", '
                              '"explanation": "e"}']) + "\n")
    with pytest.raises(DataError, match=r"bad.jsonl:2: .*outside the text"):
        list(read_explanations(bad))
    bad.write_text('{"sentence": "A b ."}\n')
    with pytest.raises(DataError, match=r"bad.jsonl:1: .*missing or malformed 'head'"):
        list(read_explanations(bad))
    bad.write_text("not json\n")
    with pytest.raises(DataError, match=r"bad.jsonl:1: not an explanation record"):
        list(read_explanations(bad))
