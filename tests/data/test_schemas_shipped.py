import srsly

from spacy_mbre.data.schema import TYPING, Schema, shipped_schemas


def test_shipped_names():
    assert {
        "semeval", "redocred", "crossner_politics", "crossner_science", "crossner_ai", "crossner_literature"
    } <= set(
        shipped_schemas()
    )


def test_semeval_schema():
    schema = Schema.from_file("semeval")
    assert len(schema) == 9
    assert len(schema.options) == 18
    assert schema.no_relation == "Other"
    option = schema.option("Cause-Effect(e2,e1)")
    assert option.reverse and option.label == "Cause-Effect"
    # e2 is the cause in Cause-Effect(e2,e1)
    assert option.describe("e1", "e2").startswith("e2 causes")
    for label in schema.labels:
        assert "{head}" in label.description and "{tail}" in label.description


def test_redocred_schema():
    schema = Schema.from_file("redocred")
    assert len(schema) == 96 and len(schema.options) == 96
    assert not schema.expand_directions and schema.no_relation == "no_relation"
    assert schema.get("P17").description.startswith("{tail} is the country of {head}")
    assert schema.allowed_type_pairs() is None


def test_redocred_schema_covers_dev(redocred_dir):
    dev = srsly.read_json(redocred_dir / "dev_revised.json")
    pid2name = srsly.read_json(redocred_dir / "pid2name.json")
    used = {t["r"] for d in dev for t in d["labels"]}
    schema = Schema.from_file("redocred")
    assert len(used) == 95 and used <= set(schema.label_names)
    assert set(schema.label_names) - used == {"P1198"}
    assert len(set(schema.label_names) & set(pid2name)) == 87


def test_crossner_schemas_match_data(crossner_dir):
    for domain in ("politics", "science", "ai", "literature"):
        types = set()
        for split in ("train", "dev", "test"):
            for line in (crossner_dir / domain / f"{split}.txt").read_text(encoding="utf8").splitlines():
                if line.strip() and line.split("\t")[1] != "O":
                    types.add(line.split("\t")[1][2:])
        schema = Schema.from_file(f"crossner_{domain}")
        assert schema.kind == TYPING
        assert set(schema.label_names) == types
