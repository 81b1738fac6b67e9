"""Fixtures for the LLM tests: the mining tests' SemEval sample and FAKE LLM
gold table (tests/mining/conftest.py), for the backend tests that mine
through a model."""
from pathlib import Path

from spacy.util import import_file

_MINING_CONFTEST = "spacy_mbre_tests_mining_conftest"
_mining = import_file(_MINING_CONFTEST, Path(__file__).parents[1] / "mining" / "conftest.py")

semeval_schema = _mining.semeval_schema
semeval_docs = _mining.semeval_docs
semeval_files = _mining.semeval_files
