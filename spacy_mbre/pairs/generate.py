"""Pure candidate-pair generation, shared by ``mbre_pairs`` and by
``mbre_relations`` when a pipeline has no ``mbre_pairs``."""
import warnings
from dataclasses import dataclass
from typing import List, Optional, Sequence, Set, Tuple

from spacy.tokens import Doc, Span

from ..data.relations import Pair
from ..data.schema import RELATION, TYPING
from ..errors import ConfigError


class PairsCutWarning(UserWarning):
    """A doc had more candidate pairs than ``max_pairs``."""


@dataclass(frozen=True)
class PairSettings:
    """How candidate pairs are generated.

    mode (str): "relation" for (head, tail) pairs, "typing" for single spans.
    spans_key (Optional[str]): Read spans from ``doc.spans[spans_key]``;
        None reads ``doc.ents``.
    both_directions (bool): Emit (a, b) and (b, a); else only text order.
    max_distance (Optional[int]): Max number of tokens between the two
        spans; None for no limit.
    same_sentence (bool): Only pair spans in the same sentence (if the doc
        has no sentence boundaries, the whole doc counts as one sentence).
    allowed_types (Optional[Set[Tuple[str, str]]]): Allowed (head label, tail
        label) pairs; None allows all.
    max_pairs (Optional[int]): Keep at most this many pairs per doc (the first
        ones in order), with a warning when pairs are cut.
    """

    mode: str = RELATION
    spans_key: Optional[str] = None
    both_directions: bool = True
    max_distance: Optional[int] = None
    same_sentence: bool = True
    allowed_types: Optional[Set[Tuple[str, str]]] = None
    max_pairs: Optional[int] = 1000

    def __post_init__(self) -> None:
        if self.mode not in (RELATION, TYPING):
            raise ConfigError(f"mode must be 'relation' or 'typing', got {self.mode!r}.")
        if self.max_distance is not None and self.max_distance < 0:
            raise ConfigError(f"max_distance must be >= 0 or None, got {self.max_distance}.")
        if self.max_pairs is not None and self.max_pairs < 1:
            raise ConfigError(f"max_pairs must be >= 1 or None, got {self.max_pairs}.")


def _spans(doc: Doc, spans_key: Optional[str]) -> List[Span]:
    if spans_key is None:
        spans: Sequence[Span] = doc.ents
    elif spans_key in doc.spans:
        spans = doc.spans[spans_key]
    else:
        spans = []
    return sorted(spans, key=lambda s: (s.start, s.end, s.label_))


def _sentence_ids(doc: Doc) -> Optional[List[int]]:
    if not doc.has_annotation("SENT_START"):
        return None
    ids = []
    sent = -1
    for token in doc:
        if token.is_sent_start or token.i == 0:
            sent += 1
        ids.append(sent)
    return ids


def generate_pairs(doc: Doc, settings: PairSettings) -> List[Pair]:
    """doc (Doc): The doc, with entities (or spans in ``settings.spans_key``).
    settings (PairSettings): How to generate pairs.
    RETURNS (List[Pair]): Pairs in a deterministic order: spans sorted by
        offset; for each i < j, (i, j) then (j, i).
    """
    spans = _spans(doc, settings.spans_key)
    if settings.mode == TYPING:
        pairs = [Pair(span) for span in spans]
    else:
        sent_ids = _sentence_ids(doc) if settings.same_sentence else None
        pairs = []
        for i, a in enumerate(spans):
            for b in spans[i + 1 :]:
                if a.end > b.start:  # overlapping spans are not pairs
                    continue
                if sent_ids is not None and sent_ids[a.start] != sent_ids[b.start]:
                    continue
                if settings.max_distance is not None and b.start - a.end > settings.max_distance:
                    continue
                ordered = [(a, b), (b, a)] if settings.both_directions else [(a, b)]
                for head, tail in ordered:
                    if settings.allowed_types is None or (head.label_, tail.label_) in settings.allowed_types:
                        pairs.append(Pair(head, tail))
    if settings.max_pairs is not None and len(pairs) > settings.max_pairs:
        warnings.warn(
            f"Doc {doc.text[:40]!r}... has {len(pairs)} candidate pairs; keeping the first "
            f"{settings.max_pairs} (raise max_pairs to keep more).",
            PairsCutWarning,
            stacklevel=2,
        )
        pairs = pairs[: settings.max_pairs]
    return pairs
