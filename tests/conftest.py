"""Shared test fixtures: registers the FAKE LLM ``spacy-mbre-test.FakeLLM.v1``
(tests/fake_llm.py) in spacy-llm's model registry, and skips every test
marked ``llm`` (it runs the real local GGUF) where llama-cpp-python or the
default model is missing, with the command that provides it."""
import importlib.util
import sys
from pathlib import Path
from typing import List

import pytest
from spacy.util import import_file

FAKE_LLM_PATH = Path(__file__).parent / "fake_llm.py"
FAKE_LLM_MODULE = "spacy_mbre_tests_fake_llm"
if FAKE_LLM_MODULE not in sys.modules:
    sys.modules[FAKE_LLM_MODULE] = import_file(FAKE_LLM_MODULE, FAKE_LLM_PATH)
fake_llm = sys.modules[FAKE_LLM_MODULE]


def pytest_collection_modifyitems(config: pytest.Config, items: List[pytest.Item]) -> None:
    from spacy_mbre.mining.models import assets

    missing = []
    if importlib.util.find_spec("llama_cpp") is None:
        missing.append("llama-cpp-python is not installed (pip install 'spacy-mbre[llm]')")
    if not assets.default_model_path().is_file():
        missing.append(f"default GGUF not assembled at {assets.default_model_path()}: run `python -m spacy_mbre fetch-llm`")
    if missing:
        skip = pytest.mark.skip(reason="; ".join(missing))
        for item in items:
            if "llm" in item.keywords:
                item.add_marker(skip)
