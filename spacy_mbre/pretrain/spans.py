"""Locate the head, the tail and the span between them in word pieces.

Entities are found through the fast tokenizer's ``offset_mapping``: a word
piece belongs to an entity if its character range overlaps the entity's
character range. Nothing is matched on sub-token strings, so an entity split
into several pieces (``"Kilimanjaro"`` → ``"ki", "##lim", "##an", ...``), or
spelt the same as other words in the sentence, or tokenized differently in
context (BPE's leading-space pieces) is still located exactly — the failure
mode of TKRE's released code, which searches the entity's own token ids in
the sentence's.

Texts longer than the encoder's limit are cut to a window of word pieces
around the pair (centred on it); a pair that does not fit is skipped.
"""
from dataclasses import dataclass
from typing import Any, Iterable, List, Optional, Sequence, Tuple

from ..errors import ConfigError
from .samples import CharSpan, PretrainSample

SKIP_NOT_FOUND = "entity_not_in_word_pieces"
SKIP_TOO_LONG = "pair_longer_than_max_length"


@dataclass(frozen=True)
class TokenSpan:
    """A range of token positions.

    start (int): The first position.
    end (int): One past the last position (start == end: empty).
    """

    start: int
    end: int

    def __len__(self) -> int:
        return max(0, self.end - self.start)

    def shift(self, by: int) -> "TokenSpan":
        """by (int): Positions to add.
        RETURNS (TokenSpan): The moved span.
        """
        return TokenSpan(self.start + by, self.end + by)

    def positions(self) -> range:
        """RETURNS (range): The positions in the span."""
        return range(self.start, self.end)


@dataclass(frozen=True)
class EncodedSample:
    """A sample as encoder input, with its regions in token positions.

    input_ids (Tuple[int, ...]): Token ids, special tokens included.
    special (Tuple[bool, ...]): Whether each token is a special token.
    head (TokenSpan): The head's word pieces.
    tail (TokenSpan): The tail's word pieces.
    between (TokenSpan): The word pieces strictly between the two entities
        (empty if they touch or overlap).
    label (Optional[str]): The sample's label (None: unlabelled).
    source (str): Its corpus.
    """

    input_ids: Tuple[int, ...]
    special: Tuple[bool, ...]
    head: TokenSpan
    tail: TokenSpan
    between: TokenSpan
    label: Optional[str] = None
    source: str = ""

    def __len__(self) -> int:
        return len(self.input_ids)


def char_span_to_tokens(offsets: Sequence[Tuple[int, int]], span: CharSpan) -> Optional[TokenSpan]:
    """offsets (Sequence[Tuple[int, int]]): Character (start, end) per token,
        (0, 0) for special tokens (a fast tokenizer's ``offset_mapping``).
    span (CharSpan): Character offsets (start, end) of an entity.
    RETURNS (Optional[TokenSpan]): The tokens overlapping it, or None if none
        does (e.g. an entity of whitespace only).
    """
    start, end = span
    hits = [i for i, (a, b) in enumerate(offsets) if b > a and a < end and b > start]
    if not hits:
        return None
    return TokenSpan(hits[0], hits[-1] + 1)


def between_span(head: TokenSpan, tail: TokenSpan) -> TokenSpan:
    """head (TokenSpan): The head.
    tail (TokenSpan): The tail.
    RETURNS (TokenSpan): The positions strictly between the two, in either
        order (empty if they touch or overlap).
    """
    first, second = (head, tail) if head.start <= tail.start else (tail, head)
    if first.end >= second.start:
        return TokenSpan(first.end, first.end)
    return TokenSpan(first.end, second.start)


def check_tokenizer(tokenizer: Any) -> None:
    """tokenizer (Any): A Hugging Face tokenizer.
    RAISES (ConfigError): It is not a fast tokenizer (no offset mapping).
    """
    if not getattr(tokenizer, "is_fast", False):
        raise ConfigError(
            f"Pre-training locates entities by character offsets and needs a fast (Rust) tokenizer; "
            f"{type(tokenizer).__name__} is not one."
        )


def encode_sample(tokenizer: Any, sample: PretrainSample, max_length: int) -> Tuple[Optional[EncodedSample], str]:
    """tokenizer (Any): A fast Hugging Face tokenizer.
    sample (PretrainSample): The sample.
    max_length (int): Input limit in tokens, special tokens included.
    RETURNS (Tuple[Optional[EncodedSample], str]): The encoded sample and "",
        or None and why it was skipped (SKIP_NOT_FOUND, SKIP_TOO_LONG).
    """
    enc = tokenizer(sample.text, add_special_tokens=False, return_offsets_mapping=True)
    ids: List[int] = list(enc["input_ids"])
    offsets = [tuple(o) for o in enc["offset_mapping"]]
    head = char_span_to_tokens(offsets, sample.head)
    tail = char_span_to_tokens(offsets, sample.tail)
    if head is None or tail is None:
        return None, SKIP_NOT_FOUND
    room = max_length - tokenizer.num_special_tokens_to_add(pair=False)
    lo, hi = min(head.start, tail.start), max(head.end, tail.end)
    if hi - lo > room:
        return None, SKIP_TOO_LONG
    start = max(0, min(lo - (room - (hi - lo)) // 2, len(ids) - room))
    window = ids[start : start + room]
    full = list(tokenizer.build_inputs_with_special_tokens(window))
    special = [bool(x) for x in tokenizer.get_special_tokens_mask(full, already_has_special_tokens=True)]
    prefix = special.index(False) if window else 0
    head, tail = head.shift(prefix - start), tail.shift(prefix - start)
    encoded = EncodedSample(
        input_ids=tuple(full),
        special=tuple(special),
        head=head,
        tail=tail,
        between=between_span(head, tail),
        label=sample.label,
        source=sample.source,
    )
    return encoded, ""


def encode_samples(
    tokenizer: Any, samples: Iterable[PretrainSample], max_length: int
) -> Tuple[List[EncodedSample], List[Tuple[PretrainSample, str]]]:
    """tokenizer (Any): A fast Hugging Face tokenizer.
    samples (Iterable[PretrainSample]): The samples.
    max_length (int): Input limit in tokens.
    RETURNS (Tuple[List[EncodedSample], List[Tuple[PretrainSample, str]]]):
        The encoded samples, and the skipped ones with the reason.
    """
    check_tokenizer(tokenizer)
    encoded: List[EncodedSample] = []
    skipped: List[Tuple[PretrainSample, str]] = []
    for sample in samples:
        item, reason = encode_sample(tokenizer, sample, max_length)
        if item is None:
            skipped.append((sample, reason))
        else:
            encoded.append(item)
    return encoded, skipped
