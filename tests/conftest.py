"""Shared test fixtures: registers the FAKE LLM ``spacy-mbre-test.FakeLLM.v1``
(tests/fake_llm.py) in spacy-llm's model registry."""
import sys
from pathlib import Path

from spacy.util import import_file

FAKE_LLM_PATH = Path(__file__).parent / "fake_llm.py"
FAKE_LLM_MODULE = "spacy_mbre_tests_fake_llm"
if FAKE_LLM_MODULE not in sys.modules:
    sys.modules[FAKE_LLM_MODULE] = import_file(FAKE_LLM_MODULE, FAKE_LLM_PATH)
fake_llm = sys.modules[FAKE_LLM_MODULE]
