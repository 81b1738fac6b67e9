"""The few-shot gold as the synthesis prompts show it: every candidate pair
as a marked sentence (unconditional, S2ynRE), every gold relation in TKRE's
one-line format (schema), and the entity type pairs each relation's samples
may have."""
from dataclasses import dataclass
from typing import Dict, Iterable, List, Sequence, Set, Tuple

from spacy.tokens import Doc

from ..data.relations import Pair, get_relations
from ..data.schema import Schema
from ..errors import ConfigError
from ..mining.queries import context_span, marked_text
from ..pairs.options import mining_pairs

TypePair = Tuple[str, str]


@dataclass(frozen=True)
class GoldSentence:
    """A gold pair shown to the unconditional writer.

    marked (str): The context with the head marked <e1> and the tail <e2>.
    text (str): The same context without markers.
    """

    marked: str
    text: str


@dataclass(frozen=True)
class GoldSample:
    """A gold relation in TKRE's format, shown to the schema-constrained writer.

    label (str): The relation label.
    context (str): The sentence(s) holding both entities.
    head (str): The head entity text.
    head_type (str): The head entity's type (its span label).
    tail (str): The tail entity text.
    tail_type (str): The tail entity's type.
    """

    label: str
    context: str
    head: str
    head_type: str
    tail: str
    tail_type: str


def collect_sentences(docs: Iterable[Doc], schema: Schema) -> List[GoldSentence]:
    """docs (Iterable[Doc]): Few-shot gold docs with entities / candidate pairs.
    schema (Schema): The schema (decides the pair order, see
        :func:`spacy_mbre.pairs.options.mining_pairs`).
    RETURNS (List[GoldSentence]): One per pair, in order, without repeats.
    """
    out: List[GoldSentence] = []
    seen: Set[str] = set()
    for doc in docs:
        for pair in mining_pairs(doc, schema):
            marked = marked_text(doc, pair)
            if marked in seen:
                continue
            seen.add(marked)
            start, end = context_span(doc, pair)
            out.append(GoldSentence(marked=marked, text=doc[start:end].text.strip()))
    return out


def collect_samples(docs: Iterable[Doc], schema: Schema) -> Dict[str, List[GoldSample]]:
    """docs (Iterable[Doc]): Few-shot gold docs (relations with source "gold").
    schema (Schema): The schema; relations with other labels are skipped.
    RETURNS (Dict[str, List[GoldSample]]): Gold samples by label, in order.
    """
    out: Dict[str, List[GoldSample]] = {}
    for doc in docs:
        for rel in get_relations(doc, source="gold"):
            if rel.tail is None or rel.label not in schema:
                continue
            start, end = context_span(doc, Pair(rel.head, rel.tail))
            sample = GoldSample(
                label=rel.label,
                context=" ".join(doc[start:end].text.split()),
                head=rel.head.text,
                head_type=rel.head.label_,
                tail=rel.tail.text,
                tail_type=rel.tail.label_,
            )
            if sample not in out.setdefault(rel.label, []):
                out[rel.label].append(sample)
    return out


def allowed_types(
    schema: Schema, labels: Sequence[str], samples: Dict[str, List[GoldSample]]
) -> Dict[str, Set[TypePair]]:
    """The (head type, tail type) pairs a synthetic sample of each label may have.

    A label's ``types`` in the schema win (both orders for an undirected
    label). A schema without types (SemEval, Re-DocRED as shipped) is
    completed from the few-shot gold: the type pairs seen on gold relations
    of the label, else every pair of entity types seen on any gold relation.

    schema (Schema): The schema.
    labels (Sequence[str]): The labels to synthesise.
    samples (Dict[str, List[GoldSample]]): Gold samples by label.
    RETURNS (Dict[str, Set[TypePair]]): Allowed type pairs by label.
    """
    seen_types = sorted({t for group in samples.values() for s in group for t in (s.head_type, s.tail_type) if t})
    out: Dict[str, Set[TypePair]] = {}
    for label in labels:
        definition = schema.get(label)
        if definition.types:
            pairs = set(definition.types)
            if not definition.directed:
                pairs |= {(t, h) for h, t in definition.types}
        else:
            pairs = {(s.head_type, s.tail_type) for s in samples.get(label, []) if s.head_type and s.tail_type}
            if not pairs:
                pairs = {(h, t) for h in seen_types for t in seen_types}
        if not pairs:
            raise ConfigError(
                f"Label {label!r} of schema {schema.name!r} declares no entity types and the few-shot gold has no "
                "typed relations to take them from."
            )
        out[label] = pairs
    return out
