"""Shared test fixtures: registers the FAKE LLM ``spacy-mbre-test.FakeLLM.v1``
(tests/fake_llm.py) in spacy-llm's model registry."""
from pathlib import Path

from spacy.util import import_file

FAKE_LLM_PATH = Path(__file__).parent / "fake_llm.py"
fake_llm = import_file("spacy_mbre_tests_fake_llm", FAKE_LLM_PATH)
