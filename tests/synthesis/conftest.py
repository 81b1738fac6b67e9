"""Fixtures for the synthesis tests: the FAKE writer model
``spacy-mbre-test.FakeWriterLLM.v1`` (tests/synthesis/fake_writer.py) and the
hand-written SemEval sample (tests/mining/data/semeval_sample.txt) as
few-shot gold."""
import sys
from pathlib import Path
from typing import List

import pytest
from spacy.tokens import Doc, DocBin
from spacy.util import import_file

from spacy_mbre.data.readers import read_semeval
from spacy_mbre.data.schema import Schema, load_schema

FAKE_WRITER_PATH = Path(__file__).parent / "fake_writer.py"
FAKE_WRITER_MODULE = "spacy_mbre_tests_fake_writer"
if FAKE_WRITER_MODULE not in sys.modules:
    sys.modules[FAKE_WRITER_MODULE] = import_file(FAKE_WRITER_MODULE, FAKE_WRITER_PATH)
SEMEVAL_SAMPLE = Path(__file__).parents[1] / "mining" / "data" / "semeval_sample.txt"


@pytest.fixture()
def fake_writer():
    """RETURNS (module): tests/synthesis/fake_writer.py."""
    return sys.modules[FAKE_WRITER_MODULE]


@pytest.fixture(scope="session")
def semeval_schema() -> Schema:
    return load_schema("semeval")


@pytest.fixture()
def gold_docs() -> List[Doc]:
    """The 16 gold docs of the SemEval sample."""
    return list(read_semeval(SEMEVAL_SAMPLE))


@pytest.fixture()
def fewshot_path(tmp_path: Path, gold_docs: List[Doc]) -> Path:
    """The SemEval sample as a few-shot DocBin."""
    path = tmp_path / "fewshot.spacy"
    DocBin(store_user_data=True, docs=gold_docs).to_disk(path)
    return path
