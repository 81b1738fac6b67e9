"""Fixtures for the data tests: the real datasets in the repository's sibling
``shared/data`` directory, read once per session."""
from pathlib import Path
from typing import List, Tuple

import pytest
from spacy.tokens import Doc

from spacy_mbre.data.readers import ConversionStats, read_redocred, read_semeval

DATA = Path(__file__).parents[2].parent / "shared" / "data"
SEMEVAL = DATA / "semeval2010_task8"
REDOCRED = DATA / "re_docred"
CROSSNER = DATA / "crossner"


def need(path: Path) -> Path:
    """Skip the test if a shared data file is absent."""
    if not path.exists():
        pytest.skip(f"shared dataset not found at {path}")
    return path


@pytest.fixture(scope="session")
def semeval_dir() -> Path:
    return need(SEMEVAL)


@pytest.fixture(scope="session")
def redocred_dir() -> Path:
    return need(REDOCRED)


@pytest.fixture(scope="session")
def crossner_dir() -> Path:
    return need(CROSSNER)


@pytest.fixture(scope="session")
def semeval_test() -> Tuple[List[Doc], ConversionStats]:
    stats = ConversionStats()
    docs = list(read_semeval(need(SEMEVAL / "TEST_FILE_FULL.TXT"), stats=stats))
    return docs, stats


@pytest.fixture(scope="session")
def redocred_dev() -> Tuple[List[Doc], ConversionStats]:
    stats = ConversionStats()
    docs = list(read_redocred(need(REDOCRED / "dev_revised.json"), stats=stats))
    return docs, stats
