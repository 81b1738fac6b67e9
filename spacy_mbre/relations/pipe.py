"""The ``RelationClassifier`` pipe behind ``mbre_relations`` (the factory is
in :mod:`.component`). It holds the component's state (labels, schema,
settings) and spaCy's pipe protocol; the work is done by small modules:

* which pairs: :func:`spacy_mbre.pairs.candidate_pairs` and
  :mod:`spacy_mbre.pairs.options` (options, directions, type masks);
* encoding and running the model: :mod:`.inputs` (the model's shim through :mod:`.shim`);
* training targets and weights: :mod:`.targets`; loss: :mod:`.loss`;
* predictions to records: :mod:`.predictions`;
* PL-Marker's bidirectional prediction (``bidirectional``): :mod:`.bidirectional`;
* checks on the settings, pair settings: :mod:`.settings`; saving and loading: :mod:`.serialize`.

Earlier "predicted" records are replaced on every call; gold, mined and other
records are kept.
"""
from itertools import islice
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

import numpy
from spacy.language import Language
from spacy.pipeline import TrainablePipe
from spacy.tokens import Doc
from spacy.training import Example, validate_examples, validate_get_examples
from spacy.vocab import Vocab
from thinc.api import Model, Optimizer

from ..data.keys import PREDICTED
from ..data.relations import Pair, Relation, add_relations, remove_relations
from ..data.schema import RELATION, TYPING, Schema
from ..errors import ConfigError
from ..pairs import candidate_pairs
from ..pairs.options import option_mask
from .bidirectional import (
    combine_passes,
    decide,
    joint_mask,
    joint_rows,
    marginal_rows,
    n_outputs,
    opposite_index,
    output_names,
)
from .clm import warmup_steps
from .inputs import Item, add_candidates, encode_items, entity_types, score_inputs
from .loss import activate, relation_loss
from .markers import START, MarkerFeaturizer
from .packing import NONE, ModelInput
from .predictions import PairScores, chosen_options, mask_row, option_record, overwrite_types, warn_unfit
from .serialize import ShimSerializationMixin
from .settings import check_bidirectional, check_settings, pair_settings
from .shim import count_unfit, get_featurizer, get_shim
from .targets import example_targets, example_weight, gather_rows, labels_from_examples


class RelationClassifier(ShimSerializationMixin, TrainablePipe):
    """Classify candidate pairs (or single spans) with a marker-based transformer.

    Saving and loading: :class:`.serialize.ShimSerializationMixin`.
    """

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
        bidirectional: bool = False,
        scorer: Optional[Callable] = None,
    ) -> None:
        """Initialise the component; see make_relation_classifier for the arguments."""
        check_settings(
            task, schema, batch_size, clm, clm_top_n, clm_bottom_m, model.attrs.get("packing", NONE),
            model.attrs.get("representation", START),
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
        self.pair_settings = pair_settings(task, pair_options, self._expands)
        check_bidirectional(bidirectional, task, schema, multi_label, self.pair_settings.both_directions)
        self.bidirectional = bidirectional
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
    def n_outputs(self) -> int:
        """RETURNS (int): The model's outputs per pair: the labels, and with
        ``bidirectional`` also each label's inverse (see :mod:`.bidirectional`)."""
        return n_outputs(len(self.labels), self.bidirectional)

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
        return count_unfit(self.model)

    @property
    def _expands(self) -> bool:
        return bool(self.schema is not None and self.schema.expand_directions and self.task == RELATION)

    def _featurizer(self) -> MarkerFeaturizer:
        message = f"The '{self.name}' component is not initialised: call nlp.initialize() first."
        return get_featurizer(self.model, message)

    @property
    def packed(self) -> bool:
        """RETURNS (bool): Whether pairs are scored packed, one pass per subject."""
        return self.model.attrs.get("packing", NONE) != NONE

    def _encode(self, items: Sequence[Item]) -> Tuple[List[ModelInput], List[Optional[int]]]:
        """items (Sequence[Tuple[Doc, Span, Optional[Span]]]): (doc, head, tail) triples.
        RETURNS (Tuple[List[ModelInput], List[Optional[int]]]): The inputs and
            per item its output row (see :func:`.inputs.encode_items`).
        """
        return encode_items(self._featurizer(), items, self.packed)

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
        if get_shim(self.model).is_built:
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
        if self.task != RELATION:
            return None
        return option_mask(self.schema, self.labels, pair)

    # ------------------------------------------------------------ prediction
    def _activate(self, scores: numpy.ndarray) -> numpy.ndarray:
        return activate(scores, self.multi_label)

    def _score_inputs(self, inputs: Sequence[ModelInput]) -> numpy.ndarray:
        """inputs (Sequence[ModelInput]): The inputs.
        RETURNS (numpy.ndarray): (n_rows, n_labels) probabilities, rows in
            input order (see :func:`.inputs.score_inputs`).
        """
        return score_inputs(self.model, inputs, self.n_outputs, self.batch_size, self.multi_label)

    def predict(self, docs: Iterable[Doc]) -> PairScores:
        """Score every pair of a batch of docs, batched across docs.

        docs (Iterable[Doc]): The docs.
        RETURNS (PairScores): Probabilities per doc and pair over the labels
            (with ``bidirectional``: each ordered pair's marginal of the joint
            distribution of its two passes, see :mod:`.bidirectional`).
        """
        docs = list(docs)
        featurizer = self._featurizer()
        doc_pairs = [self.doc_pairs(doc) for doc in docs]
        items = [(doc, p.head, p.tail) for doc, pairs in zip(docs, doc_pairs) for p in pairs]
        before = featurizer.n_unfit
        inputs, rows = self._encode(items)
        warn_unfit(featurizer, before)
        fit_index = [i for i, row in enumerate(rows) if row is not None]
        probs_all = numpy.zeros((len(items), self.n_outputs), dtype="float32")
        if fit_index:
            probs_all[fit_index] = self._score_inputs(inputs)[[rows[i] for i in fit_index]]
        fits_all = numpy.array([row is not None for row in rows], dtype=bool)
        flat_pairs = [p for pairs in doc_pairs for p in pairs]
        if self.bidirectional:
            probs_all = self._combine_directions(probs_all, flat_pairs, fits_all)
        else:
            self._mask_options(probs_all, flat_pairs)
        return PairScores.split(doc_pairs, probs_all, fits_all)

    def _combine_directions(self, probs: numpy.ndarray, pairs: Sequence[Pair], fits: numpy.ndarray) -> numpy.ndarray:
        """``bidirectional``: the two passes of each unordered pair combined,
        the schema's type masks applied to the joint, and each ordered pair's
        marginal (see :mod:`.bidirectional`).

        probs (numpy.ndarray): (n_pairs, 2N + 1) probabilities of the passes.
        pairs (Sequence[Pair]): The pairs of the rows.
        fits (numpy.ndarray): Per row, whether the pair was classified.
        RETURNS (numpy.ndarray): (n_pairs, N + 1) probabilities over the labels.
        """
        joint = combine_passes(probs, opposite_index(pairs, fits))
        n_labels = len(self.labels)
        for row, pair in enumerate(pairs):
            mask = joint_mask(self.option_mask(pair), self.option_mask(Pair(pair.tail, pair.head)), n_labels)
            mask_row(joint[row], mask, multi_label=False)
        return marginal_rows(joint)

    def _mask_options(self, probs: numpy.ndarray, pairs: Sequence[Pair]) -> None:
        """Give options a pair's entity types do not allow probability 0 (with
        a typed schema); softmax rows are renormalised over what is left.

        probs (numpy.ndarray): (n_pairs, n_labels) probabilities, changed in place.
        pairs (Sequence[Pair]): The pairs of the rows.
        """
        for row, pair in enumerate(pairs):
            mask_row(probs[row], self.option_mask(pair), self.multi_label)

    def _to_relation(self, pair: Pair, index: int, score: float) -> Relation:
        return option_record(self.schema, self.task == RELATION, pair, self.labels[index], score)

    def set_annotations(self, docs: Iterable[Doc], scores: PairScores) -> None:
        """Write predictions into the shared data model (and doc.ents with
        overwrite_ents), replacing earlier predicted records.

        docs (Iterable[Doc]): The docs.
        scores (PairScores): The output of predict().
        """
        threshold = self._threshold
        for doc, pairs, probs, fits in zip(docs, scores.pairs, scores.probs, scores.fits):
            if self.bidirectional:
                chosen = decide(probs, opposite_index(pairs, fits), fits, threshold)
            else:
                chosen = [
                    (k, i, float(row[i]))
                    for k, (row, fit) in enumerate(zip(probs, fits))
                    if fit
                    for i in chosen_options(row, threshold, self.multi_label)
                ]
            relations = [self._to_relation(pairs[k], i, score) for k, i, score in chosen]
            remove_relations(doc, PREDICTED)
            add_relations(doc, relations)
            if self.task == TYPING and self.overwrite_ents:
                overwrite_types(doc, relations)

    # -------------------------------------------------------------- training
    def _training_instances(self, examples: Iterable[Example]) -> Tuple[List[ModelInput], numpy.ndarray, List[float]]:
        """examples (Iterable[Example]): The batch.
        RETURNS (Tuple[List[ModelInput], numpy.ndarray, List[float]]): The
            encoder inputs of the pairs that fit (one per pair, or packed per
            subject), and per pair in the order of the model's output rows
            its target (n, n_outputs) — the soft target of a pair if its
            reference doc has one, else its gold options (none = no
            relation); with ``bidirectional`` joined with its opposite's
            (:func:`.bidirectional.joint_rows`) — and its example's weight.
        """
        items: List[Item] = []
        targets: List[numpy.ndarray] = []
        weights: List[float] = []
        settings = (self.labels, self.no_relation, self.task == TYPING, self.schema, self._expands, self.multi_label)
        for eg in examples:
            pairs, rows = example_targets(eg, self.doc_pairs(eg.x), *settings)
            if self.bidirectional and pairs:
                rows = list(joint_rows(numpy.stack(rows), opposite_index(pairs)))
            items.extend((eg.x, pair.head, pair.tail) for pair in pairs)
            targets.extend(rows)
            weights.extend([example_weight(eg)] * len(pairs))
        inputs, rows = self._encode(items)
        truth, row_weights = gather_rows(rows, targets, weights, self.n_outputs)
        return inputs, truth, row_weights

    def _loss(self, logits: Any, truth: Any, weights: Sequence[float], n_total: int) -> Tuple[float, Any]:
        """logits (Floats2d): (n, n_labels) scores.
        truth (Floats2d): (n, n_labels) targets (one-hot, multi-hot or soft).
        weights (Sequence[float]): Per-pair weights.
        n_total (int): The number of pairs the loss is averaged over.
        RETURNS (Tuple[float, Floats2d]): The loss and its gradient with
            respect to the logits (see :func:`.loss.relation_loss`).
        """
        return relation_loss(self.model.ops, logits, truth, weights, n_total, self.multi_label)

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
        return self._loss(scores, truth, weights, len(truth))

    def _with_candidates(self, inputs: Sequence[ModelInput], probs: numpy.ndarray) -> List[ModelInput]:
        """Stage 2 of CLM training (see :func:`.inputs.add_candidates`)."""
        return add_candidates(self._featurizer(), inputs, probs, self.clm_top_n, self.clm_bottom_m)

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
            loss, d_logits = self._loss(logits, truth[rows], weights[rows], len(truth))
            backprop(d_logits)
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
                labels = labels_from_examples(examples, self.task == TYPING, self.no_relation)
        labels = [self.no_relation, *[label for label in labels if label != self.no_relation]]
        if len(labels) < 2:
            raise ConfigError(f"'{self.name}': no labels found in the training examples; pass labels or a schema.")
        self.cfg["labels"] = labels
        typed = self.model.attrs["typed_markers"]
        self.cfg["entity_types"] = entity_types(p for eg in examples for p in self.doc_pairs(eg.x)) if typed else []
        self._configure_model()
        self.model.initialize()
        self.n_updates = 0

    def _configure_model(self) -> None:
        self.model.attrs["label_names"] = output_names(self.labels) if self.bidirectional else list(self.labels)
        self.model.attrs["entity_types"] = list(self.cfg["entity_types"])
        self.model.set_dim("nO", self.n_outputs, force=True)

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
