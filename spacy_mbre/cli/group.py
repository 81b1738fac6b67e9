"""``python -m spacy_mbre group``: relation grouping (M-BRe module 1)."""
from pathlib import Path
from typing import Optional

import typer
from wasabi import Printer

from . import app


@app.command("group")
def group_cli(
    schema: str = typer.Argument(
        ...,
        help="Schema file or shipped schema name (semeval, redocred, crossner_politics, ...)",
    ),
    output: Path = typer.Argument(..., help="Where to write groups.json"),
    k: Optional[int] = typer.Option(None, "--k", "-k", help="Number of groups (default: max(1, N // 6))"),
    method: str = typer.Option("greedy", "--method", help="greedy (the paper's), random, kmeans or agglomerative"),
    vectorizer: str = typer.Option("tfidf", "--vectorizer", help="tfidf or embeddings (MiniLM sentence embeddings)"),
    seed: int = typer.Option(0, "--seed", help="Seed for random / k-means grouping"),
) -> None:
    """Split a schema's options into K groups of mutually dissimilar labels
    and write groups.json (method, K, seed, vectorizer, groups, mean
    intra-group similarity)."""
    from ..data.schema import load_schema
    from ..mining.grouping import group_schema, write_groups

    msg = Printer()
    loaded = load_schema(schema)
    grouping = group_schema(loaded, k=k, method=method, seed=seed, vectorizer=vectorizer)
    output.parent.mkdir(parents=True, exist_ok=True)
    write_groups(grouping, output)
    msg.good(
        f"{len(loaded.options)} options of {loaded.name!r} → {grouping.k} groups "
        f"({grouping.method}, {grouping.vectorizer}); mean intra-group similarity {grouping.mean_similarity:.4f}"
    )
    for i, (group, sim) in enumerate(zip(grouping.groups, grouping.group_similarity)):
        msg.text(f"group {i} (similarity {sim:.4f}): {', '.join(group)}")
    msg.text(f"Wrote {output}")
