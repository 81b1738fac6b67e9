"""Splitting writer answers into candidate samples (spacy_mbre.synthesis.parse)."""
from spacy_mbre.synthesis.parse import clean_line, parse_record, split_records, split_sentences


def test_unconditional_lines_are_candidates_chatter_is_ignored():
    answer = "\n".join(
        [
            "Sure! Here are three sentences:",
            "",
            "1. Sentence: The <e1>cup</e1> fell off the <e2>table</e2>.",
            '- "A <e1>bird</e1> sat on the <e2>fence</e2>."',
            "Sentence: no markers here",
            "The <e1>cat</e1> sat.",
            "Let me know if you need more.",
        ]
    )
    candidates, ignored = split_sentences(answer)
    assert candidates == [
        "The <e1>cup</e1> fell off the <e2>table</e2>.",
        "A <e1>bird</e1> sat on the <e2>fence</e2>.",
        "no markers here",
        "The <e1>cat</e1> sat.",
    ]
    assert ignored == 2


def test_clean_line_variants():
    assert clean_line("3) **Sentence:** “The <e1>x</e1> and <e2>y</e2>.”") == "The <e1>x</e1> and <e2>y</e2>."
    assert clean_line("New sentence 2: A <e1>b</e1> c <e2>d</e2>") == "A <e1>b</e1> c <e2>d</e2>"
    # a stray marker-like tag still makes a line a candidate
    assert split_sentences("The <e3>x</e3> is here")[0] == ["The <e3>x</e3> is here"]


def test_tkre_line_format():
    line = ("Relation: Cause-Effect. Context: The virus caused a fever. Head Entity: virus. "
            "Head Type: ENTITY. Tail Entity: fever. Tail Type: ENTITY.")
    record = parse_record(line)
    assert record.error is None
    assert record.fields == {"relation": "Cause-Effect", "context": "The virus caused a fever.", "head": "virus",
                             "head_type": "ENTITY", "tail": "fever", "tail_type": "ENTITY"}


def test_records_split_on_relation_and_may_span_lines():
    answer = "\n".join(
        [
            "Here are some samples:",
            "1. Relation: Cause-Effect. Context: Smoke caused a cough.",
            "   Head Entity: Smoke. Head Type: ENTITY. Tail Entity: cough. Tail Type: ENTITY.",
            "2. relation: Cause-Effect. context: Rain brings floods. head entity: Rain. head type: entity. "
            "tail entity: floods. tail type: entity.",
            "3. Relation: Cause-Effect. Context: Missing the rest.",
            "Hope this helps!",
        ]
    )
    records, ignored = split_records(answer)
    assert len(records) == 3
    assert records[0].error is None and records[0].fields["head"] == "Smoke"
    assert records[1].error is None and records[1].fields["tail_type"] == "entity"
    assert records[2].error is not None and "head" in records[2].error
    assert ignored == 2  # the preamble and the closing line


def test_repeated_field_is_an_error():
    record = parse_record("Relation: A. Context: x y. Head Entity: x. Head Entity: y. Head Type: T. "
                          "Tail Entity: y. Tail Type: T.")
    assert record.error == "field 'head' appears twice"


def test_json_records():
    answer = """```json
[{"relation": "Cause-Effect", "context": "Heat melts ice.", "head_entity": "Heat", "head_type": "ENTITY",
  "tail_entity": "ice", "tail_type": "ENTITY"},
 {"relation": "Cause-Effect", "text": "no entities"}]
```"""
    records, ignored = split_records(answer)
    assert ignored == 0
    assert [r.error is None for r in records] == [True, False]
    assert records[0].fields["context"] == "Heat melts ice." and records[0].fields["tail"] == "ice"


def test_no_records_at_all():
    records, ignored = split_records("I cannot do that.\nSorry.")
    assert records == [] and ignored == 2
