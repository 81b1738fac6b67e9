"""Relation grouping (M-BRe module 1): split a schema's options into K groups
whose members are as *dissimilar* as possible, so one multi-class prompt per
group never asks the LLM to tell near-synonymous labels apart.

Algorithm (``method="greedy"``, the paper's):

1. Text of each option: its name and its description with ``{head}`` /
   ``{tail}`` filled with "e1" / "e2" (for SemEval's directional options
   the two directions of a label are the same bag of words, so they get
   similarity 1 and always land in different groups).
2. Vectorise (TF-IDF by default; or mean-pooled MiniLM sentence
   embeddings, ``vectorizer="embeddings"``), cosine similarity S, D = 1 − S.
3. K = max(1, ⌊N/6⌋) unless given.
4. Seeds: the two options with the largest distance, then repeatedly the
   option whose minimum distance to the chosen seeds is largest
   (farthest-point seeding) until there are K seeds.
5. The remaining options are assigned one at a time, each to the group where
   its *maximum* similarity to the current members is lowest, among the groups
   that still have room; sizes are balanced (they differ by at most one).

Where the paper is silent, and what is chosen here:

* The order in which remaining options are assigned: most "confusable"
  first — descending by their summed similarity to all other options — so the
  hardest options are placed while every group still has room (ties by
  option order).
* Ties between groups (equal maximum similarity): the smaller group, then the
  lower group index.
* "Balanced": the first N mod K groups to fill may take ⌈N/K⌉ members, the
  rest ⌊N/K⌋.
* The seed only matters for ``random`` and ``kmeans`` (and the greedy method is
  deterministic anyway); it is recorded in ``groups.json``.
* The quality measure printed and stored: the mean pairwise similarity of
  options inside a group (per group, and over all within-group pairs).

Alternatives for the ablation: ``random`` (a seeded permutation cut into
balanced groups), ``kmeans`` and ``agglomerative`` (scikit-learn clustering
of the vectors; these put *similar* options together and give unbalanced
sizes — that is what the paper compares against).

The vectors and similarities are in :mod:`.option_similarity`, the
partitions in :mod:`.partition`; this module holds the :class:`Grouping`,
:func:`group_schema` and groups.json.
"""
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Union

import srsly

from ..data.schema import Schema
from ..errors import ConfigError, SchemaError
from .option_similarity import (
    VECTORIZERS,
    intra_similarity,
    option_texts,
    pooled_similarity,
    similarity_matrix,
    vectorize,
)
from .partition import cluster_groups, greedy_dissimilar, random_groups

METHODS = ("greedy", "random", "kmeans", "agglomerative")
GROUP_SIZE = 6


@dataclass
class Grouping:
    """A partition of a schema's options into groups.

    schema (str): The schema's name.
    method (str): The grouping method.
    k (int): The number of groups.
    seed (int): The seed used.
    vectorizer (str): "tfidf" or "embeddings".
    groups (List[List[str]]): Option names per group.
    group_similarity (List[float]): Mean intra-group similarity per group.
    mean_similarity (float): Mean similarity over all within-group pairs.
    """

    schema: str
    method: str
    k: int
    seed: int
    vectorizer: str
    groups: List[List[str]]
    group_similarity: List[float] = field(default_factory=list)
    mean_similarity: float = 0.0

    def to_dict(self) -> Dict[str, Any]:
        """RETURNS (Dict[str, Any]): The grouping as written to groups.json."""
        return {
            "schema": self.schema,
            "method": self.method,
            "k": self.k,
            "seed": self.seed,
            "vectorizer": self.vectorizer,
            "mean_similarity": self.mean_similarity,
            "group_similarity": list(self.group_similarity),
            "groups": [list(g) for g in self.groups],
        }

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "Grouping":
        """data (Dict[str, Any]): A dict written by to_dict.
        RETURNS (Grouping): The grouping.
        """
        return cls(
            schema=str(data.get("schema", "")),
            method=str(data.get("method", "greedy")),
            k=int(data.get("k", len(data["groups"]))),
            seed=int(data.get("seed", 0)),
            vectorizer=str(data.get("vectorizer", "tfidf")),
            groups=[[str(o) for o in g] for g in data["groups"]],
            group_similarity=[float(x) for x in data.get("group_similarity", [])],
            mean_similarity=float(data.get("mean_similarity", 0.0)),
        )

    def check(self, schema: Schema) -> None:
        """Raise SchemaError unless the groups partition the schema's options.

        schema (Schema): The schema the groups are used with.
        """
        flat = [o for g in self.groups for o in g]
        if sorted(flat) != sorted(schema.option_names) or len(set(flat)) != len(flat):
            missing = sorted(set(schema.option_names) - set(flat))
            extra = sorted(set(flat) - set(schema.option_names))
            raise SchemaError(
                f"The groups do not partition the options of schema {schema.name!r} "
                f"(missing: {missing[:5]}, unknown: {extra[:5]}); rerun `group` for this schema."
            )


def default_k(n: int) -> int:
    """n (int): Number of options.
    RETURNS (int): max(1, ⌊n / 6⌋).
    """
    return max(1, n // GROUP_SIZE)


def group_schema(
    schema: Schema,
    k: Optional[int] = None,
    method: str = "greedy",
    seed: int = 0,
    vectorizer: str = "tfidf",
) -> Grouping:
    """Group a schema's options.

    schema (Schema): The schema.
    k (Optional[int]): Number of groups; None = max(1, ⌊N/6⌋).
    method (str): "greedy" (the paper's), "random", "kmeans", "agglomerative".
    seed (int): Seed for random / k-means.
    vectorizer (str): "tfidf" or "embeddings".
    RETURNS (Grouping): The grouping with its similarity statistics.
    """
    if method not in METHODS:
        raise ConfigError(f"method must be one of {METHODS}, got {method!r}.")
    names = schema.option_names
    n = len(names)
    k = default_k(n) if k is None else int(k)
    if not 1 <= k <= n:
        raise ConfigError(f"k must be between 1 and the number of options ({n}), got {k}.")
    vectors = vectorize(option_texts(schema), vectorizer)
    sim = similarity_matrix(vectors)
    if method == "greedy":
        idx = greedy_dissimilar(sim, k)
    elif method == "random":
        idx = random_groups(n, k, seed)
    else:
        idx = cluster_groups(vectors, k, method, seed)
    return Grouping(
        schema=schema.name,
        method=method,
        k=len(idx),
        seed=seed,
        vectorizer=vectorizer,
        groups=[[names[i] for i in g] for g in idx],
        group_similarity=[round(x, 6) for x in intra_similarity(sim, idx)],
        mean_similarity=round(pooled_similarity(sim, idx), 6),
    )


def single_group(schema: Schema) -> Grouping:
    """schema (Schema): The schema.
    RETURNS (Grouping): All options in one group (the ``multiclass`` strategy).
    """
    return Grouping(schema.name, "single", 1, 0, "none", [schema.option_names])


def write_groups(grouping: Grouping, path: Union[str, Path]) -> None:
    """grouping (Grouping): The grouping.
    path (Union[str, Path]): Where to write groups.json.
    """
    srsly.write_json(path, grouping.to_dict())


def read_groups(path: Union[str, Path], schema: Optional[Schema] = None) -> Grouping:
    """path (Union[str, Path]): A groups.json file.
    schema (Optional[Schema]): If given, check the groups partition its options.
    RETURNS (Grouping): The grouping.
    """
    try:
        grouping = Grouping.from_dict(srsly.read_json(path))
    except (ValueError, KeyError, TypeError) as err:
        raise SchemaError(f"{path}: not a groups file: {err}") from None
    if schema is not None:
        grouping.check(schema)
    return grouping


__all__ = [
    "GROUP_SIZE",
    "METHODS",
    "VECTORIZERS",
    "Grouping",
    "cluster_groups",
    "default_k",
    "greedy_dissimilar",
    "group_schema",
    "intra_similarity",
    "option_texts",
    "pooled_similarity",
    "random_groups",
    "read_groups",
    "similarity_matrix",
    "single_group",
    "vectorize",
    "write_groups",
]
