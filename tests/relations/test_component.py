import subprocess
import sys

import numpy
import pytest
import spacy
from spacy.tokens import Span
from spacy.training import Example

from spacy_mbre.data.relations import Relation, get_relations, set_pairs, set_relations
from spacy_mbre.data.soft_labels import set_soft_targets
from spacy_mbre.relations.model import get_featurizer


def predictions(nlp, examples):
    docs = list(nlp.pipe([eg.x.copy() for eg in examples]))
    return [[(r.head.start, r.tail.start, r.label, r.score) for r in get_relations(d, "predicted")] for d in docs]


def test_factory_module_is_light():
    # spaCy imports every factory entry point on spacy.blank: the component
    # module must not pull in the model code (torch module, transformers).
    code = "import sys, spacy_mbre.relations.component; print('spacy_mbre.relations.model' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_model_forward_shapes(trained_nlp, relation_examples):
    pipe = trained_nlp.get_pipe("mbre_relations")
    assert pipe.labels[0] == "Other" and len(pipe.labels) == 19
    feat = get_featurizer(pipe.model)
    encoded = feat.encode(
        [(eg.x, *[p for p in (pipe.doc_pairs(eg.x)[0].head, pipe.doc_pairs(eg.x)[0].tail)]) for eg in relation_examples]
    )
    scores = pipe.model.predict(encoded)
    assert scores.shape == (10, 19)
    scores, backprop = pipe.model.begin_update(encoded[:3])
    assert scores.shape == (3, 19)
    assert backprop(numpy.zeros_like(scores)) is not None
    assert pipe.model.predict([]).shape == (0, 19)


def test_training_overfits(trained_nlp, relation_examples):
    scores = trained_nlp.evaluate(relation_examples)
    assert scores["rel_micro_f"] == 1.0
    doc = trained_nlp(relation_examples[0].x.copy())
    [rel] = doc._.relations
    # Cause-Effect(e2,e1): head and tail swapped back to the heat → fire direction.
    assert (rel.head.text, rel.tail.text, rel.label) == ("heat", "fire", "Cause-Effect")
    assert rel.source == "predicted" and 0 < rel.score <= 1
    assert rel.meta["option"] == "Cause-Effect(e2,e1)"


def test_predicted_records_are_replaced_and_gold_kept(trained_nlp, relation_examples):
    eg = relation_examples[2]
    doc = eg.x.copy()
    a, b = doc.ents
    set_relations(doc, [Relation(a, b, "Message-Topic", source="gold")])
    doc = trained_nlp(doc)
    doc = trained_nlp(doc)
    assert len(get_relations(doc, "predicted")) == 1
    assert len(get_relations(doc, "gold")) == 1


def test_pairs_generated_without_candidates(trained_nlp, relation_examples):
    doc = relation_examples[2].x.copy()
    set_pairs(doc, [])
    doc = trained_nlp(doc)
    assert [r.label for r in doc._.relations] == ["Content-Container"]


def test_threshold(trained_nlp, relation_examples):
    pipe = trained_nlp.get_pipe("mbre_relations")
    pipe.threshold = 1.01
    try:
        assert all(not p for p in predictions(trained_nlp, relation_examples))
    finally:
        pipe.threshold = None


def test_example_weight_scales_loss(trained_nlp, relation_examples):
    pipe = trained_nlp.get_pipe("mbre_relations")
    encoded, targets, weights = pipe._training_instances(relation_examples[:2])
    logits = pipe.model.ops.to_numpy(pipe.model.predict(encoded))
    loss1, d1 = pipe._loss(logits, targets, [1.0, 1.0], 2)
    loss2, d2 = pipe._loss(logits, targets, [2.0, 2.0], 2)
    assert loss2 == pytest.approx(2 * loss1, rel=1e-5)
    numpy.testing.assert_allclose(d2, 2 * d1, rtol=1e-5)
    egs = [eg.copy() for eg in relation_examples[:1]]
    egs[0].reference.user_data["mbre_weight"] = 0.25
    assert pipe._training_instances(egs)[2] == [0.25]


def test_soft_targets_replace_gold_and_give_kl(trained_nlp, relation_examples):
    pipe = trained_nlp.get_pipe("mbre_relations")
    eg = relation_examples[0].copy()  # gold: Cause-Effect(e2,e1)
    pair = pipe.doc_pairs(eg.x)[0]
    labels = list(pipe.labels)
    soft = numpy.full(len(labels), 0.5 / (len(labels) - 2), dtype="float32")
    soft[labels.index("Cause-Effect(e2,e1)")] = 0.25
    soft[labels.index("Content-Container(e1,e2)")] = 0.25
    # Stored in another label order: the component aligns it to its own.
    set_soft_targets(eg.reference, labels[::-1], {pair.key: soft[::-1]})
    encoded, truth, _ = pipe._training_instances([eg])
    numpy.testing.assert_allclose(truth[0], soft, rtol=1e-6)
    logits = pipe.model.ops.to_numpy(pipe.model.predict(encoded))
    probs = pipe._activate(logits)
    loss, d_logits = pipe._loss(logits, truth, [1.0], 1)
    kl = float((soft * (numpy.log(soft) - numpy.log(probs[0]))).sum())
    assert loss == pytest.approx(kl, rel=1e-4) and loss > 0
    numpy.testing.assert_allclose(d_logits[0], probs[0] - soft, atol=1e-6)
    # Against its own prediction as target the loss (KL) is zero.
    assert pipe._loss(logits, probs, [1.0], 1)[0] == pytest.approx(0.0, abs=1e-5)
    # Without soft targets the gold option is the (one-hot) target and the loss is cross-entropy.
    _, hard, _ = pipe._training_instances(relation_examples[:1])
    gold = labels.index("Cause-Effect(e2,e1)")
    assert hard[0, gold] == 1.0 and hard[0].sum() == 1.0
    assert pipe._loss(logits, hard, [1.0], 1)[0] == pytest.approx(-numpy.log(probs[0, gold]), rel=1e-4)


def test_round_trip_disk_and_bytes(trained_nlp, relation_examples, tmp_path):
    before = predictions(trained_nlp, relation_examples)
    trained_nlp.to_disk(tmp_path / "pipe")
    model_dir = tmp_path / "pipe" / "mbre_relations" / "model"
    assert (model_dir / "model.safetensors").exists() and (model_dir / "config.json").exists()
    assert not list(model_dir.glob("*.bin")) and not list(model_dir.glob("*.pt"))
    loaded = spacy.load(tmp_path / "pipe")
    after = predictions(loaded, relation_examples)
    assert [[r[:3] for r in doc] for doc in after] == [[r[:3] for r in doc] for doc in before]
    for d1, d2 in zip(before, after):
        for r1, r2 in zip(d1, d2):
            assert r1[3] == pytest.approx(r2[3], abs=1e-5)
    fresh = spacy.blank("en")
    fresh.add_pipe("mbre_relations", config={"schema": "semeval", "clm": True, "clm_warmup": 10})
    fresh.from_bytes(trained_nlp.to_bytes())
    assert [[r[:3] for r in doc] for doc in predictions(fresh, relation_examples)] == [
        [r[:3] for r in doc] for doc in before
    ]


def test_load_in_fresh_process_without_importing_package(trained_nlp, relation_examples, tmp_path):
    trained_nlp.to_disk(tmp_path / "pipe")
    expected = [r.label for r in trained_nlp(relation_examples[0].x.copy())._.relations]
    code = (
        "import sys, spacy\n"
        f"nlp = spacy.load({str(tmp_path / 'pipe')!r})\n"
        "from spacy.tokens import Span\n"
        "doc = nlp.make_doc('The fire was caused by the heat .')\n"
        "doc.ents = [Span(doc, 1, 2, 'ENTITY'), Span(doc, 6, 7, 'ENTITY')]\n"
        "doc = nlp(doc)\n"
        "print([r['label'] for r in doc.user_data['mbre']['relations']])\n"
    )
    env = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PATH": ""}
    import os

    env = {**os.environ, **env}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=str(tmp_path))
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == repr(expected)


@pytest.mark.slow
def test_typing_mode_overfits(tmp_path):
    nlp = spacy.blank("en")
    rows = [
        ("Angela Merkel led the CDU .", [(0, 2, "politician"), (4, 5, "politicalparty")]),
        ("Barack Obama joined the Democratic Party .", [(0, 2, "politician"), (4, 6, "politicalparty")]),
        ("The 2009 election was won by Merkel .", [(1, 3, "election"), (6, 7, "politician")]),
        ("The Labour Party lost the 2010 election .", [(1, 3, "politicalparty"), (5, 7, "election")]),
    ]
    examples = []
    for text, ents in rows:
        doc = nlp.make_doc(text)
        doc.ents = [Span(doc, s, e, label="ENT") for s, e, _ in ents]
        ref = doc.copy()
        set_relations(ref, [Relation(Span(ref, s, e, label="ENT"), None, t) for s, e, t in ents])
        examples.append(Example(doc, ref))
    nlp.add_pipe("mbre_relations", config={"task": "typing", "schema": "crossner_politics", "overwrite_ents": True})
    nlp.initialize(lambda: examples)
    optimizer = nlp.create_optimizer()
    optimizer.learn_rate = 3e-4
    for _ in range(25):
        nlp.update(examples, sgd=optimizer)
    scores = nlp.evaluate(examples)
    assert scores["type_micro_f"] == 1.0
    doc = nlp(examples[0].x.copy())
    assert [(r.head.text, r.tail, r.label) for r in doc._.relations] == [
        ("Angela Merkel", None, "politician"),
        ("CDU", None, "politicalparty"),
    ]
    assert [e.label_ for e in doc.ents] == ["politician", "politicalparty"]
