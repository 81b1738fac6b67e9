"""Packed levitated markers (PL-Marker, subject-oriented packing) with
mutually visible objects (M-DOS, SURE).

With ``packing = "subject"`` all candidate pairs that share a subject are
scored in one encoder pass. The input is the text with the subject's solid
markers inline, as in the per-pair encoding, followed by one pair of
*levitated* markers per object::

    [CLS] … [S] subject [/S] … [SEP] [O]₁ [/O]₁ [O]₂ [/O]₂ …

* A levitated start (end) marker takes the position id of the object's first
  (last) subword token, so it "floats" over the object without moving the
  text.
* Attention is directional: text tokens see the text only (they never see a
  levitated marker, so the text encodes exactly as in a pass with no
  objects), and each levitated marker sees the text and its partner marker.
  With M-DOS (``mdos = true``) a levitated marker also sees the markers of
  the other objects of its pass.
* The pair representation is read where the per-pair model reads it: at the
  subject's solid start marker and at the object's (levitated) start marker.
  Per-pair and packed models therefore have the same weights and heads.

**Candidate label markers** (SURE) are levitated too: an object's CLMs follow
its marker pair (``[O] [/O] [CLM+] [L3] … [CLM-] [L0] …``), take the
position ids they would have after the text's ``[SEP]`` in a per-pair input,
and are seen only by that object's markers and CLMs.

**Length.** A pass holds at most ``max_length`` tokens, levitated ones
included (CLM room is reserved per object whenever the model uses CLMs). A
subject's objects are taken in text order and split into several passes where
one does not fit; each pass windows the text around the subject and its
objects like the per-pair encoding. A pair that does not fit even alone is
not encoded (counted in the featurizer's ``n_unfit``).

The inputs and their attention mask are in :mod:`.packed`; this module packs
pairs into them.
"""
from dataclasses import replace
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from spacy.tokens import Doc, Span

from .markers import CLM_NEG, CLM_POS, OBJ_END, OBJ_START, SUBJ_END, SUBJ_START, MarkerFeaturizer, label_marker
from .packed import NONE, PACKING_MODES, SUBJECT, ModelInput, PackedInput, PackedItems, attention_mask


class LevitatedPacker:
    """Packs (doc, subject, object) pairs into subject-oriented inputs.

    featurizer (MarkerFeaturizer): Gives the tokenizer, marker ids, input
        limit and CLM room; its ``n_unfit`` counts pairs that do not fit.
    """

    def __init__(self, featurizer: MarkerFeaturizer) -> None:
        self.featurizer = featurizer

    @property
    def object_cost(self) -> int:
        """RETURNS (int): Levitated tokens per object: a marker pair, plus the
        room for its CLMs when the model uses them."""
        slots = self.featurizer.clm_slots
        return 2 + (slots + 2 if slots else 0)

    def pack(
        self, items: Sequence[Tuple[Doc, Span, Optional[Span]]], pieces: Optional[Dict[int, List[List[int]]]] = None
    ) -> PackedItems:
        """items (Sequence[Tuple[Doc, Span, Optional[Span]]]): (doc, subject,
            object) triples; the object may not be None.
        pieces (Optional[Dict[int, List[List[int]]]]): The featurizer's
            pieces() for these docs, if already computed.
        RETURNS (PackedItems): The inputs, one or more per subject, in order
            of the subjects' first pair; within an input the objects are in
            text order.
        """
        featurizer = self.featurizer
        if pieces is None:
            pieces = featurizer.pieces([doc for doc, _, _ in items])
        by_subject: Dict[Tuple[int, int, int, str], List[int]] = {}
        for i, (doc, head, tail) in enumerate(items):
            if tail is None:
                raise ValueError("Packed levitated markers need (subject, object) pairs, not single spans.")
            by_subject.setdefault((id(doc), head.start, head.end, head.label_), []).append(i)
        inputs: List[PackedInput] = []
        rows: List[Optional[int]] = [None] * len(items)
        n_rows = 0
        for indices in by_subject.values():
            doc, head, _ = items[indices[0]]
            words = pieces[id(doc)]
            ordered = sorted(indices, key=lambda i: (items[i][2].start, items[i][2].end))  # type: ignore[union-attr]
            for chunk in self._chunks(words, head, [(i, items[i][2]) for i in ordered]):  # type: ignore[misc]
                packed = self._encode(words, head, [obj for _, obj in chunk])
                inputs.append(packed)
                for index, _ in chunk:
                    rows[index] = n_rows
                    n_rows += 1
        featurizer.n_unfit += sum(row is None for row in rows)
        return PackedItems(inputs=inputs, rows=rows)

    def _chunks(
        self, words: List[List[int]], head: Span, objects: List[Tuple[int, Span]]
    ) -> Iterable[List[Tuple[int, Span]]]:
        """Split a subject's objects (in text order) into passes that fit."""
        limit = self.featurizer.max_length - 2  # [CLS] and [SEP]
        chunk: List[Tuple[int, Span]] = []
        lo, hi = head.start, head.end
        for index, obj in objects:
            new_lo, new_hi = min(lo, obj.start), max(hi, obj.end)
            cost = 2 + sum(len(words[i]) for i in range(new_lo, new_hi)) + (len(chunk) + 1) * self.object_cost
            if cost <= limit:
                chunk.append((index, obj))
                lo, hi = new_lo, new_hi
                continue
            if chunk:
                yield chunk
            chunk, lo, hi = [], head.start, head.end
            new_lo, new_hi = min(lo, obj.start), max(hi, obj.end)
            if 2 + sum(len(words[i]) for i in range(new_lo, new_hi)) + self.object_cost <= limit:
                chunk.append((index, obj))
                lo, hi = new_lo, new_hi
        if chunk:
            yield chunk

    def _encode(self, words: List[List[int]], head: Span, objects: List[Span]) -> PackedInput:
        featurizer = self.featurizer
        lo = min([head.start, *(o.start for o in objects)])
        hi = max([head.end, *(o.end for o in objects)])
        budget = featurizer.max_length - 2 - len(objects) * self.object_cost
        window = featurizer.window(words, lo, hi, 2, budget)
        assert window is not None, "a chunk always fits"
        left, right = window
        ids = [featurizer.cls_id]
        first_piece: Dict[int, int] = {}
        last_piece: Dict[int, int] = {}
        first = first_end = -1
        for i in range(left, right):
            if i == head.start:
                first = len(ids)
                ids.append(featurizer.marker_id(SUBJ_START, head))
            first_piece[i] = len(ids)
            ids.extend(words[i])
            last_piece[i] = max(len(ids) - 1, first_piece[i])
            if i == head.end - 1:
                first_end = len(ids)
                ids.append(featurizer.marker_id(SUBJ_END, head))
        ids.append(featurizer.sep_id)
        n_text = len(ids)
        positions = list(range(n_text))
        groups = []
        for obj in objects:
            groups.append((len(ids), len(ids) + 2))
            ids.extend([featurizer.marker_id(OBJ_START, obj), featurizer.marker_id(OBJ_END, obj)])
            positions.extend([first_piece[obj.start], last_piece[obj.end - 1]])
        return PackedInput(
            ids=ids, positions=positions, n_text=n_text, first=first, groups=groups, first_end=first_end
        )

    def with_candidates(
        self, packed: PackedInput, candidates: Sequence[Tuple[Iterable[int], Iterable[int]]]
    ) -> PackedInput:
        """Append each object's candidate label markers (SURE) to its levitated group.

        packed (PackedInput): An input made by pack(), without CLMs.
        candidates (Sequence[Tuple[Iterable[int], Iterable[int]]]): Per object
            (row), the top-n and bottom-m label indices (see ``clm.py``).
        RETURNS (PackedInput): A new input whose groups carry the CLMs.
        """
        if len(candidates) != packed.n_rows:
            raise ValueError(f"Expected candidates for {packed.n_rows} objects, got {len(candidates)}.")
        token = self.featurizer.token_id
        ids = packed.ids[: packed.n_text]
        positions = packed.positions[: packed.n_text]
        groups = []
        for (start, _), (positive, negative) in zip(packed.groups, candidates):
            suffix = [token(CLM_POS), *(token(label_marker(i)) for i in positive)]
            suffix += [token(CLM_NEG), *(token(label_marker(i)) for i in negative)]
            begin = len(ids)
            ids.extend(packed.ids[start : start + 2])
            positions.extend(packed.positions[start : start + 2])
            ids.extend(suffix)
            positions.extend(range(packed.n_text, packed.n_text + len(suffix)))
            groups.append((begin, len(ids)))
        return replace(packed, ids=ids, positions=positions, groups=groups)


__all__ = [
    "NONE",
    "PACKING_MODES",
    "SUBJECT",
    "LevitatedPacker",
    "ModelInput",
    "PackedInput",
    "PackedItems",
    "attention_mask",
]
