"""Entity markers: turning a (doc, pair) into one encoder input.

A pair is encoded as ``[CLS] … [S] subject [/S] … [O] object [/O] … [SEP]``
(the order of subject and object follows the text). With typed markers the
entity label goes into the marker: ``[S:PER] … [/S:PER]``; a type that was not
seen when the model was initialised falls back to the untyped marker. The
typing task marks one span: ``[E] span [/E]``.

The pair representation is read at two positions, recorded while encoding:
relation task: the subject-start and object-start markers; typing task: the
span's start and end markers.

**Windowing.** Inputs longer than the encoder's limit are cut to a window of
whole spaCy tokens around the pair (:mod:`.windowing`); a pair that does not
fit is not encoded and counted in ``n_unfit``.

**Candidate label markers** (SURE) are appended after the sentence:
``… [SEP] [CLM+] [L3] [L7] [CLM-] [L0] [L5] [L1] [L9] [SEP]``. When a model
uses CLMs, room for them is reserved in every window (also at inference, where
no CLMs are appended), so windows do not depend on whether CLMs are used.

The marker tokens themselves are in :mod:`.marker_tokens`, the window in
:mod:`.windowing`.
"""
from dataclasses import dataclass, replace
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from spacy.tokens import Doc, Span

from ..data.schema import TYPING
from .marker_tokens import (
    CLM_NEG,
    CLM_POS,
    ENT_END,
    ENT_START,
    OBJ_END,
    OBJ_START,
    SUBJ_END,
    SUBJ_START,
    label_marker,
    marker_tokens,
    typed_marker,
)
from .windowing import choose_window

# What a relation pair's representation concatenates: the hidden states at the
# subject-start and object-start markers, or at all four markers (PL-Marker).
START = "start"
START_END = "start_end"
REPRESENTATIONS = (START, START_END)


@dataclass
class EncodedPair:
    """One encoder input.

    ids (List[int]): Token ids, with [CLS], markers, [SEP] and any CLMs.
    first (int): Position of the subject-start (typing: span-start) marker.
    second (int): Position of the object-start (typing: span-end) marker.
    first_end (int): Position of the subject-end marker (relation task; -1 for typing).
    second_end (int): Position of the object-end marker (relation task; -1 for typing).
    """

    ids: List[int]
    first: int
    second: int
    first_end: int = -1
    second_end: int = -1

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def n_rows(self) -> int:
        """RETURNS (int): Rows of scores the model outputs for this input (one pair)."""
        return 1


class MarkerFeaturizer:
    """Encodes (doc, head, tail) pairs with entity markers for one tokenizer.

    tokenizer (Any): A Hugging Face (fast) tokenizer that knows the markers.
    task (str): "relation" or "typing".
    typed (bool): Put entity labels into the markers.
    max_length (int): The encoder's input limit in subword tokens.
    clm_slots (int): Candidate label markers reserved per input (n + m; 0 = none).
    """

    def __init__(self, tokenizer: Any, task: str, typed: bool, max_length: int, clm_slots: int = 0) -> None:
        self.tokenizer = tokenizer
        self.task = task
        self.typed = typed
        self.max_length = max_length
        self.clm_slots = clm_slots
        self.cls_id = tokenizer.cls_token_id if tokenizer.cls_token_id is not None else tokenizer.bos_token_id
        self.sep_id = tokenizer.sep_token_id if tokenizer.sep_token_id is not None else tokenizer.eos_token_id
        self.pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
        self.n_unfit = 0
        vocab = tokenizer.get_vocab()
        self._ids: Dict[str, int] = {tok: vocab[tok] for tok in tokenizer.additional_special_tokens if tok in vocab}

    # ------------------------------------------------------------ internals
    @property
    def budget(self) -> int:
        """RETURNS (int): Subword tokens available for the marked text."""
        extra = self.clm_slots + 3 if self.clm_slots else 0
        return self.max_length - 2 - extra

    def token_id(self, token: str) -> int:
        """token (str): A marker token.
        RETURNS (int): Its id. Raises KeyError if the tokenizer lacks it.
        """
        return self._ids[token]

    def marker_id(self, marker: str, span: Span) -> int:
        """marker (str): An untyped marker, e.g. "[O]".
        span (Span): The span it marks.
        RETURNS (int): The id of the typed marker for the span's label if the
            featurizer uses typed markers and knows it, else of the untyped one.
        """
        return self._marker(marker, span)

    def _marker(self, marker: str, span: Span) -> int:
        if self.typed and span.label_:
            typed = typed_marker(marker, span.label_)
            if typed in self._ids:
                return self._ids[typed]
        return self._ids[marker]

    def pieces(self, docs: Sequence[Doc]) -> Dict[int, List[List[int]]]:
        """docs (Sequence[Doc]): Docs to tokenise.
        RETURNS (Dict[int, List[List[int]]]): Per id(doc), the subword ids of
            each spaCy token (empty for whitespace tokens).
        """
        unique: Dict[int, Doc] = {}
        for doc in docs:
            unique.setdefault(id(doc), doc)
        out: Dict[int, List[List[int]]] = {}
        doc_list = list(unique.values())
        if not doc_list:
            return out
        words = [[t.text for t in doc] or [""] for doc in doc_list]
        enc = self.tokenizer(words, is_split_into_words=True, add_special_tokens=False)
        for i, doc in enumerate(doc_list):
            per_word: List[List[int]] = [[] for _ in range(len(doc))]
            for tok_id, word_id in zip(enc["input_ids"][i], enc.word_ids(i)):
                if word_id is not None and word_id < len(doc):
                    per_word[word_id].append(tok_id)
            out[id(doc)] = per_word
        return out

    # -------------------------------------------------------------- encoding
    def encode(
        self, items: Sequence[Tuple[Doc, Span, Optional[Span]]], pieces: Optional[Dict[int, List[List[int]]]] = None
    ) -> List[Optional[EncodedPair]]:
        """items (Sequence[Tuple[Doc, Span, Optional[Span]]]): (doc, head,
            tail) triples; tail is None for the typing task.
        pieces (Optional[Dict[int, List[List[int]]]]): Output of pieces() for
            these docs, if already computed.
        RETURNS (List[Optional[EncodedPair]]): One input per item; None where
            the pair does not fit into max_length (counted in n_unfit).
        """
        if pieces is None:
            pieces = self.pieces([doc for doc, _, _ in items])
        out: List[Optional[EncodedPair]] = []
        for doc, head, tail in items:
            encoded = self._encode_one(pieces[id(doc)], head, tail)
            if encoded is None:
                self.n_unfit += 1
            out.append(encoded)
        return out

    def _events(
        self, head: Span, tail: Optional[Span]
    ) -> Tuple[Dict[int, List[Tuple[int, str]]], Dict[int, List[int]]]:
        """Markers to insert: before word i (starts) and after word i (ends)."""
        if self.task == TYPING or tail is None:
            spans = [(head, ENT_START, ENT_END, "first", "second")]
        else:
            spans = [
                (head, SUBJ_START, SUBJ_END, "first", "first_end"),
                (tail, OBJ_START, OBJ_END, "second", "second_end"),
            ]
        starts: Dict[int, List[Tuple[int, int, str]]] = {}
        ends: Dict[int, List[Tuple[int, int, str]]] = {}
        for span, start_marker, end_marker, start_tag, end_tag in spans:
            # Nested spans: the outer span opens first and closes last.
            starts.setdefault(span.start, []).append((-span.end, self._marker(start_marker, span), start_tag))
            ends.setdefault(span.end - 1, []).append((-span.start, self._marker(end_marker, span), end_tag))
        start_events = {i: [(tok, tag) for _, tok, tag in sorted(ev, key=lambda e: e[0])] for i, ev in starts.items()}
        end_events = {i: [(tok, tag) for _, tok, tag in sorted(ev, key=lambda e: e[0])] for i, ev in ends.items()}
        return start_events, end_events  # type: ignore[return-value]

    def window(
        self, words: List[List[int]], lo: int, hi: int, n_markers: int, budget: int
    ) -> Optional[Tuple[int, int]]:
        """Choose the spaCy tokens of an input: :func:`.windowing.choose_window`,
        whose arguments and return value these are.
        """
        return choose_window(words, lo, hi, n_markers, budget)

    def _encode_one(self, words: List[List[int]], head: Span, tail: Optional[Span]) -> Optional[EncodedPair]:
        spans = [head] if tail is None else [head, tail]
        lo = min(s.start for s in spans)
        hi = max(s.end for s in spans)
        window = self.window(words, lo, hi, 2 * len(spans), self.budget)
        if window is None:
            return None
        left, right = window
        start_events, end_events = self._events(head, tail)
        ids = [self.cls_id]
        positions: Dict[str, int] = {}
        for i in range(left, right):
            for tok, tag in start_events.get(i, ()):
                if tag:
                    positions[tag] = len(ids)
                ids.append(tok)
            ids.extend(words[i])
            for tok, tag in end_events.get(i, ()):
                if tag:
                    positions[tag] = len(ids)
                ids.append(tok)
        ids.append(self.sep_id)
        return EncodedPair(
            ids=ids,
            first=positions["first"],
            second=positions["second"],
            first_end=positions.get("first_end", -1),
            second_end=positions.get("second_end", -1),
        )

    def with_candidates(self, encoded: EncodedPair, positive: Iterable[int], negative: Iterable[int]) -> EncodedPair:
        """Append candidate label markers (SURE) to an encoded input.

        encoded (EncodedPair): An input made by encode().
        positive (Iterable[int]): Label indices of the top-n candidates, best first.
        negative (Iterable[int]): Label indices of the bottom-m candidates, in
            descending score order.
        RETURNS (EncodedPair): A new input with the CLM suffix.
        """
        suffix = [self._ids[CLM_POS]]
        suffix.extend(self._ids[label_marker(i)] for i in positive)
        suffix.append(self._ids[CLM_NEG])
        suffix.extend(self._ids[label_marker(i)] for i in negative)
        suffix.append(self.sep_id)
        return replace(encoded, ids=encoded.ids + suffix)


__all__ = [
    "CLM_NEG",
    "CLM_POS",
    "ENT_END",
    "ENT_START",
    "OBJ_END",
    "OBJ_START",
    "REPRESENTATIONS",
    "START",
    "START_END",
    "SUBJ_END",
    "SUBJ_START",
    "EncodedPair",
    "MarkerFeaturizer",
    "label_marker",
    "marker_tokens",
    "typed_marker",
]
