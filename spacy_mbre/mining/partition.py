"""Partitions of N options into K groups: the paper's greedy dissimilar
grouping, and the random and clustering baselines (see :mod:`.grouping`)."""

from typing import Dict, List

import numpy


def greedy_dissimilar(sim: numpy.ndarray, k: int) -> List[List[int]]:
    """The paper's greedy grouping (see module docs).

    sim (numpy.ndarray): N × N similarity matrix.
    k (int): Number of groups.
    RETURNS (List[List[int]]): Indices per group, each sorted.
    """
    n = sim.shape[0]
    dist = 1.0 - sim
    if k == 1:
        return [list(range(n))]
    # Seeds: the most distant pair, then farthest-point.
    masked = dist.copy()
    numpy.fill_diagonal(masked, -numpy.inf)
    flat = int(numpy.argmax(masked))
    seeds = [flat // n, flat % n]
    seeds = sorted(seeds)
    while len(seeds) < k:
        rest = [i for i in range(n) if i not in seeds]
        min_d = [min(dist[i, s] for s in seeds) for i in rest]
        seeds.append(rest[int(numpy.argmax(min_d))])
    groups: List[List[int]] = [[s] for s in seeds]
    cap, extra = divmod(n, k)
    rest = [i for i in range(n) if i not in seeds]
    confusion = sim.sum(axis=1) - numpy.diag(sim)
    rest.sort(key=lambda i: (-confusion[i], i))
    for i in rest:
        n_big = sum(1 for g in groups if len(g) > cap)
        open_groups = [
            g for g, members in enumerate(groups) if len(members) < cap or (len(members) == cap and n_big < extra)
        ]
        best = min(open_groups, key=lambda g: (max(sim[i, j] for j in groups[g]), len(groups[g]), g))
        groups[best].append(i)
    return [sorted(g) for g in groups]


def random_groups(n: int, k: int, seed: int) -> List[List[int]]:
    """n (int): Number of options.
    k (int): Number of groups.
    seed (int): Seed of the permutation.
    RETURNS (List[List[int]]): Balanced random groups.
    """
    order = numpy.random.default_rng(seed).permutation(n).tolist()
    return [sorted(order[g::k]) for g in range(k)]


def cluster_groups(vectors: numpy.ndarray, k: int, method: str, seed: int) -> List[List[int]]:
    """vectors (numpy.ndarray): Option vectors.
    k (int): Number of clusters.
    method (str): "kmeans" or "agglomerative".
    seed (int): Seed (k-means).
    RETURNS (List[List[int]]): Non-empty clusters, ordered by first member.
    """
    if method == "kmeans":
        from sklearn.cluster import KMeans

        labels = KMeans(n_clusters=k, random_state=seed, n_init=10).fit_predict(vectors)
    else:
        from sklearn.cluster import AgglomerativeClustering

        labels = AgglomerativeClustering(n_clusters=k, metric="cosine", linkage="average").fit_predict(vectors)
    clusters: Dict[int, List[int]] = {}
    for i, label in enumerate(labels):
        clusters.setdefault(int(label), []).append(i)
    return sorted((sorted(c) for c in clusters.values()), key=lambda c: c[0])
