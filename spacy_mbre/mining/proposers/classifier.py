"""The trained-classifier proposer: a trained ``mbre_relations`` pipeline
(for example the gold-only model) scores every pair, and its best options go
to the binary verification stage instead of (or beside) the grouped
multi-class questions.

Why: with a small local judge, the grouped multi-class stage is a weak
proposer (the gold label is its first answer for fewer than half of the pairs
and it almost never says "none"), so it caps M-BRe's recall; a classifier
trained on the few-shot gold ranks options by what the gold shows, costs no
LLM call, and needs only ``top_m`` verification questions per pair.

Per pair, the proposer stores (``doc.user_data["mbre_mining"]``, stage
``"clf"``, see :mod:`spacy_mbre.mining.record`) the classifier's probability
of every option, of "no relation", and the proposed options: the ``top_m``
most probable options (never "no relation") whose probability is at least
``min_prob``; with a typed schema, only options the pair's entity types
allow. Pairs the classifier could not encode (longer than the encoder's
limit) get no proposal. The Label Decision's ``combined`` rule
(:mod:`spacy_mbre.mining.decision`) uses the stored probabilities.
"""
import hashlib
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Union

from spacy.language import Language
from spacy.tokens import Doc

from ...data.schema import Schema
from ...errors import ConfigError
from ..record import CLF, StageEntry, set_stage

PROB_DIGITS = 5


def find_classifier(nlp: Language, component: Optional[str] = None) -> Any:
    """nlp (Language): A pipeline.
    component (Optional[str]): The classifier's name; None = the first
        ``mbre_relations`` component.
    RETURNS (RelationClassifier): The component.
    RAISES (ConfigError): There is no such component.
    """
    from ...relations.component import RelationClassifier

    for name, pipe in nlp.pipeline:
        if (component is None or name == component) and isinstance(pipe, RelationClassifier):
            return pipe
    raise ConfigError(
        f"The proposer pipeline has no mbre_relations component{f' named {component!r}' if component else ''} "
        f"(components: {', '.join(nlp.pipe_names) or 'none'})."
    )


def pipeline_fingerprint(path: Path) -> str:
    """path (Path): A pipeline directory.
    RETURNS (str): sha256 over its files' relative paths and contents, so a
        retrained proposer at the same path is a different proposer (a mining
        journal written with the old one is not resumed with the new one)."""
    digest = hashlib.sha256()
    for file_path in sorted(p for p in path.rglob("*") if p.is_file()):
        digest.update(str(file_path.relative_to(path)).encode("utf8"))
        with file_path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


class ClassifierProposer:
    """Proposes options for verification with a trained classifier.

    nlp (Language): A pipeline with a trained ``mbre_relations`` component.
    schema (Schema): The mining schema; the classifier's options must be its options.
    top_m (int): Options proposed per pair (at most).
    min_prob (float): Minimum classifier probability of a proposed option.
    component (Optional[str]): The classifier's name in ``nlp``.
    """

    stage = CLF

    def __init__(
        self,
        nlp: Language,
        schema: Schema,
        top_m: int = 2,
        min_prob: float = 0.0,
        component: Optional[str] = None,
    ) -> None:
        if top_m < 1:
            raise ConfigError(f"The classifier proposer's top_m must be >= 1, got {top_m}.")
        if not 0.0 <= min_prob <= 1.0:
            raise ConfigError(f"The classifier proposer's min_prob must be in [0, 1], got {min_prob}.")
        self.nlp = nlp
        self.schema = schema
        self.top_m = top_m
        self.min_prob = min_prob
        self.classifier = find_classifier(nlp, component)
        labels = list(self.classifier.labels)
        known = set(schema.option_names) if schema.kind != "typing" else set(schema.label_names)
        unknown = [label for label in labels[1:] if label not in known]
        if not labels or unknown:
            raise ConfigError(
                f"The proposer's classifier does not fit schema {schema.name!r}: "
                f"{'it has no labels' if not labels else 'unknown options ' + ', '.join(unknown[:5])}. "
                "Train it with the same schema."
            )
        self.labels = labels
        self.fingerprint = ""

    @classmethod
    def from_path(cls, path: Union[str, Path], schema: Schema, **kwargs: Any) -> "ClassifierProposer":
        """path (Union[str, Path]): A trained pipeline directory (e.g. ``training/gold/model-best``).
        schema (Schema): The mining schema.
        kwargs (Any): See the class arguments.
        RETURNS (ClassifierProposer): The proposer.
        """
        import spacy

        try:
            nlp = spacy.load(path)
        except OSError as err:
            raise ConfigError(f"Cannot load the proposer pipeline at {path}: {err}") from None
        proposer = cls(nlp, schema, **kwargs)
        proposer.fingerprint = pipeline_fingerprint(Path(path))
        return proposer

    @property
    def identity(self) -> Dict[str, Any]:
        """RETURNS (Dict[str, Any]): What the report records of the proposer."""
        return {"labels": len(self.labels), "top_m": self.top_m, "min_prob": self.min_prob,
                "component": self.classifier.name, "fingerprint": self.fingerprint}

    def propose(self, docs: Sequence[Doc]) -> List[Dict[str, float]]:
        """Score every pair of the docs and store the proposals on them.

        docs (Sequence[Doc]): Prepared docs (candidate pairs set, gold hidden).
        RETURNS (List[Dict[str, float]]): Per doc, its accounting: "prompts"
            (0: no LLM question), "pairs_scored", "unscored" and "seconds"
            (the doc's share of the classifier's time).
        """
        if not docs:
            return []
        start = time.perf_counter()
        scores = self.classifier.predict(list(docs))
        seconds = time.perf_counter() - start
        n_pairs = sum(len(p) for p in scores.pairs) or 1
        out: List[Dict[str, float]] = []
        for doc, pairs, probs, fits in zip(docs, scores.pairs, scores.probs, scores.fits):
            entries: Dict[Any, List[StageEntry]] = {}
            for pair, row, fit in zip(pairs, probs, fits):
                if not fit:
                    entries[pair.key] = [{"probs": None, "none": None, "proposed": []}]
                    continue
                mask = self.classifier.option_mask(pair)
                ranked = sorted(range(1, len(row)), key=lambda i: (-float(row[i]), i))
                ranked = [i for i in ranked if mask is None or mask[i]]
                proposed = [self.labels[i] for i in ranked[: self.top_m] if float(row[i]) >= self.min_prob]
                entries[pair.key] = [{
                    "probs": {self.labels[i]: round(float(row[i]), PROB_DIGITS) for i in range(1, len(row))},
                    "none": round(float(row[0]), PROB_DIGITS),
                    "proposed": proposed,
                }]
            set_stage(doc, CLF, entries)
            out.append({"prompts": 0, "pairs_scored": float(sum(bool(f) for f in fits)),
                        "unscored": float(sum(not f for f in fits)),
                        "seconds": seconds * len(pairs) / n_pairs})
        return out
