"""The texts pre-training reads: one :class:`PretrainSample` per entity pair.

A sample is a plain string with the head and the tail located by **character
offsets**, so that any Hugging Face tokenizer can map them to its word
pieces (:mod:`.spans`). Samples come from

* relation corpora (gold, mined, schema-constrained synthetic; ``.spacy`` or
  ``.jsonl``): one sample per relation record with a tail, labelled with the
  record's label, and one per candidate pair without any record, labelled
  :data:`NO_RELATION` (the pair was annotated or mined and holds none);
* unlabelled corpora (unconditional synthetic pools): one sample per
  candidate pair, without a label (masked span LM only);
* explanation corpora (:mod:`.explain`): the sentence followed by the LLM's
  explanation, with the entities located in the sentence part and the gold
  label.

The text of a pair is its context: the sentences holding both entities
(:func:`spacy_mbre.mining.queries.context_span`; the whole doc if it has no
sentence boundaries).
"""
from dataclasses import dataclass
from typing import Iterable, Iterator, List, Optional, Tuple

from spacy.tokens import Doc, Span

from ..data.relations import Pair, get_pairs, get_relations, pair_key
from ..mining.queries import context_span

NO_RELATION = "(no relation)"
CharSpan = Tuple[int, int]


@dataclass(frozen=True)
class PretrainSample:
    """One pre-training text with an entity pair.

    text (str): The text.
    head (CharSpan): Character offsets (start, end) of the head in ``text``.
    tail (CharSpan): Character offsets of the tail.
    label (Optional[str]): The relation label, :data:`NO_RELATION`, or None
        for an unlabelled pair (no contrastive anchor).
    source (str): Which corpus it came from (for the report).
    """

    text: str
    head: CharSpan
    tail: CharSpan
    label: Optional[str] = None
    source: str = ""

    def __post_init__(self) -> None:
        for name, (start, end) in (("head", self.head), ("tail", self.tail)):
            if not 0 <= start < end <= len(self.text):
                raise ValueError(f"The {name} offsets {(start, end)} lie outside the text {self.text!r}.")


def sample_from_pair(doc: Doc, head: Span, tail: Span, label: Optional[str], source: str) -> PretrainSample:
    """doc (Doc): The doc.
    head (Span): The head entity.
    tail (Span): The tail entity.
    label (Optional[str]): The relation label (or NO_RELATION / None).
    source (str): The corpus name.
    RETURNS (PretrainSample): The pair's context with character offsets
        relative to it.
    """
    start, end = context_span(doc, Pair(head, tail))
    offset = doc[start].idx
    text = doc[start:end].text
    return PretrainSample(
        text=text,
        head=(head.start_char - offset, head.end_char - offset),
        tail=(tail.start_char - offset, tail.end_char - offset),
        label=label,
        source=source,
    )


def samples_from_docs(docs: Iterable[Doc], source: str, labelled: bool = True) -> Iterator[PretrainSample]:
    """docs (Iterable[Doc]): Docs with relations and/or candidate pairs.
    source (str): The corpus name (e.g. its file name).
    labelled (bool): Whether a candidate pair without a relation record holds
        no relation (True: gold / mined / schema-synthetic corpora) or is
        simply unlabelled (False: unconditional synthetic pools).
    YIELDS (PretrainSample): One per relation record with a tail and one per
        candidate pair without a record in either direction (see module docs).
    """
    for doc in docs:
        recorded = set()
        for rel in get_relations(doc):
            if rel.tail is None:
                continue
            recorded.update({pair_key(rel.head, rel.tail), pair_key(rel.tail, rel.head)})
            yield sample_from_pair(doc, rel.head, rel.tail, rel.label if labelled else None, source)
        for pair in get_pairs(doc):
            if pair.tail is None or pair.key in recorded:
                continue
            yield sample_from_pair(doc, pair.head, pair.tail, NO_RELATION if labelled else None, source)


def label_set(samples: Iterable[PretrainSample]) -> List[str]:
    """samples (Iterable[PretrainSample]): The samples.
    RETURNS (List[str]): Their labels (the contrastive anchors), sorted.
    """
    return sorted({s.label for s in samples if s.label is not None})
