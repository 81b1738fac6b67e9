"""Strict validation, dedupe and doc building (spacy_mbre.synthesis.validate)."""
import pytest
import spacy

from spacy_mbre.data.relations import get_pairs, get_relations
from spacy_mbre.data.schema import load_schema
from spacy_mbre.synthesis import validate as v
from spacy_mbre.synthesis.parse import parse_record

ALLOWED = {("ENTITY", "ENTITY")}


@pytest.fixture()
def validator():
    return v.SampleValidator(load_schema("semeval"), spacy.blank("en"), ["The storm caused severe damage."])


@pytest.mark.parametrize(
    "marked,reason",
    [
        ("The <e1>cup</e1> fell off the table.", v.MARKER_COUNT),
        ("The <e1>cup</e1> fell off the <e1>table</e1> <e2>x</e2>.", v.MARKER_COUNT),
        ("The </e1>cup<e1> fell off the <e2>table</e2>.", v.MARKER_ORDER),
        ("The <e1>cup <e2>fell</e1> off</e2> the table.", v.MARKER_ORDER),
        ("The <e1><e2>cup</e2></e1> fell.", v.MARKER_ORDER),
        ("The <e1> </e1> fell off the <e2>table</e2>.", v.EMPTY_ENTITY),
        ("The <e1>cup</e1> fell off the <e3>table</e3>.", v.UNKNOWN_MARKER),
        ("The <E1>cup</E1> fell off the <e2>table</e2>.", v.UNKNOWN_MARKER),
        ("The <e1>storm</e1> caused severe <e2>damage</e2>.", v.COPY_OF_GOLD),
    ],
)
def test_unconditional_rejections(validator, marked, reason):
    with pytest.raises(v.Rejected) as err:
        validator.unconditional(marked)
    assert err.value.reason == reason


def test_unconditional_doc_and_duplicates(validator):
    doc = validator.unconditional("The <e2>table</e2> under the <e1>cup</e1> broke.")
    assert doc.text == "The table under the cup broke."
    assert [(e.text, e.label_) for e in doc.ents] == [("table", "ENTITY"), ("cup", "ENTITY")]
    assert [(p.head.text, p.tail.text) for p in get_pairs(doc)] == [("table", "cup")]  # SemEval: text order
    assert get_relations(doc) == []
    with pytest.raises(v.Rejected) as err:
        validator.unconditional("the <e2>table</e2>  under the <e1>cup</e1> broke.")
    assert err.value.reason == v.DUPLICATE
    # the same sentence with another pair marked is a new sample
    validator.unconditional("The <e1>table</e1> under the <e2>cup</e2> broke.")


def test_marker_boundaries_inside_words_are_token_boundaries(validator):
    doc = validator.unconditional("The <e1>tea</e1>pot held <e2>water</e2>s.")
    assert [e.text for e in doc.ents] == ["tea", "water"]


def record(**kw):
    fields = {"relation": "Cause-Effect", "context": "The virus caused a high fever.", "head": "virus",
              "head_type": "ENTITY", "tail": "fever", "tail_type": "ENTITY", **kw}
    line = (f"Relation: {fields['relation']}. Context: {fields['context']} Head Entity: {fields['head']}. "
            f"Head Type: {fields['head_type']}. Tail Entity: {fields['tail']}. Tail Type: {fields['tail_type']}.")
    return parse_record(line)


def test_schema_sample_doc(validator):
    doc = validator.schema_sample(record(head_type="entity"), "Cause-Effect", ALLOWED)
    assert doc.text == "The virus caused a high fever."
    assert [(e.text, e.label_) for e in doc.ents] == [("virus", "ENTITY"), ("fever", "ENTITY")]
    rels = get_relations(doc)
    assert len(rels) == 1
    rel = rels[0]
    assert (rel.head.text, rel.tail.text, rel.label, rel.source, rel.score) == (
        "virus", "fever", "Cause-Effect", "synthetic", None
    )
    assert len(get_pairs(doc)) == 1


def test_schema_sample_head_after_tail(validator):
    doc = validator.schema_sample(record(context="A fever was caused by the virus.", head="virus", tail="fever"),
                                  "Cause-Effect", ALLOWED)
    rel = get_relations(doc)[0]
    assert (rel.head.text, rel.tail.text) == ("virus", "fever")
    pair = get_pairs(doc)[0]
    assert (pair.head.text, pair.tail.text) == ("fever", "virus")  # the candidate pair is in text order


@pytest.mark.parametrize(
    "kw,reason",
    [
        ({"relation": "Component-Whole"}, v.WRONG_RELATION),
        ({"head_type": "PERSON"}, v.TYPE_NOT_IN_SCHEMA),
        ({"head": "bacteria"}, v.ENTITY_NOT_IN_CONTEXT),
        ({"head": "vir"}, v.ENTITY_NOT_IN_CONTEXT),  # not a whole word
        ({"head": "high fever", "tail": "fever"}, v.ENTITIES_OVERLAP),
        ({"head": "<e1></e1>"}, v.EMPTY_ENTITY),
        ({"context": "The storm caused severe damage.", "head": "storm", "tail": "damage"}, v.COPY_OF_GOLD),
    ],
)
def test_schema_rejections(validator, kw, reason):
    with pytest.raises(v.Rejected) as err:
        validator.schema_sample(record(**kw), "Cause-Effect", ALLOWED)
    assert err.value.reason == reason


def test_schema_unparseable_and_duplicate(validator):
    with pytest.raises(v.Rejected) as err:
        validator.schema_sample(parse_record("Relation: Cause-Effect. Context: x"), "Cause-Effect", ALLOWED)
    assert err.value.reason == v.UNPARSEABLE
    validator.schema_sample(record(), "Cause-Effect", ALLOWED)
    with pytest.raises(v.Rejected) as err:
        validator.schema_sample(record(relation="cause-effect"), "Cause-Effect", ALLOWED)
    assert err.value.reason == v.DUPLICATE


def test_entity_found_case_insensitively_and_repeated_head(validator):
    doc = validator.schema_sample(
        record(context="Fever after fever: the Virus caused it.", head="virus", tail="fever"), "Cause-Effect", ALLOWED
    )
    rel = get_relations(doc)[0]
    assert (rel.head.text, rel.tail.text) == ("Virus", "fever")
    assert rel.tail.start == 2  # the first whole-word, exact-case occurrence


def test_both_directions_without_expand_directions():
    schema = load_schema("redocred")
    validator = v.SampleValidator(schema, spacy.blank("en"), [], entity_label="MISC")
    doc = validator.unconditional("<e1>Paris</e1> is in <e2>France</e2>.")
    assert [(p.head.text, p.tail.text) for p in get_pairs(doc)] == [("Paris", "France"), ("France", "Paris")]
    assert {e.label_ for e in doc.ents} == {"MISC"}


def test_near_copies_rejected_only_when_asked():
    gold = ["The newly elected president is making a speech about the latest threat to the economy."]
    near = "The newly elected president is making a <e1>speech</e1> about the latest <e2>war</e2> to the economy."
    strict = v.SampleValidator(load_schema("semeval"), spacy.blank("en"), gold, max_gold_overlap=0.5)
    with pytest.raises(v.Rejected) as err:
        strict.unconditional(near)
    assert err.value.reason == v.NEAR_COPY_OF_GOLD
    strict.unconditional("A <e1>fox</e1> jumped over the sleeping <e2>dog</e2> at dawn.")
    lenient = v.SampleValidator(load_schema("semeval"), spacy.blank("en"), gold)
    lenient.unconditional(near)
