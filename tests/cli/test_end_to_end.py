"""End-to-end Rel and Rel+ (entities predicted): the scores on a hand-made
case, ``evaluate_end_to_end`` on a rule-based pipeline, and the SciERC chain
on the made-up PURE fixture: ``spacy train configs/scierc_ner.cfg`` → a
trained ``mbre_relations`` → ``spacy assemble configs/scierc_e2e.cfg`` →
``evaluate --end-to-end``."""
from pathlib import Path
from typing import Dict, List, Tuple

import numpy
import pytest
import spacy
import srsly
from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span
from spacy.training import Example
from typer.testing import CliRunner

from spacy_mbre.cli import app
from spacy_mbre.cli.convert import Format, convert
from spacy_mbre.data.keys import ID_KEY
from spacy_mbre.data.readers.corpus import make_predicted
from spacy_mbre.data.relations import Relation, get_pairs, get_relations, set_relations
from spacy_mbre.data.schema import load_schema
from spacy_mbre.errors import ConfigError
from spacy_mbre.evaluation import evaluate_end_to_end, make_raw
from spacy_mbre.scoring import score_end_to_end

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = ROOT / "configs"
SAMPLE = ROOT / "tests" / "data" / "fixtures" / "pure_sample.json"
runner = CliRunner()

# The fixture's four sentences, predicted: in the first the head entity has a
# wrong boundary ("parser" for "neural parser"); in the second "baseline" has
# a wrong type (Method for Generic); the third has no entities; the fourth is
# right. (text, label) per entity, (head, label, tail) per relation.
PREDICTED: List[Tuple[List[Tuple[str, str]], List[Tuple[str, str, str]]]] = [
    ([("parser", "Method"), ("German dependency parsing", "Task")],
     [("parser", "USED-FOR", "German dependency parsing")]),
    ([("Accuracy", "Metric"), ("treebank", "Material"), ("baseline", "Method"), ("tagger", "Method")],
     [("Accuracy", "EVALUATE-FOR", "baseline"), ("baseline", "CONJUNCTION", "tagger")]),
    ([], []),
    ([("Speech recognition", "Task"), ("sequence labelling", "Task")],
     [("Speech recognition", "HYPONYM-OF", "sequence labelling")]),
]
RELATIONS: Dict[Tuple[str, str], str] = {(h, t): label for _, rels in PREDICTED for h, label, t in rels}
RULER_NAME = "mbre_test_e2e_relations"


@Language.component(RULER_NAME)
def fixed_relations(doc: Doc) -> Doc:
    """doc (Doc): A doc with candidate pairs.
    RETURNS (Doc): The doc with the relations of RELATIONS on its pairs, as
        mbre_relations would set them (source "predicted").
    """
    set_relations(doc, [
        Relation(p.head, p.tail, RELATIONS[(p.head.text, p.tail.text)], 1.0, source="predicted")
        for p in get_pairs(doc) if p.tail is not None and (p.head.text, p.tail.text) in RELATIONS
    ])
    return doc


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pure") / "sample.spacy"
    convert(Format.pure, SAMPLE, out, schema="scierc", entity_schema="scierc_entities")
    return out


def gold_docs(path: Path) -> List[Doc]:
    return list(DocBin().from_disk(path).get_docs(spacy.blank("en").vocab))


def rule_pipeline() -> Language:
    """RETURNS (Language): entity_ruler (PREDICTED's entities) → mbre_pairs →
    the fixed relation component."""
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": label, "pattern": text} for ents, _ in PREDICTED for text, label in ents])
    nlp.add_pipe("mbre_pairs", config={"schema": "scierc"})
    nlp.add_pipe(RULER_NAME)
    return nlp


def hand_made(reference: Doc, ents: List[Tuple[str, str]], rels: List[Tuple[str, str, str]]) -> Doc:
    doc = make_raw(spacy.blank("en"), reference)
    spans = {}
    for text, label in ents:
        start = doc.text.index(text)
        spans[text] = doc.char_span(start, start + len(text), label=label)
    doc.ents = list(spans.values())
    set_relations(doc, [Relation(spans[h], spans[t], label, 1.0, source="predicted") for h, label, t in rels])
    return doc


def copy_span(doc: Doc, span: Span) -> Span:
    return Span(doc, span.start, span.end, label=span.label_)


def test_scores_on_a_hand_made_case(converted):
    refs = gold_docs(converted)
    examples = [Example(hand_made(ref, *pred), ref) for ref, pred in zip(refs, PREDICTED)]
    scores = score_end_to_end(examples)
    # NER: 9 gold entities (the nested "dependency parsing" included), 8 predicted, 6 right.
    assert (scores["ents_p"], scores["ents_r"]) == (pytest.approx(6 / 8), pytest.approx(6 / 9))
    assert scores["ents_per_type"]["Generic"] == {"p": 0.0, "r": 0.0, "f": 0.0}
    # Rel: 4 gold, 4 predicted; the wrongly bounded head makes its relation wrong, the wrong type does not.
    assert (scores["rel_micro_p"], scores["rel_micro_r"]) == (0.75, 0.75)
    # Rel+: the two relations of the wrongly typed "baseline" are wrong too.
    assert (scores["rel_plus_micro_p"], scores["rel_plus_micro_r"]) == (0.25, 0.25)
    assert scores["rel_f_per_type"]["USED-FOR"]["f"] == 0.0 and scores["rel_plus_f_per_type"]["CONJUNCTION"]["f"] == 0.0
    # Gold entities from doc.ents (nested ones dropped): 8 gold entities.
    assert score_end_to_end(examples, gold_spans_key=None)["ents_r"] == pytest.approx(6 / 8)
    # With gold entities everything is right, and Rel+ equals Rel.
    gold = [Example(make_predicted(spacy.blank("en"), ref), ref) for ref in refs]
    for eg in gold:
        set_relations(eg.predicted, [
            Relation(copy_span(eg.predicted, r.head), copy_span(eg.predicted, r.tail), r.label, 1.0,
                     source="predicted")
            for r in get_relations(eg.reference)
        ])
    # make_predicted copies doc.ents only: the nested gold entity stays unpredicted.
    perfect = score_end_to_end(gold)
    assert perfect["rel_micro_f"] == perfect["rel_plus_micro_f"] == 1.0
    assert (perfect["ents_p"], perfect["ents_r"]) == (1.0, pytest.approx(8 / 9))


def test_evaluate_end_to_end_on_raw_text(converted):
    refs = gold_docs(converted)
    result = evaluate_end_to_end(rule_pipeline(), refs, load_schema("scierc"))
    assert result["end_to_end"] and result["docs"] == 4
    assert result["entities"] == {"predicted": 8, "gold": 9}
    # Candidate pairs of the predicted entities: 2 + 12 + 0 + 2.
    assert result["pairs"] == 16 and result["pairs_per_second"] > 0
    scores = result["scores"]
    assert (scores["ents_p"], scores["ents_r"]) == (pytest.approx(6 / 8), pytest.approx(6 / 9))
    assert (scores["rel_micro_f"], scores["rel_plus_micro_f"]) == (0.75, 0.25)
    # The gold docs are not touched; the predicted ones start from the text alone.
    assert [len(get_relations(ref)) for ref in refs] == [1, 2, 0, 1]
    same = evaluate_end_to_end(rule_pipeline(), refs, load_schema("scierc"), gold_preproc=True)
    assert same["scores"] == scores


def test_evaluate_end_to_end_with_spans(converted):
    """Entities in doc.spans (as a spancat writes them), overlaps allowed."""
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("span_ruler", config={"spans_key": "ruler"})
    ruler.add_patterns([{"label": label, "pattern": text} for ents, _ in PREDICTED for text, label in ents])
    ruler.add_patterns([{"label": "Task", "pattern": "dependency parsing"}])
    nlp.add_pipe("mbre_pairs", config={"schema": "scierc", "spans_key": "ruler"})
    nlp.add_pipe(RULER_NAME)
    result = evaluate_end_to_end(nlp, gold_docs(converted), load_schema("scierc"), spans_key="ruler")
    # The nested "dependency parsing" is found too: 7 of 9 predicted entities are right, of 9 gold.
    assert result["entities"] == {"predicted": 9, "gold": 9}
    assert (result["scores"]["ents_p"], result["scores"]["ents_r"]) == (pytest.approx(7 / 9), pytest.approx(7 / 9))
    # It overlaps "German dependency parsing", so it pairs only with "parser": 4 + 12 + 0 + 2 pairs.
    assert result["pairs"] == 18
    assert (result["scores"]["rel_micro_f"], result["scores"]["rel_plus_micro_f"]) == (0.75, 0.25)
    # Entities in doc.spans, pairs from doc.ents: refused.
    nlp.replace_pipe("mbre_pairs", "mbre_pairs", config={"schema": "scierc"})
    with pytest.raises(ConfigError, match="pairs the entities of doc.ents, not those of doc.spans"):
        evaluate_end_to_end(nlp, gold_docs(converted), load_schema("scierc"), spans_key="ruler")
    with pytest.raises(ConfigError, match=r"predicts doc.spans\['sc'\]"):
        evaluate_end_to_end(rule_pipeline(), gold_docs(converted), load_schema("scierc"), spans_key="sc")


def test_evaluate_end_to_end_needs_entities(converted):
    nlp = spacy.blank("en")
    nlp.add_pipe("mbre_pairs")
    with pytest.raises(ConfigError, match="predicts doc.ents"):
        evaluate_end_to_end(nlp, gold_docs(converted), load_schema("scierc"))
    with pytest.raises(ConfigError, match="typing"):
        evaluate_end_to_end(rule_pipeline(), gold_docs(converted), load_schema("scierc_entities"))


@pytest.fixture(scope="module")
def ner_model(tmp_path_factory: pytest.TempPathFactory, converted: Path) -> Path:
    """A ner trained with `spacy train configs/scierc_ner.cfg` on the fixture."""
    from spacy.cli.train import train

    out = tmp_path_factory.mktemp("scierc_ner")
    overrides = {
        "paths.train": str(converted),
        "paths.dev": str(converted),
        "training.max_steps": 60,
        "training.eval_frequency": 60,
        "components.ner.model.tok2vec.encode.width": 64,
        "components.ner.model.tok2vec.encode.depth": 2,
    }
    train(CONFIGS / "scierc_ner.cfg", out, overrides=overrides)
    return out / "model-last"


@pytest.fixture(scope="module")
def relations_model(tmp_path_factory: pytest.TempPathFactory, converted: Path) -> Path:
    """configs/scierc.cfg's mbre_relations, a few updates on the fixture."""
    from spacy.training.initialize import init_nlp
    from spacy.util import load_config
    from thinc.api import Adam

    overrides = {"paths.train": str(converted), "paths.dev": str(converted), "training.max_steps": 10}
    nlp = init_nlp(load_config(CONFIGS / "scierc.cfg", overrides=overrides, interpolate=False))
    examples = [Example(make_predicted(nlp, ref), ref) for ref in gold_docs(converted)]
    optimizer = Adam(3e-4)
    for _ in range(10):
        nlp.update(examples, sgd=optimizer)
    out = tmp_path_factory.mktemp("scierc_rel") / "model"
    nlp.to_disk(out)
    return out


def test_scierc_chain_on_the_fixture(tmp_path, converted, ner_model, relations_model):
    from spacy.cli import app as spacy_app

    assembled = tmp_path / "e2e"
    args = ["assemble", str(CONFIGS / "scierc_e2e.cfg"), str(assembled),
            "--paths.ner_model", str(ner_model), "--paths.relations_model", str(relations_model)]
    result = runner.invoke(spacy_app, args)
    assert result.exit_code == 0, result.output
    nlp = spacy.load(assembled)
    assert nlp.pipe_names == ["ner", "mbre_pairs", "mbre_relations"]
    assert set(nlp.get_pipe("ner").labels) <= {"Task", "Method", "Metric", "Material", "OtherScientificTerm",
                                                 "Generic"}
    # The sourced mbre_relations keeps its trained weights.
    source = spacy.load(relations_model)
    ref = gold_docs(converted)[1]
    before = source.get_pipe("mbre_relations").predict([make_predicted(source, ref)]).probs[0]
    after = nlp.get_pipe("mbre_relations").predict([make_predicted(nlp, ref)]).probs[0]
    assert before.shape == (12, 8) and numpy.allclose(before, after, atol=1e-5)
    # The pipeline works on raw text: entities, their pairs, relations on those pairs.
    doc = nlp("Accuracy on the treebank improves over the baseline and the tagger .")
    pairs = {(p.head.start_char, p.tail.start_char) for p in get_pairs(doc)}
    assert len(pairs) == len(doc.ents) * (len(doc.ents) - 1)
    assert all((r.head.start_char, r.tail.start_char) in pairs for r in get_relations(doc, source="predicted"))
    out = tmp_path / "metrics" / "e2e.json"
    result = runner.invoke(app, ["evaluate", str(assembled), str(converted), str(out), "--end-to-end",
                                 "--label", "e2e"])
    assert result.exit_code == 0, result.output
    data = srsly.read_json(out)
    assert data["label"] == "e2e" and data["end_to_end"] and data["docs"] == 4 and data["schema"] == "scierc"
    assert data["entities"]["gold"] == 9
    head = data["headline"]
    assert {"micro_f", "plus_micro_f", "ents_p", "ents_r", "ents_f"} <= set(head)
    # 60 steps overfit the ner on its 4 training sentences.
    assert head["ents_f"] is not None and head["ents_f"] > 0.5
    for key in ("rel_micro_f", "rel_plus_micro_f"):
        assert data["scores"][key] is None or 0.0 <= data["scores"][key] <= 1.0
    # Rel+ can never beat Rel.
    assert (data["scores"]["rel_plus_micro_f"] or 0.0) <= (data["scores"]["rel_micro_f"] or 0.0)
    # --gold-preproc belongs to --end-to-end.
    assert runner.invoke(app, ["evaluate", str(assembled), str(converted), str(out), "--gold-preproc"]).exit_code != 0


def test_doc_ids_survive(converted):
    refs = gold_docs(converted)
    doc = make_raw(spacy.blank("en"), refs[1])
    assert doc.user_data[ID_KEY] == "made-up-1:1" and not doc.ents and get_pairs(doc) == []


def test_evaluate_end_to_end_refuses_a_pipeline_without_entities(tmp_path, converted, relations_model):
    out = tmp_path / "e2e.json"
    result = runner.invoke(app, ["evaluate", str(relations_model), str(converted), str(out), "--end-to-end"])
    assert result.exit_code != 0 and "predicts doc.ents" in str(result.exception)
    assert not out.exists()


@pytest.mark.slow
@pytest.mark.parametrize("packing,mdos", [("none", "false"), ("subject", "true")])
def test_scierc_workflow_commands_on_the_fixture(tmp_path, packing, mdos):
    """The `scierc` workflow's commands (project.yml), with the fixture as
    train, dev and test and a few training steps."""
    from spacy.cli import app as spacy_app
    from spacy.cli.train import train

    corpus = tmp_path / "corpus"
    for split in ("train", "dev", "test"):
        args = ["convert", "pure", str(SAMPLE), str(corpus / f"{split}.spacy"), "--schema", "scierc",
                "--entity-schema", "scierc_entities"]
        assert runner.invoke(app, args).exit_code == 0
    paths = {"paths.train": str(corpus / "train.spacy"), "paths.dev": str(corpus / "dev.spacy")}
    train(CONFIGS / "scierc_ner.cfg", tmp_path / "ner",
          overrides={**paths, "training.max_steps": 20, "training.eval_frequency": 10})
    rel_overrides = {
        **paths,
        "components.mbre_relations.model.packing": packing,
        "components.mbre_relations.model.mdos": mdos == "true",
        "components.mbre_relations.clm": True,
        "training.max_steps": 3,
        "training.eval_frequency": 3,
        "training.optimizer.learn_rate.warmup_steps": 1,
    }
    train(CONFIGS / "scierc.cfg", tmp_path / "rel", overrides=rel_overrides)
    gold_out = tmp_path / "gold.json"
    args = ["evaluate", str(tmp_path / "rel" / "model-best"), str(corpus / "test.spacy"), str(gold_out), "--rel-plus"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    gold_head = srsly.read_json(gold_out)["headline"]
    assert gold_head["plus_micro_f"] == gold_head["micro_f"] and "ents_f" not in gold_head
    args = ["assemble", str(CONFIGS / "scierc_e2e.cfg"), str(tmp_path / "e2e"),
            "--paths.ner_model", str(tmp_path / "ner" / "model-best"),
            "--paths.relations_model", str(tmp_path / "rel" / "model-best")]
    result = runner.invoke(spacy_app, args)
    assert result.exit_code == 0, result.output
    assert spacy.load(tmp_path / "e2e").get_pipe("mbre_relations").model.attrs["packing"] == packing
    e2e_out = tmp_path / "e2e.json"
    result = runner.invoke(app, ["evaluate", str(tmp_path / "e2e"), str(corpus / "test.spacy"), str(e2e_out),
                                 "--end-to-end"])
    assert result.exit_code == 0, result.output
    data = srsly.read_json(e2e_out)
    assert data["end_to_end"] and data["docs"] == 4 and data["entities"]["gold"] == 9
    assert {"micro_f", "plus_micro_f", "ents_f"} <= set(data["headline"])
