"""The candidate pairs of a doc under a schema: the one pairing function that
``convert --schema``, ``fewshot``, ``mine`` (every mining stage and the Label
Decision) and ``mbre_relations`` share, so they all use the same pairs.

* The doc's stored candidate pairs (``doc._.candidate_pairs``) of the right
  kind (pairs, or single spans in the typing mode) are used when it has any;
  otherwise pairs are generated from its entities with :class:`PairSettings`.
* In the relation mode the schema's label ``types`` decide which pairs exist:
  a pair is kept only if some option fits its entity types
  (:meth:`Schema.pair_options`), so a typed schema never pairs two entities
  that no label can relate. Schemas without ``types`` (SemEval, Re-DocRED)
  keep every pair, as before.
* With ``expand_directions`` (SemEval) each pair is put in text order, once:
  the option says the direction.
"""
from dataclasses import dataclass, replace
from typing import Iterable, Iterator, List, Optional, Set

from spacy.tokens import Doc
from wasabi import Printer

from ..data.relations import Pair, PairKey, get_pairs, set_pairs
from ..data.schema import RELATION, TYPING, Schema
from .generate import PairSettings, generate_pairs


def schema_pair_settings(schema: Optional[Schema], settings: Optional[PairSettings] = None) -> PairSettings:
    """The pair settings a schema implies.

    schema (Optional[Schema]): The schema; None keeps ``settings`` as they are.
    settings (Optional[PairSettings]): Settings to start from (spans key,
        distance, sentence and count limits); None = the defaults with no
        ``max_pairs`` cut, one direction for a direction-expanding schema.
    RETURNS (PairSettings): The settings with the schema's mode and allowed
        (head type, tail type) pairs.
    """
    if settings is None:
        expands = schema is not None and schema.expand_directions
        settings = PairSettings(both_directions=not expands, max_pairs=None)
    if schema is None:
        return settings
    allowed = schema.allowed_type_pairs() if schema.kind == RELATION else None
    return replace(settings, mode=schema.kind, allowed_types=allowed)


def pair_allowed(pair: Pair, schema: Optional[Schema]) -> bool:
    """pair (Pair): A candidate pair (or single span).
    schema (Optional[Schema]): The schema; None allows every pair.
    RETURNS (bool): Whether some option of the schema fits the pair's types.
    """
    if schema is None or pair.tail is None or not schema.is_typed:
        return True
    return bool(schema.pair_options(pair.head.label_, pair.tail.label_))


def candidate_pairs(doc: Doc, schema: Optional[Schema], settings: Optional[PairSettings] = None) -> List[Pair]:
    """The pairs a doc is asked about, classified or stored with, in a fixed
    order (see the module docs).

    doc (Doc): The doc, with entities (or stored candidate pairs).
    schema (Optional[Schema]): The schema; None = no type constraint, mode
        and directions from ``settings``.
    settings (Optional[PairSettings]): How pairs are generated when the doc
        stores none; see :func:`schema_pair_settings`.
    RETURNS (List[Pair]): The pairs.
    """
    settings = schema_pair_settings(schema, settings)
    typing = settings.mode == TYPING
    pairs = [p for p in get_pairs(doc) if p.is_typing == typing]
    if pairs:
        pairs = [p for p in pairs if pair_allowed(p, schema)]
    else:
        pairs = generate_pairs(doc, settings)
    if typing or schema is None or not schema.expand_directions:
        return pairs
    seen: Set[PairKey] = set()
    ordered: List[Pair] = []
    for pair in pairs:
        if pair.tail is not None and pair.tail.start < pair.head.start:
            pair = Pair(pair.tail, pair.head)
        if pair.key not in seen:
            seen.add(pair.key)
            ordered.append(pair)
    return ordered


@dataclass
class PairCounts:
    """How many candidate pairs a command uses, and which docs get none.

    docs (int): Docs seen.
    pairs (int): Candidate pairs over all docs.
    docs_without_pairs (int): Docs with entities but no candidate pair (under
        a typed schema: no two entities that some label may relate).
    """

    docs: int = 0
    pairs: int = 0
    docs_without_pairs: int = 0

    def add(self, doc: Doc, n_pairs: int) -> None:
        """doc (Doc): A doc.
        n_pairs (int): Its number of candidate pairs.
        """
        self.docs += 1
        self.pairs += n_pairs
        if n_pairs == 0 and len(doc.ents) > 0:
            self.docs_without_pairs += 1

    def count(self, docs: List[Doc], schema: Optional[Schema], settings: Optional[PairSettings] = None) -> "PairCounts":
        """Add the candidate pairs of docs.

        docs (List[Doc]): The docs.
        schema (Optional[Schema]): Their schema.
        settings (Optional[PairSettings]): See :func:`candidate_pairs`.
        RETURNS (PairCounts): Itself.
        """
        for doc in docs:
            self.add(doc, len(candidate_pairs(doc, schema, settings)))
        return self

    def report(self, printer: Printer, schema: Optional[Schema] = None) -> None:
        """Print the number of candidate pairs, and a warning naming the number
        of docs with entities but no candidate pair.

        printer (Printer): Where to print.
        schema (Optional[Schema]): The schema the pairs come from.
        """
        under = f" under schema {schema.name!r}" if schema is not None else ""
        printer.info(f"{self.pairs} candidate pairs in {self.docs} docs{under}")
        if self.docs_without_pairs:
            hint = " (no two of their entities have types that a label allows)" if schema is not None else ""
            printer.warn(f"{self.docs_without_pairs} docs with entities have no candidate pair{under}{hint}")


def store_candidate_pairs(docs: Iterable[Doc], schema: Schema, counts: Optional[PairCounts] = None) -> Iterator[Doc]:
    """Store the schema's candidate pairs on docs that have none (e.g. JSONL
    without ``pairs``); docs with stored pairs keep them.

    docs (Iterable[Doc]): The docs.
    schema (Schema): The schema.
    counts (Optional[PairCounts]): Filled with each doc's candidate pairs
        under the schema.
    YIELDS (Doc): The docs, in order.
    """
    for doc in docs:
        pairs = candidate_pairs(doc, schema)
        if not get_pairs(doc):
            set_pairs(doc, pairs)
        if counts is not None:
            counts.add(doc, len(pairs))
        yield doc
