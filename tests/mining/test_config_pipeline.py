"""The README's config-only mining pipeline: configs/llm_mining.cfg (spacy-llm's
``llm`` pipes running spacy-mbre's two question tasks, then ``mbre_decider``)
assembled with spaCy's config functions, its model swapped for the FAKE
oracle (tests/fake_llm.py)."""
from pathlib import Path

import pytest
from spacy.util import load_config, load_model_from_config

from spacy_mbre.data.relations import get_relations, set_relations
from spacy_mbre.mining.record import pair_records

CONFIG = Path(__file__).parents[2] / "configs" / "llm_mining.cfg"


def test_shipped_config_uses_the_local_llm():
    config = load_config(CONFIG)
    assert config["nlp"]["pipeline"] == ["llm_mc", "llm_bin", "mbre_decider"]
    assert config["components"]["llm_mc"]["task"]["@llm_tasks"] == "spacy-mbre.GroupedMultiClass.v1"
    assert config["components"]["llm_bin"]["task"]["@llm_tasks"] == "spacy-mbre.BinaryVerify.v1"
    for name in ("llm_mc", "llm_bin"):
        assert config["components"][name]["model"] == {"@llm_models": "spacy-mbre.LlamaCpp.v1"}
    # Assembling it does not load the GGUF (the model loads on first use).
    nlp = load_model_from_config(config, auto_fill=True)
    assert nlp.pipe_names == ["llm_mc", "llm_bin", "mbre_decider"]


def test_config_pipeline_mines_with_the_fake_llm(semeval_files, semeval_docs):
    fake = {"@llm_models": "spacy-mbre-test.FakeLLM.v1", "gold": str(semeval_files["gold"])}
    config = load_config(
        CONFIG,
        overrides={
            "paths.fewshot": str(semeval_files["docs"]),
            "components.llm_mc.model": fake,
            "components.llm_bin.model": fake,
        },
    )
    nlp = load_model_from_config(config, auto_fill=True)
    gold = semeval_docs[2]
    doc = gold.copy()
    set_relations(doc, [])  # hide the gold: the pipeline must find it
    (doc,) = nlp.pipe([doc])
    mined = get_relations(doc, source="mined")
    expected = [(r.head.text, r.tail.text, r.label) for r in get_relations(gold, source="gold")]
    assert expected and [(r.head.text, r.tail.text, r.label) for r in mined] == expected
    assert mined[0].score == pytest.approx(0.9)
    record = next(iter(pair_records(doc).values()))
    assert len(record["mc"]) == 3 and len(record["bin"]) == 1
