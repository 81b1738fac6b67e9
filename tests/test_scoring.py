"""Tests of spacy_mbre.scoring: hand-computed cases and agreement with the
official SemEval-2010 Task 8 perl scorer on its shipped examples."""
import re
import shutil
import subprocess
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import pytest
import spacy
from spacy.tokens import Doc, Span
from spacy.training import Example

from spacy_mbre.data.relations import Pair, Relation, get_relations, set_pairs, set_relations
from spacy_mbre.errors import ConfigError, DataError
from spacy_mbre.scoring import (
    make_relation_scorer,
    read_semeval_answers,
    score_relations,
    score_semeval_files,
    score_semeval_labels,
    semeval_label,
    semeval_pair,
    strip_direction,
)

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
SCORER_DIR = SHARED_DATA / "semeval2010_task8" / "scorer"
PERL_SCRIPT = SCORER_DIR / "semeval2010_task8_scorer-v1.2.pl"
EXAMPLE_SETS = (1, 2, 3, 5)

WORDS = ["Alice", "met", "Bob", "in", "Paris", "."]


@pytest.fixture(scope="module")
def nlp():
    return spacy.blank("en")


def make_doc(nlp, words: List[str] = WORDS) -> Doc:
    return Doc(nlp.vocab, words=words)


def rel(doc: Doc, head: Tuple[int, int], tail: Optional[Tuple[int, int]], label: str, source: str = "gold",
        head_type: str = "", tail_type: str = "", score: Optional[float] = None) -> Relation:
    return Relation(
        head=Span(doc, *head, label=head_type),
        tail=Span(doc, *tail, label=tail_type) if tail is not None else None,
        label=label,
        source=source,
        score=score,
    )


ALICE, MET, BOB, IN, PARIS = (0, 1), (1, 2), (2, 3), (3, 4), (4, 5)


# ------------------------------------------------------------ relations
def test_micro_macro_per_label_hand_computed(nlp):
    gold = make_doc(nlp)
    set_relations(
        gold,
        [
            rel(gold, ALICE, BOB, "knows"),
            rel(gold, ALICE, BOB, "colleague"),  # second label on the same pair
            rel(gold, BOB, PARIS, "lives_in"),
            rel(gold, ALICE, PARIS, "no_relation"),
        ],
    )
    # Tokenised differently ("Al" "ice"): spans are matched by characters.
    pred = Doc(nlp.vocab, words=["Al", "ice", "met", "Bob", "in", "Paris", "."], spaces=[False] + [True] * 6)
    assert pred.text == gold.text
    p_alice, p_bob, p_paris = (0, 2), (3, 4), (5, 6)
    set_relations(
        pred,
        [
            rel(pred, p_alice, p_bob, "knows", "predicted"),  # tp
            rel(pred, p_alice, p_bob, "lives_in", "predicted"),  # fp
            rel(pred, p_paris, p_bob, "lives_in", "predicted"),  # wrong direction: fp
            rel(pred, p_bob, p_paris, "no_relation", "predicted"),  # ignored
            rel(pred, p_alice, p_paris, "no_relation", "predicted"),  # ignored
            rel(pred, p_alice, p_bob, "colleague", "mined"),  # other source: ignored
        ],
    )
    scores = score_relations([Example(pred, gold)], source="predicted")
    # tp=1 fp=2 fn=2 (colleague, Bob->Paris lives_in)
    assert scores["rel_micro_p"] == pytest.approx(1 / 3)
    assert scores["rel_micro_r"] == pytest.approx(1 / 3)
    assert scores["rel_micro_f"] == pytest.approx(1 / 3)
    per_type = scores["rel_f_per_type"]
    assert set(per_type) == {"knows", "colleague", "lives_in"}
    assert per_type["knows"] == pytest.approx({"p": 1.0, "r": 1.0, "f": 1.0})
    assert per_type["colleague"] == pytest.approx({"p": 0.0, "r": 0.0, "f": 0.0})
    assert per_type["lives_in"] == pytest.approx({"p": 0.0, "r": 0.0, "f": 0.0})
    assert scores["rel_macro_f"] == pytest.approx(1 / 3)
    assert scores["rel_macro_p"] == pytest.approx(1 / 3)
    # All sources of the predicted doc: the mined "colleague" becomes a tp.
    all_sources = score_relations([Example(pred, gold)])
    assert all_sources["rel_micro_p"] == pytest.approx(2 / 4)
    assert all_sources["rel_micro_r"] == pytest.approx(2 / 3)


def test_mined_against_gold(nlp):
    gold, mined = make_doc(nlp), make_doc(nlp)
    set_relations(gold, [rel(gold, ALICE, BOB, "knows"), rel(gold, BOB, PARIS, "lives_in")])
    set_relations(
        mined,
        [
            rel(mined, ALICE, BOB, "knows", "mined"),
            rel(mined, ALICE, PARIS, "lives_in", "mined"),
            rel(mined, BOB, PARIS, "lives_in", "gold"),  # not mined: ignored
        ],
    )
    scores = score_relations([Example(mined, gold)], source="mined", gold_source="gold")
    assert scores["rel_micro_p"] == pytest.approx(0.5)
    assert scores["rel_micro_r"] == pytest.approx(0.5)
    assert scores["rel_f_per_type"]["knows"]["f"] == pytest.approx(1.0)
    # Gold and mined records on one doc: Example(doc, doc).
    doc = make_doc(nlp)
    set_relations(doc, [rel(doc, ALICE, BOB, "knows", "gold"), rel(doc, ALICE, PARIS, "lives_in", "mined")])
    scores = score_relations([Example(doc, doc)], source="mined", gold_source="gold")
    assert scores["rel_micro_p"] == 0.0 and scores["rel_micro_r"] == 0.0
    assert set(scores["rel_f_per_type"]) == {"knows", "lives_in"}


def test_no_relation_label_is_configurable(nlp):
    gold, pred = make_doc(nlp), make_doc(nlp)
    set_relations(gold, [rel(gold, ALICE, BOB, "Other")])
    set_relations(pred, [rel(pred, ALICE, BOB, "Other", "predicted")])
    assert score_relations([Example(pred, gold)])["rel_micro_f"] == pytest.approx(1.0)
    ignored = score_relations([Example(pred, gold)], no_relation_label="Other")
    assert ignored["rel_micro_f"] is None
    assert ignored["rel_macro_f"] is None
    assert ignored["rel_f_per_type"] == {}


def test_rel_vs_rel_plus(nlp):
    gold, pred = make_doc(nlp), make_doc(nlp)
    set_relations(
        gold,
        [
            rel(gold, ALICE, PARIS, "lives_in", head_type="PER", tail_type="LOC"),
            rel(gold, BOB, PARIS, "lives_in", head_type="PER", tail_type="LOC"),
        ],
    )
    # Types from the predicted doc's entities when the record spans carry none.
    pred.ents = [Span(pred, *ALICE, label="ORG"), Span(pred, *BOB, label="PER"), Span(pred, *PARIS, label="LOC")]
    set_relations(
        pred,
        [rel(pred, ALICE, PARIS, "lives_in", "predicted"), rel(pred, BOB, PARIS, "lives_in", "predicted")],
    )
    scores = score_relations([Example(pred, gold)], source="predicted", rel_plus=True)
    assert scores["rel_micro_f"] == pytest.approx(1.0)  # Rel: boundaries only
    # Rel+: Alice typed ORG instead of PER -> tp=1 fp=1 fn=1
    assert scores["rel_plus_micro_p"] == pytest.approx(0.5)
    assert scores["rel_plus_micro_r"] == pytest.approx(0.5)
    assert scores["rel_plus_micro_f"] == pytest.approx(0.5)
    assert scores["rel_plus_f_per_type"]["lives_in"]["f"] == pytest.approx(0.5)
    # A boundary error counts against both.
    pred2 = make_doc(nlp)
    set_relations(pred2, [rel(pred2, (0, 2), PARIS, "lives_in", "predicted", "PER", "LOC")])
    scores = score_relations([Example(pred2, gold)], source="predicted", rel_plus=True)
    assert scores["rel_micro_p"] == 0.0 and scores["rel_plus_micro_p"] == 0.0


def test_empty_examples_give_none():
    scores = score_relations([])
    assert scores["rel_micro_f"] is None and scores["rel_macro_f"] is None
    assert scores["rel_f_per_type"] == {}


# ------------------------------------------------------------------ typing
def test_typing_accuracy_and_micro_f(nlp):
    gold, pred = make_doc(nlp), make_doc(nlp)
    set_relations(
        gold,
        [
            rel(gold, ALICE, None, "person"),
            rel(gold, BOB, None, "politician"),
            rel(gold, BOB, None, "person"),  # two gold types
            rel(gold, PARIS, None, "city"),
            rel(gold, MET, None, "O"),  # a gold span with no type
        ],
    )
    set_relations(
        pred,
        [
            rel(pred, ALICE, None, "person", "predicted"),  # exact
            rel(pred, BOB, None, "politician", "predicted"),  # misses "person"
            rel(pred, PARIS, None, "country", "predicted"),  # wrong
            rel(pred, MET, None, "O", "predicted"),  # exact (no type)
            rel(pred, IN, None, "event", "predicted"),  # not a gold span: ignored
            rel(pred, ALICE, BOB, "knows", "predicted"),  # a relation: ignored
        ],
    )
    scores = score_relations([Example(pred, gold)], typing=True, no_relation_label="O", source="predicted")
    assert scores["type_acc"] == pytest.approx(2 / 4)
    # tp=2 (Alice/person, Bob/politician), fp=1 (Paris/country), fn=2 (Bob/person, Paris/city)
    assert scores["type_micro_p"] == pytest.approx(2 / 3)
    assert scores["type_micro_r"] == pytest.approx(2 / 4)
    assert scores["type_micro_f"] == pytest.approx(4 / 7)
    per_type = scores["type_f_per_type"]
    assert set(per_type) == {"person", "politician", "city", "country"}
    assert per_type["person"] == pytest.approx({"p": 1.0, "r": 0.5, "f": 2 / 3})
    assert scores["type_macro_f"] == pytest.approx((2 / 3 + 1 + 0 + 0) / 4)
    assert not any(key.startswith("rel_") for key in scores)


def test_typing_cannot_combine_with_semeval():
    with pytest.raises(ConfigError):
        score_relations([], typing=True, semeval=True)


# ----------------------------------------------------------------- SemEval
SEM_WORDS = ["the", "smoke", "caused", "the", "fire", "."]
E1, E2 = (1, 2), (4, 5)


def semeval_doc(nlp, label: Optional[str], source: str, pair_only: bool = False) -> Doc:
    """A doc with e1=smoke, e2=fire and one record for a 19-way label."""
    doc = make_doc(nlp, SEM_WORDS)
    set_pairs(doc, [Pair(Span(doc, *E1), Span(doc, *E2))])
    if label is None:
        return doc
    if label == "Other":
        records = [] if pair_only else [rel(doc, E1, E2, "Other", source)]
    else:
        base = strip_direction(label)
        head, tail = (E1, E2) if label.endswith("(e1,e2)") else (E2, E1)
        records = [rel(doc, head, tail, base, source)]
    set_relations(doc, records)
    return doc


# gold, predicted: a direction error, a false relation, a hit, a missed relation
SEM_GOLD = ["Cause-Effect(e2,e1)", "Other", "Message-Topic(e1,e2)", "Cause-Effect(e1,e2)"]
SEM_PRED = ["Cause-Effect(e1,e2)", "Message-Topic(e1,e2)", "Message-Topic(e1,e2)", "Other"]


def test_semeval_label_mapping(nlp):
    for label in ("Cause-Effect(e2,e1)", "Cause-Effect(e1,e2)", "Other"):
        assert semeval_label(semeval_doc(nlp, label, "gold")) == label
    # No record at all on the pair is Other too.
    assert semeval_label(semeval_doc(nlp, "Other", "gold", pair_only=True)) == "Other"
    # The pair comes from relation records when there are no candidate pairs.
    doc = make_doc(nlp, SEM_WORDS)
    set_relations(doc, [rel(doc, E2, E1, "Entity-Origin")])
    assert semeval_pair(doc) == ((4, 9), (21, 25))
    assert semeval_label(doc) == "Entity-Origin(e2,e1)"
    # Several labels on the pair: the highest score wins; source filters.
    set_relations(
        doc,
        [
            rel(doc, E1, E2, "Cause-Effect", "predicted", score=0.4),
            rel(doc, E2, E1, "Cause-Effect", "predicted", score=0.9),
            rel(doc, E1, E2, "Message-Topic", "mined", score=1.0),
        ],
    )
    assert semeval_label(doc, source="predicted") == "Cause-Effect(e2,e1)"
    assert semeval_label(doc, source="mined") == "Message-Topic(e1,e2)"
    # "no relation" under the schema's name.
    set_relations(doc, [rel(doc, E1, E2, "no_relation")])
    assert semeval_label(doc, no_relation_label="no_relation") == "Other"


def test_semeval_pair_must_be_unique(nlp):
    doc = make_doc(nlp, SEM_WORDS)
    set_relations(doc, [rel(doc, E1, E2, "Cause-Effect"), rel(doc, (0, 1), E2, "Cause-Effect")])
    with pytest.raises(ConfigError):
        semeval_pair(doc)
    with pytest.raises(ConfigError):
        score_relations([Example(make_doc(nlp, SEM_WORDS), make_doc(nlp, SEM_WORDS))], semeval=True)


def test_semeval_official_hand_computed():
    result = score_semeval_labels(SEM_GOLD, SEM_PRED)
    # Cause-Effect: tp 0, fp 1 (wrong direction), fn 2 -> P=R=F=0
    # Message-Topic: tp 1, fp 1 (gold Other), fn 0 -> P=1/2 R=1 F=2/3
    assert result["per_type"]["Cause-Effect"] == pytest.approx({"p": 0.0, "r": 0.0, "f": 0.0})
    assert result["per_type"]["Message-Topic"] == pytest.approx({"p": 0.5, "r": 1.0, "f": 2 / 3})
    assert set(result["per_type"]) == {"Cause-Effect", "Message-Topic"}
    assert result["macro_p"] == pytest.approx(0.25)
    assert result["macro_r"] == pytest.approx(0.5)
    assert result["macro_f"] == pytest.approx(1 / 3)
    assert result["micro_p"] == pytest.approx(1 / 3)
    assert result["micro_r"] == pytest.approx(1 / 3)
    assert result["accuracy"] == pytest.approx(1 / 4)
    # Ignoring direction, the first item is right.
    undirected = score_semeval_labels(SEM_GOLD, SEM_PRED, mode="undirected")
    assert undirected["per_type"]["Cause-Effect"] == pytest.approx({"p": 1.0, "r": 0.5, "f": 2 / 3})
    assert undirected["macro_f"] == pytest.approx(2 / 3)
    # A skipped item (None) is a false negative only.
    skipped = score_semeval_labels(["Cause-Effect(e1,e2)", "Other"], [None, "Other"])
    assert skipped["macro_p"] == 0.0 and skipped["macro_r"] == 0.0
    assert skipped["coverage"] == pytest.approx(0.5)
    with pytest.raises(ConfigError):
        score_semeval_labels(SEM_GOLD, SEM_PRED, mode="10way")


def test_semeval_from_examples(nlp):
    examples = [
        Example(semeval_doc(nlp, p, "predicted"), semeval_doc(nlp, g, "gold", pair_only=True))
        for g, p in zip(SEM_GOLD, SEM_PRED)
    ]
    scores = score_relations(examples, no_relation_label="Other", source="predicted", semeval=True)
    assert scores["rel_semeval_macro_f"] == pytest.approx(1 / 3)
    assert scores["rel_semeval_micro_f"] == pytest.approx(1 / 3)
    assert scores["rel_semeval_f_per_type"]["Message-Topic"]["f"] == pytest.approx(2 / 3)
    # Record level: 3 gold relations, 3 predicted, 1 hit.
    assert scores["rel_micro_p"] == pytest.approx(1 / 3)
    assert scores["rel_micro_r"] == pytest.approx(1 / 3)
    # Predicted docs without any pair use the gold doc's pair.
    bare = [Example(make_doc(nlp, SEM_WORDS), eg.reference) for eg in examples]
    assert score_relations(bare, semeval=True)["rel_semeval_macro_f"] == 0.0


@pytest.mark.skipif(not shutil.which("perl"), reason="perl is not installed")
@pytest.mark.skipif(not PERL_SCRIPT.exists(), reason=f"SemEval scorer not found at {PERL_SCRIPT}")
def test_semeval_hand_case_matches_perl(tmp_path):
    key, proposed = tmp_path / "key.txt", tmp_path / "proposed.txt"
    key.write_text("".join(f"{i}\t{label}\n" for i, label in enumerate(SEM_GOLD, 1)))
    proposed.write_text("".join(f"{i}\t{label}\n" for i, label in enumerate(SEM_PRED, 1)))
    perl = parse_perl_output(run_perl(proposed, key))
    assert perl["score"] == pytest.approx(100 / 3, abs=0.01)
    assert score_semeval_files(proposed, key)["macro_f"] * 100 == pytest.approx(perl["score"], abs=0.01)


# ------------------------------------------------------- registered scorer
def test_registered_scorer(nlp):
    scorer_factory = spacy.registry.scorers.get("spacy-mbre.relation_scorer.v1")
    assert scorer_factory is make_relation_scorer
    scorer = scorer_factory(no_relation_label="Other", source="predicted", semeval=True)
    examples = [
        Example(semeval_doc(nlp, p, "predicted"), semeval_doc(nlp, g, "gold"))
        for g, p in zip(SEM_GOLD, SEM_PRED)
    ]
    # spaCy passes its own settings (e.g. nlp) as keyword arguments: ignored.
    scores = scorer(examples, nlp=nlp)
    assert scores["rel_semeval_macro_f"] == pytest.approx(1 / 3)
    assert scores["rel_micro_f"] == pytest.approx(1 / 3)
    # Known options can be overridden per call.
    overridden = scorer(examples, semeval=False, prefix="semrel")
    assert "rel_semeval_macro_f" not in overridden and "semrel_semeval_macro_f" not in overridden
    assert overridden["semrel_micro_f"] == pytest.approx(1 / 3)


def test_registered_scorer_in_config():
    from thinc.api import Config

    config = Config().from_str(
        """
        [scorer]
        @scorers = "spacy-mbre.relation_scorer.v1"
        no_relation_label = "Other"
        typing = true
        """
    )
    scorer = spacy.registry.resolve(config)["scorer"]
    assert scorer([]) == {
        "type_micro_p": None, "type_micro_r": None, "type_micro_f": None,
        "type_macro_p": None, "type_macro_r": None, "type_macro_f": None,
        "type_f_per_type": {}, "type_acc": None,
    }


# ---------------------------------------------------------- answer files
def test_read_semeval_answers(tmp_path):
    path = tmp_path / "key.txt"
    path.write_bytes(b"2\tOther\r\n1\tCause-Effect(e2,e1)\r\n")
    assert read_semeval_answers(path) == {"2": "Other", "1": "Cause-Effect(e2,e1)"}
    assert list(read_semeval_answers(path)) == ["2", "1"]


@pytest.mark.parametrize(
    "text,line,fragment",
    [
        ("1\tOther\n2 Other\n", 2, "<id><TAB><label>"),
        ("1\tOther\n\n2\tOther\n", 2, "<id><TAB><label>"),
        ("x1\tOther\n", 1, "<id><TAB><label>"),
        ("1\tOther\n2\tCause-Effect(e1, e2)\n", 2, "unknown label"),
        ("1\tOther\n1\tOther\n", 2, "already defined"),
    ],
)
def test_read_semeval_answers_is_strict(tmp_path, text, line, fragment):
    path = tmp_path / "bad.txt"
    path.write_text(text)
    with pytest.raises(DataError) as err:
        read_semeval_answers(path)
    assert err.value.line == line
    assert err.value.path == str(path)
    assert fragment in err.value.message


def test_read_semeval_answers_custom_labels(tmp_path):
    path = tmp_path / "key.txt"
    path.write_text("1\tP17\n")
    assert read_semeval_answers(path, labels=None) == {"1": "P17"}
    with pytest.raises(DataError):
        read_semeval_answers(path, labels=["P31"])
    with pytest.raises(DataError) as err:
        read_semeval_answers(tmp_path / "missing.txt")
    assert err.value.line is None


def test_proposed_id_must_be_in_key(tmp_path):
    key, proposed = tmp_path / "key.txt", tmp_path / "proposed.txt"
    key.write_text("1\tOther\n")
    proposed.write_text("2\tOther\n")
    with pytest.raises(DataError, match="not in the answer key"):
        score_semeval_files(proposed, key)


@pytest.mark.skipif(not SCORER_DIR.exists(), reason=f"shared SemEval data not found at {SCORER_DIR}")
def test_shipped_malformed_answer_file_is_rejected():
    # The scorer's README: proposed_answer4.txt contains format errors.
    with pytest.raises(DataError) as err:
        read_semeval_answers(SCORER_DIR / "proposed_answer4.txt")
    assert err.value.line == 2


# ------------------------------------------- agreement with the perl scorer
SECTIONS = {"19way": "(2*9+1)-WAY", "undirected": "IGNORING DIRECTIONALITY", "official": "-- OFFICIAL"}
_FLOAT = r"\s*([0-9.]+)%"


def run_perl(proposed: Path, key: Path) -> str:
    proc = subprocess.run(
        ["perl", str(PERL_SCRIPT), str(proposed), str(key)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def parse_perl_output(text: str) -> Dict:
    """Micro / macro P, R, F1 and per-relation F1 of each of the perl's three
    evaluations, in percent, plus the official score."""
    out: Dict = {}
    parts = re.split(r"<<< (.*?)>>>", text)
    for title, body in zip(parts[1::2], parts[2::2]):
        mode = next((m for m, marker in SECTIONS.items() if marker in title), None)
        if mode is None:
            continue
        micro = re.search(
            r"Micro-averaged.*\n" + r"P =.*?=" + _FLOAT + r"\s*R =.*?=" + _FLOAT + r"\s*F1 =" + _FLOAT, body
        )
        macro = re.search(r"MACRO-averaged.*\n" + r"P =" + _FLOAT + r"\s*R =" + _FLOAT + r"\s*F1 =" + _FLOAT, body)
        assert micro and macro, body
        per_type = {
            m.group(1): float(m.group(2))
            for m in re.finditer(r"^\s*(\S+) :\s+P = .*F1 =\s*([0-9.]+)%$", body, flags=re.M)
            if m.group(1) != "_Other"
        }
        out[mode] = {
            "micro": tuple(float(x) for x in micro.groups()),
            "macro": tuple(float(x) for x in macro.groups()),
            "per_type": per_type,
        }
    official = re.search(r"The official score is .*macro-averaged F1 =" + _FLOAT, text)
    assert official, text
    out["score"] = float(official.group(1))
    return out


@pytest.mark.skipif(not shutil.which("perl"), reason="perl is not installed")
@pytest.mark.skipif(not PERL_SCRIPT.exists(), reason=f"SemEval scorer not found at {PERL_SCRIPT}")
@pytest.mark.parametrize("n", EXAMPLE_SETS)
def test_agrees_with_official_perl_scorer(n):
    proposed, key = SCORER_DIR / f"proposed_answer{n}.txt", SCORER_DIR / f"answer_key{n}.txt"
    perl = parse_perl_output(run_perl(proposed, key))
    # The shipped result file holds the same official score.
    shipped = parse_perl_output((SCORER_DIR / f"result_scores{n}.txt").read_text())
    assert shipped["score"] == perl["score"]
    for mode in SECTIONS:
        ours = score_semeval_files(proposed, key, mode=mode)
        expected = perl[mode]
        got_micro = tuple(100 * ours[k] for k in ("micro_p", "micro_r", "micro_f"))
        got_macro = tuple(100 * ours[k] for k in ("macro_p", "macro_r", "macro_f"))
        assert got_micro == pytest.approx(expected["micro"], abs=0.01), mode
        assert got_macro == pytest.approx(expected["macro"], abs=0.01), mode
        assert set(ours["per_type"]) == set(expected["per_type"]), mode
        for label, f in expected["per_type"].items():
            assert 100 * ours["per_type"][label]["f"] == pytest.approx(f, abs=0.01), (mode, label)
    assert 100 * score_semeval_files(proposed, key)["macro_f"] == pytest.approx(perl["score"], abs=0.01)


@pytest.mark.skipif(not shutil.which("perl"), reason="perl is not installed")
@pytest.mark.skipif(not PERL_SCRIPT.exists(), reason=f"SemEval scorer not found at {PERL_SCRIPT}")
def test_docs_end_to_end_agree_with_perl(tmp_path):
    """Real SemEval test docs (read by the SemEval reader) with perturbed
    predictions: the official score computed from Examples equals the perl
    scorer's on the same 19-way labels."""
    from spacy_mbre.data.readers.semeval import read_semeval

    gold_docs = list(read_semeval(SHARED_DATA / "semeval2010_task8" / "TEST_FILE_FULL.TXT"))[:600]
    types = sorted({strip_direction(semeval_label(d)) for d in gold_docs} - {"Other"})
    examples, key_lines, proposed_lines = [], [], []
    for i, gold in enumerate(gold_docs):
        pred = Doc(gold.vocab, words=[t.text for t in gold], spaces=[bool(t.whitespace_) for t in gold])
        e1, e2 = (Span(pred, ent.start, ent.end) for ent in sorted(gold.ents))
        gold_rels = get_relations(gold, source="gold")
        if i % 5 == 0:
            records = []  # Other
        elif i % 3 == 0 or not gold_rels:
            records = [Relation(e1, e2, types[i % len(types)], source="predicted")]  # some type, e1 -> e2
        else:
            same = gold_rels[0].head.start == e1.start
            if i % 2 == 0:
                same = not same  # right type, wrong direction
            head, tail = (e1, e2) if same else (e2, e1)
            records = [Relation(head, tail, gold_rels[0].label, source="predicted")]
        set_relations(pred, records)
        examples.append(Example(pred, gold))
        key_lines.append(f"{i}\t{semeval_label(gold)}\n")
        proposed_lines.append(f"{i}\t{semeval_label(pred, pair=semeval_pair(gold))}\n")
    key, proposed = tmp_path / "key.txt", tmp_path / "proposed.txt"
    key.write_text("".join(key_lines))
    proposed.write_text("".join(proposed_lines))
    perl = parse_perl_output(run_perl(proposed, key))
    scores = score_relations(examples, no_relation_label="Other", source="predicted", semeval=True)
    assert 10 < perl["score"] < 90
    assert 100 * scores["rel_semeval_macro_f"] == pytest.approx(perl["score"], abs=0.01)
    micro = tuple(100 * scores[f"rel_semeval_micro_{m}"] for m in "prf")
    assert micro == pytest.approx(perl["official"]["micro"], abs=0.01)
