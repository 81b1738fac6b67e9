import pytest

from spacy_mbre.data.schema import Schema
from spacy_mbre.errors import SchemaError

SEMEVAL_LIKE = {
    "name": "mini",
    "no_relation": "Other",
    "expand_directions": True,
    "labels": [
        {"name": "Cause-Effect", "description": "{head} causes {tail}"},
        {"name": "Same-As", "description": "{head} is the same as {tail}", "directed": False},
    ],
}


def test_expanded_directions_give_two_options_per_directed_label():
    schema = Schema.from_dict(SEMEVAL_LIKE)
    assert schema.option_names == ["Cause-Effect(e1,e2)", "Cause-Effect(e2,e1)", "Same-As"]
    reverse = schema.option("Cause-Effect(e2,e1)")
    assert reverse.label == "Cause-Effect" and reverse.reverse
    assert reverse.describe("smoke", "fire") == "fire causes smoke"
    assert schema.option_for("Cause-Effect", reverse=True) is reverse
    assert schema.option_for("Same-As", reverse=True).name == "Same-As"


def test_unexpanded_options_are_labels():
    schema = Schema.from_dict({**SEMEVAL_LIKE, "expand_directions": False})
    assert schema.option_names == ["Cause-Effect", "Same-As"]


def test_file_round_trip_json_and_yaml(tmp_path):
    schema = Schema.from_dict(SEMEVAL_LIKE)
    for name in ("s.json", "s.yml"):
        schema.to_file(tmp_path / name)
        assert Schema.from_file(tmp_path / name).to_dict() == schema.to_dict()


def test_allowed_type_pairs():
    data = {
        "name": "t",
        "labels": [
            {"name": "born_in", "description": "x", "types": [["PER", "LOC"]]},
            {"name": "works_for", "description": "y", "types": [["PER", "ORG"]]},
        ],
    }
    assert Schema.from_dict(data).allowed_type_pairs() == {("PER", "LOC"), ("PER", "ORG")}
    data["labels"].append({"name": "any", "description": "z"})
    assert Schema.from_dict(data).allowed_type_pairs() is None


@pytest.mark.parametrize(
    "data,match",
    [
        ({"labels": []}, "non-empty list"),
        ({"labels": [{"name": "a"}]}, "description"),
        ({"labels": [{"name": "a", "description": "x"}, {"name": "a", "description": "y"}]}, "twice"),
        ({"no_relation": "a", "labels": [{"name": "a", "description": "x"}]}, "no-relation"),
        ({"labels": [{"name": "a", "description": "x", "types": [["PER"]]}]}, "types"),
        ({"kind": "tuple", "labels": [{"name": "a", "description": "x"}]}, "kind"),
        ({"labelz": []}, "unknown schema keys"),
    ],
)
def test_invalid_schemas_name_the_source(data, match):
    with pytest.raises(SchemaError, match=match) as err:
        Schema.from_dict(data, source="my.json")
    assert "my.json" in str(err.value)


def test_malformed_file_and_unknown_name(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(SchemaError, match="bad.json"):
        Schema.from_file(bad)
    with pytest.raises(SchemaError, match="no shipped schema"):
        Schema.from_file("no-such-schema")


def test_unknown_label_lists_known_ones():
    schema = Schema.from_dict(SEMEVAL_LIKE)
    with pytest.raises(SchemaError, match="Known: Cause-Effect, Same-As"):
        schema.get("Causes")


TYPED = {
    "name": "typed",
    "labels": [
        {"name": "born_in", "description": "x", "types": [["PER", "LOC"]]},
        {"name": "works_for", "description": "y", "types": [["PER", "ORG"]]},
        {"name": "partner", "description": "z", "directed": False, "types": [["ORG", "PER"]]},
        {"name": "any", "description": "w"},
    ],
}


def test_pair_options_follow_label_types():
    schema = Schema.from_dict(TYPED)
    names = lambda h, t: [o.name for o in schema.pair_options(h, t)]  # noqa: E731
    assert schema.is_typed
    assert names("PER", "LOC") == ["born_in", "any"]
    assert names("LOC", "PER") == ["any"]
    assert names("PER", "ORG") == ["works_for", "partner", "any"]  # undirected: either order
    assert names("ORG", "PER") == ["partner", "any"]
    assert names("PER", None) == schema.option_names  # a single span: every option


def test_pair_options_with_expanded_directions():
    schema = Schema.from_dict({**TYPED, "expand_directions": True})
    names = lambda h, t: [o.name for o in schema.pair_options(h, t)]  # noqa: E731
    assert names("PER", "LOC") == ["born_in(e1,e2)", "any(e1,e2)", "any(e2,e1)"]
    assert names("LOC", "PER") == ["born_in(e2,e1)", "any(e1,e2)", "any(e2,e1)"]


def test_untyped_schema_offers_every_option():
    schema = Schema.from_dict(SEMEVAL_LIKE)
    assert not schema.is_typed
    assert schema.pair_options("ENTITY", "ENTITY") == schema.options
