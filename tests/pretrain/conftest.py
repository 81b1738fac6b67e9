"""Fixtures for the pre-training tests: the default encoder's (MiniLM's)
fast WordPiece tokenizer, and a TINY randomly initialised BERT masked LM with
that tokenizer (2 layers, hidden size 32), saved like a Hugging Face model
directory, so that training steps take milliseconds on a CPU; the FAKE
explainer model (tests/pretrain/fake_explainer.py) and the hand-written
SemEval sample (tests/mining/data/semeval_sample.txt) as few-shot gold."""
import sys
from pathlib import Path
from typing import Any, List

import pytest
import spacy
import torch
from spacy.tokens import Doc
from spacy.util import import_file

from spacy_mbre.data.relations import Pair, Relation, set_pairs, set_relations
from spacy_mbre.pretrain.samples import PretrainSample
from spacy_mbre.relations.encoder import DEFAULT_ENCODER, resolve_encoder_name

FAKE_EXPLAINER_PATH = Path(__file__).parent / "fake_explainer.py"
FAKE_EXPLAINER_MODULE = "spacy_mbre_tests_fake_explainer"
if FAKE_EXPLAINER_MODULE not in sys.modules:
    sys.modules[FAKE_EXPLAINER_MODULE] = import_file(FAKE_EXPLAINER_MODULE, FAKE_EXPLAINER_PATH)
SEMEVAL_SAMPLE = Path(__file__).parents[1] / "mining" / "data" / "semeval_sample.txt"

# (text, head chars, tail chars, label): entities that split into several word pieces
ROWS = [
    ("The Kilimanjaro expedition was delayed by heavy snowfall yesterday .", (4, 15), (42, 56), "Cause-Effect"),
    ("A photosynthesis lecture is inside the auditorium building today .", (2, 16), (39, 49), "Content-Container"),
    ("The wheel of the tricycle broke .", (4, 9), (17, 25), "Component-Whole"),
    ("Her manuscript was sent to the Smithsonian archive .", (4, 14), (31, 42), "Entity-Destination"),
    ("The man saw a dog near the river .", (4, 7), (14, 17), None),
    ("Thermodynamics textbooks explain entropy in detail .", (0, 14), (33, 40), "Message-Topic"),
]


@pytest.fixture(autouse=True)
def one_torch_thread() -> Any:
    """The TINY model's matrices are too small for thread parallelism: one
    thread avoids oversubscribing shared cores (restored afterwards)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture()
def fake_explainer() -> Any:
    """RETURNS (module): tests/pretrain/fake_explainer.py."""
    return sys.modules[FAKE_EXPLAINER_MODULE]


@pytest.fixture()
def gold_docs() -> List[Doc]:
    """The 16 gold docs of the SemEval sample (14 relations, 2 Other)."""
    from spacy_mbre.data.readers import read_semeval

    return list(read_semeval(SEMEVAL_SAMPLE))


@pytest.fixture(scope="session")
def tokenizer() -> Any:
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(resolve_encoder_name(DEFAULT_ENCODER))


@pytest.fixture(scope="session")
def tiny_encoder_dir(tmp_path_factory: pytest.TempPathFactory, tokenizer: Any) -> Path:
    """RETURNS (Path): A TINY random BertForMaskedLM + MiniLM's tokenizer."""
    from transformers import BertConfig, BertForMaskedLM

    path = tmp_path_factory.mktemp("tiny_bert")
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        BertForMaskedLM(config).save_pretrained(str(path))
    tokenizer.save_pretrained(str(path))
    return path


def sample_rows() -> List[PretrainSample]:
    """RETURNS (List[PretrainSample]): ROWS as samples (label None → unlabelled)."""
    return [PretrainSample(text, head, tail, label, "rows") for text, head, tail, label in ROWS]


@pytest.fixture()
def samples() -> List[PretrainSample]:
    return sample_rows()


def make_doc(text: str, head: tuple, tail: tuple, label: Any) -> Doc:
    """A doc with two entities, their candidate pair and (if label) a gold relation."""
    nlp = spacy.blank("en")
    doc = nlp.make_doc(text)
    a = doc.char_span(*head, label="ENTITY")
    b = doc.char_span(*tail, label="ENTITY")
    assert a is not None and b is not None, text
    doc.ents = [a, b]
    set_pairs(doc, [Pair(a, b)])
    if label:
        set_relations(doc, [Relation(a, b, label)])
    return doc


@pytest.fixture()
def docs() -> List[Doc]:
    return [make_doc(*row) for row in ROWS]
