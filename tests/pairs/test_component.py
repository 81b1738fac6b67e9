import subprocess
import sys

import spacy
from spacy.tokens import Span

from spacy_mbre.pairs.component import DEFAULT_CONFIG


def test_add_pipe_writes_candidate_pairs():
    nlp = spacy.blank("en")
    nlp.add_pipe("mbre_pairs", config={"both_directions": False})
    doc = nlp.make_doc("Alice met Bob in Paris .")
    doc.ents = [Span(doc, 0, 1, "PER"), Span(doc, 2, 3, "PER"), Span(doc, 4, 5, "LOC")]
    doc = nlp.get_pipe("mbre_pairs")(doc)
    assert [(p.head.text, p.tail.text) for p in doc._.candidate_pairs] == [
        ("Alice", "Bob"),
        ("Alice", "Paris"),
        ("Bob", "Paris"),
    ]


def test_default_config_is_documented_in_factory():
    nlp = spacy.blank("en")
    pipe_config = nlp.add_pipe("mbre_pairs") and nlp.config["components"]["mbre_pairs"]
    for key, value in DEFAULT_CONFIG.items():
        assert pipe_config[key] == value


def test_pipeline_with_pairs_survives_to_disk_and_docbin(tmp_path):
    nlp = spacy.blank("en")
    nlp.add_pipe("mbre_pairs", config={"max_distance": 5})
    nlp.to_disk(tmp_path / "pipe")
    loaded = spacy.load(tmp_path / "pipe")
    assert loaded.get_pipe_config("mbre_pairs")["max_distance"] == 5

    doc = loaded.make_doc("Alice met Bob")
    doc.ents = [Span(doc, 0, 1, "PER"), Span(doc, 2, 3, "PER")]
    doc = loaded.get_pipe("mbre_pairs")(doc)
    data = spacy.tokens.DocBin(docs=[doc], store_user_data=True).to_bytes()
    restored = next(iter(spacy.tokens.DocBin(store_user_data=True).from_bytes(data).get_docs(loaded.vocab)))
    assert [(p.head.text, p.tail.text, p.head.label_) for p in restored._.candidate_pairs] == [
        ("Alice", "Bob", "PER"),
        ("Bob", "Alice", "PER"),
    ]


def test_fresh_process_without_importing_spacy_mbre(tmp_path):
    """The entry points alone make the factory and saved pipelines loadable."""
    nlp = spacy.blank("en")
    nlp.add_pipe("mbre_pairs")
    nlp.to_disk(tmp_path / "pipe")
    code = (
        "import sys, spacy\n"
        "spacy.blank('en').add_pipe('mbre_pairs')\n"
        f"nlp = spacy.load({str(tmp_path / 'pipe')!r})\n"
        "assert nlp.pipe_names == ['mbre_pairs'], nlp.pipe_names\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
