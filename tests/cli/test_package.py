"""The README's packaging example: ``python -m spacy package`` turns a trained
pipeline (mbre_pairs → mbre_relations) into an installable package that, in a
fresh virtual environment with spacy-mbre installed from its wheel, loads with
``spacy.load(name)`` and predicts what the pipeline it came from predicts.
Slow: it builds and installs two packages (the ``fresh_python`` fixture of
tests/conftest.py)."""
import json
import sys
from pathlib import Path
from typing import Callable, List

import pytest
import spacy
from spacy.training import Example

from spacy_mbre.data.readers.corpus import read_docs
from spacy_mbre.data.relations import set_relations

NAME = "mbre_package_test"
VERSION = "0.0.1"
# Raw text with its two marked nominals (SemEval's arguments; no NER tags them).
WORDS = ["The", "fire", "was", "caused", "by", "a", "cigarette", "in", "the", "kitchen", "."]
ENTS = [(1, 2), (6, 7)]
# What the loaded pipeline predicts, as JSON: labels and (head, label, tail, score).
PREDICT = """
import json, sys
import spacy
from spacy.tokens import Doc, Span

nlp = spacy.load(sys.argv[1])
words, ents = json.loads(sys.argv[2])
doc = Doc(nlp.vocab, words=words)
doc.ents = [Span(doc, s, e, label="ENTITY") for s, e in ents]
doc = nlp(doc)
print(json.dumps({
    "pipeline": nlp.pipe_names,
    "labels": list(nlp.get_pipe("mbre_relations").labels),
    "relations": [[r.head.text, r.label, r.tail.text, round(float(r.score), 4)] for r in doc._.relations],
    "requirements": nlp.meta.get("requirements", []),
    "path": str(nlp.path),
}))
"""


def train_pipeline(train_path: Path, out: Path) -> Path:
    """A blank English pipeline with mbre_pairs and mbre_relations (SemEval
    schema), trained for a few steps on the tiny SemEval set, saved to out."""
    gold = list(read_docs(train_path, spacy.blank("en")))
    examples: List[Example] = []
    for doc in gold:
        predicted = doc.copy()
        set_relations(predicted, [])
        examples.append(Example(predicted, doc))
    nlp = spacy.blank("en")
    nlp.add_pipe("mbre_pairs", config={"schema": "semeval", "both_directions": False})
    nlp.add_pipe("mbre_relations", config={"schema": "semeval"})
    nlp.initialize(lambda: examples)
    optimizer = nlp.create_optimizer()
    for _ in range(3):
        nlp.update(examples, sgd=optimizer)
    nlp.meta["name"] = NAME
    nlp.to_disk(out)
    return out


@pytest.mark.slow
def test_spacy_package_loads_in_a_fresh_venv(
    fresh_python: Path, run_command: Callable[..., str], semeval_docbin_shared: Path, tmp_path: Path
):
    model = train_pipeline(semeval_docbin_shared, tmp_path / "model")
    args = json.dumps([WORDS, ENTS])
    here = json.loads(run_command([sys.executable, "-c", PREDICT, model, args], cwd=tmp_path))
    assert here["pipeline"] == ["mbre_pairs", "mbre_relations"]
    packages = tmp_path / "packages"
    packages.mkdir()
    python = str(fresh_python)
    # As the README says: spacy package, then pip install the sdist, in the fresh environment.
    run_command([python, "-m", "spacy", "package", model, packages, "--name", NAME, "--version", VERSION,
                 "--build", "sdist", "--force"], cwd=tmp_path)
    (sdist,) = packages.glob(f"en_{NAME}-{VERSION}/dist/en_{NAME}-{VERSION}.tar.gz")
    run_command([python, "-m", "pip", "install", "--no-deps", "--no-index", "--no-build-isolation", sdist],
                cwd=tmp_path)
    there = json.loads(run_command([python, "-c", PREDICT, f"en_{NAME}", args], cwd=tmp_path))
    assert Path(there["path"]).is_relative_to(fresh_python.parents[1]), there["path"]
    assert any(req.startswith("spacy-mbre") for req in there["requirements"]), there["requirements"]
    assert there["pipeline"] == here["pipeline"] and there["labels"] == here["labels"]
    assert [r[:3] for r in there["relations"]] == [r[:3] for r in here["relations"]]
    assert [r[3] for r in there["relations"]] == pytest.approx([r[3] for r in here["relations"]], abs=1e-3)
