"""Evaluate a trained pipeline on converted gold docs: predict on copies of
the docs without their relations (entities and candidate pairs kept) and
score the predictions with :func:`spacy_mbre.scoring.score_relations`."""
import random
import time
from typing import Any, Dict, List, Optional, Sequence

from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example

from .data.keys import PREDICTED
from .data.readers.corpus import make_predicted
from .data.relations import get_pairs
from .data.schema import TYPING, Schema
from .errors import ConfigError
from .scoring import score_relations
from .scoring.semeval import is_semeval_schema


def find_schema(nlp: Language) -> Optional[Schema]:
    """nlp (Language): A loaded pipeline.
    RETURNS (Optional[Schema]): The schema of its first component that has
        one (``mbre_relations``), or None.
    """
    for _, pipe in nlp.pipeline:
        schema = getattr(pipe, "schema", None)
        if isinstance(schema, Schema):
            return schema
    return None


def sample_docs(docs: Sequence[Doc], n_docs: int, seed: int) -> List[Doc]:
    """docs (Sequence[Doc]): The docs.
    n_docs (int): How many to keep; 0 keeps all.
    seed (int): Seed of the sample.
    RETURNS (List[Doc]): A seeded random sample, in input order.
    """
    if n_docs < 0:
        raise ConfigError(f"--n-docs must be >= 0, got {n_docs}.")
    if not n_docs or n_docs >= len(docs):
        return list(docs)
    keep = sorted(random.Random(seed).sample(range(len(docs)), n_docs))
    return [docs[i] for i in keep]


def evaluate_docs(
    nlp: Language,
    docs: Sequence[Doc],
    schema: Schema,
    semeval: Optional[bool] = None,
    batch_size: int = 64,
    rel_plus: bool = False,
) -> Dict[str, Any]:
    """Run the pipeline on the docs (gold removed) and score it.

    nlp (Language): The trained pipeline.
    docs (Sequence[Doc]): Gold reference docs with entities, candidate pairs
        and gold relation records.
    schema (Schema): Gives the "no relation" label and relation vs typing.
    semeval (Optional[bool]): Add SemEval-2010 Task 8's official scores; None
        = when the schema is SemEval's (``scoring.semeval.is_semeval_schema``).
    batch_size (int): Docs per ``nlp.pipe`` batch.
    rel_plus (bool): Also score Rel+ (span types must match too).
    RETURNS (Dict[str, Any]): "docs", "pairs" (the candidate pairs stored on
        the docs), "seconds", "docs_per_second", "pairs_per_second", "task"
        and "scores" (the scorer's dict; see score_relations).
    """
    if not docs:
        raise ConfigError("Nothing to evaluate: the test data holds no docs.")
    typing = schema.kind == TYPING
    use_semeval = is_semeval_schema(schema) if semeval is None else semeval
    if typing and use_semeval:
        raise ConfigError("SemEval scoring needs a relation schema, not a typing one.")
    predicted = [make_predicted(nlp, doc) for doc in docs]
    n_pairs = sum(len(get_pairs(doc)) for doc in predicted)
    start = time.perf_counter()
    outputs = list(nlp.pipe(predicted, batch_size=batch_size))
    seconds = time.perf_counter() - start
    examples = [Example(pred, ref) for pred, ref in zip(outputs, docs)]
    scores = score_relations(
        examples,
        no_relation_label=schema.no_relation,
        source=PREDICTED,
        gold_source="gold",
        semeval=use_semeval,
        rel_plus=rel_plus and not typing,
        typing=typing,
    )
    return {
        "task": TYPING if typing else "relation",
        "schema": schema.name,
        "docs": len(docs),
        "pairs": n_pairs,
        "seconds": round(seconds, 3),
        "docs_per_second": round(len(docs) / seconds, 2) if seconds > 0 else None,
        "pairs_per_second": round(n_pairs / seconds, 2) if seconds > 0 else None,
        "scores": scores,
    }


def headline(result: Dict[str, Any]) -> Dict[str, Optional[float]]:
    """result (Dict[str, Any]): An evaluation result (evaluate_docs).
    RETURNS (Dict[str, Optional[float]]): The main scores: micro P/R/F1 (and
        SemEval macro-F1, or typing accuracy) under short names.
    """
    scores = result["scores"]
    prefix = "type" if result["task"] == TYPING else "rel"
    out: Dict[str, Optional[float]] = {
        "micro_p": scores.get(f"{prefix}_micro_p"),
        "micro_r": scores.get(f"{prefix}_micro_r"),
        "micro_f": scores.get(f"{prefix}_micro_f"),
        "macro_f": scores.get(f"{prefix}_macro_f"),
    }
    if prefix == "type":
        out["accuracy"] = scores.get("type_acc")
    if f"{prefix}_plus_micro_f" in scores:
        out["plus_micro_f"] = scores[f"{prefix}_plus_micro_f"]
    if f"{prefix}_semeval_macro_f" in scores:
        out["semeval_macro_f"] = scores[f"{prefix}_semeval_macro_f"]
    return out
