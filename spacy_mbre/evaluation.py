"""Evaluate a trained pipeline on converted gold docs.

* :func:`evaluate_docs` (gold entities): predict on copies of the docs
  without their relations (entities and candidate pairs kept) and score the
  predictions with :func:`spacy_mbre.scoring.score_relations`.
* :func:`evaluate_end_to_end` (predicted entities): run a pipeline with an
  entity recognizer (``ner`` → ``mbre_pairs`` → ``mbre_relations``) on the
  docs' text alone and score entities, Rel and Rel+ with
  :func:`spacy_mbre.scoring.score_end_to_end`, by character offsets.
"""
import random
import time
from typing import Any, Dict, List, Optional, Sequence

from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example

from .data.keys import ID_KEY, META_KEY, PREDICTED
from .data.readers.corpus import make_predicted
from .data.relations import get_pairs
from .data.schema import TYPING, Schema
from .errors import ConfigError
from .pairs.generate import PairSettings
from .scoring import score_end_to_end, score_relations
from .scoring.records import entity_spans
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


def make_raw(nlp: Language, reference: Doc, gold_preproc: bool = False) -> Doc:
    """The doc an end-to-end pipeline predicts on: the reference's text and
    nothing else (no entities, candidate pairs or relations), with its id and
    meta.

    nlp (Language): The pipeline.
    reference (Doc): A gold doc.
    gold_preproc (bool): Use the reference's tokens (PURE's and SURE's
        setting: gold tokenisation, predicted entities) instead of
        tokenising its text with the pipeline's tokenizer.
    RETURNS (Doc): The doc to predict on.
    """
    if gold_preproc:
        doc = Doc(nlp.vocab, words=[t.text for t in reference], spaces=[bool(t.whitespace_) for t in reference])
    else:
        doc = nlp.make_doc(reference.text)
    for key in (ID_KEY, META_KEY):
        if key in reference.user_data:
            doc.user_data[key] = reference.user_data[key]
    return doc


def entity_components(nlp: Language, spans_key: Optional[str] = None) -> List[str]:
    """nlp (Language): A pipeline.
    spans_key (Optional[str]): Look for components that assign ``doc.spans``
        (``spancat``, ``span_ruler``) instead of ``doc.ents``.
    RETURNS (List[str]): The names of its components that assign
        ``doc.ents`` (``ner``, ``entity_ruler``, ...), or ``doc.spans``.
    """
    attr = "doc.ents" if spans_key is None else "doc.spans"
    return [name for name in nlp.pipe_names if attr in nlp.get_pipe_meta(name).assigns]


def evaluate_end_to_end(
    nlp: Language,
    docs: Sequence[Doc],
    schema: Schema,
    batch_size: int = 64,
    gold_preproc: bool = False,
    gold_spans_key: Optional[str] = "sc",
    spans_key: Optional[str] = None,
) -> Dict[str, Any]:
    """Run a pipeline that predicts entities and relations on the docs' text
    and score it against the docs' gold entities and relations (end to end:
    NER, Rel and Rel+; see :func:`spacy_mbre.scoring.score_end_to_end`).

    nlp (Language): A pipeline with an entity recognizer in front of
        ``mbre_relations``, e.g. assembled from configs/scierc_e2e.cfg.
    docs (Sequence[Doc]): Gold reference docs with entities and gold relation
        records (e.g. converted with ``convert pure``).
    schema (Schema): A relation schema; gives the "no relation" label.
    batch_size (int): Docs per ``nlp.pipe`` batch.
    gold_preproc (bool): Predict on the gold tokens instead of the text
        tokenised by the pipeline (see :func:`make_raw`).
    gold_spans_key (Optional[str]): Gold entities for NER scoring come from
        ``doc.spans[gold_spans_key]`` where present, else from ``doc.ents``.
    spans_key (Optional[str]): The pipeline writes its entities to
        ``doc.spans[spans_key]`` (a ``spancat``, with ``mbre_pairs`` reading
        the same key) instead of ``doc.ents``.
    RETURNS (Dict[str, Any]): "docs", "pairs" (the candidate pairs the
        pipeline made), "entities" (predicted / gold), "seconds",
        "docs_per_second", "pairs_per_second" (the whole pipeline, NER
        included), "task", "end_to_end" (True) and "scores".
    """
    if not docs:
        raise ConfigError("Nothing to evaluate: the test data holds no docs.")
    if schema.kind == TYPING:
        raise ConfigError("End-to-end evaluation scores relations; the schema is a typing one.")
    target = "doc.ents" if spans_key is None else f"doc.spans[{spans_key!r}]"
    if not entity_components(nlp, spans_key):
        raise ConfigError(
            f"End-to-end evaluation needs a pipeline that predicts {target} (e.g. a trained 'ner' in front of "
            f"'mbre_relations', see configs/scierc_e2e.cfg); this one has {nlp.pipe_names}."
        )
    for name, pipe in nlp.pipeline:
        pair_settings = getattr(pipe, "settings", None)
        if isinstance(pair_settings, PairSettings) and pair_settings.spans_key != spans_key:
            read = "doc.ents" if pair_settings.spans_key is None else f"doc.spans[{pair_settings.spans_key!r}]"
            raise ConfigError(f"The pipeline's {name!r} pairs the entities of {read}, not those of {target}.")
    raw = [make_raw(nlp, doc, gold_preproc=gold_preproc) for doc in docs]
    start = time.perf_counter()
    outputs = list(nlp.pipe(raw, batch_size=batch_size))
    seconds = time.perf_counter() - start
    n_pairs = sum(len(get_pairs(doc)) for doc in outputs)
    examples = [Example(pred, ref) for pred, ref in zip(outputs, docs)]
    scores = score_end_to_end(
        examples, no_relation_label=schema.no_relation, source=PREDICTED, gold_source="gold",
        gold_spans_key=gold_spans_key, spans_key=spans_key,
    )
    n_predicted = sum(len(entity_spans(doc, spans_key, strict=True)) for doc in outputs)
    n_gold = sum(len(entity_spans(doc, gold_spans_key)) for doc in docs)
    return {
        "task": "relation",
        "end_to_end": True,
        "gold_preproc": gold_preproc,
        "schema": schema.name,
        "docs": len(docs),
        "pairs": n_pairs,
        "entities": {"predicted": n_predicted, "gold": n_gold},
        "seconds": round(seconds, 3),
        "docs_per_second": round(len(docs) / seconds, 2) if seconds > 0 else None,
        "pairs_per_second": round(n_pairs / seconds, 2) if seconds > 0 else None,
        "scores": scores,
    }


def headline(result: Dict[str, Any]) -> Dict[str, Optional[float]]:
    """result (Dict[str, Any]): An evaluation result (evaluate_docs).
    RETURNS (Dict[str, Optional[float]]): The main scores: micro P/R/F1 (and
        SemEval macro-F1, or typing accuracy; Rel+ micro-F1 as "plus_micro_f";
        end to end, NER P/R/F1 as "ents_p/_r/_f") under short names.
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
    if "ents_f" in scores:
        out.update({"ents_p": scores["ents_p"], "ents_r": scores["ents_r"], "ents_f": scores["ents_f"]})
    if f"{prefix}_semeval_macro_f" in scores:
        out["semeval_macro_f"] = scores[f"{prefix}_semeval_macro_f"]
    return out
