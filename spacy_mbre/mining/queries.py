"""What one mining question is about: a pair (or a single span in typing
mode) on a doc, shown to the LLM as a sentence with marked entities.

Conventions shared by the tasks, the decider and the miner:

* In relation mode the pair's ``head`` is marked ``<e1>`` and its ``tail``
  ``<e2>``. For schemas with ``expand_directions`` (SemEval) pairs are asked
  once, in text order, and an option ``Label(e2,e1)`` means the relation runs
  from the second span to the first; otherwise (Re-DocRED) pairs are asked in
  both orders and an option is the label for head → tail.
* In typing mode the single span is marked ``<e>``.
* The context shown is the sentence(s) covering both spans when the doc has
  sentence boundaries, else the whole doc.
"""
from typing import Dict, List, Optional, Set, Tuple

from spacy.tokens import Doc

from ..data.relations import Pair, PairKey, Relation, get_relations, pair_key
from ..data.schema import LabelOption, Schema
from ..pairs import candidate_pairs

MINING_KEY = "mbre_mining"


def mining_pairs(doc: Doc, schema: Schema) -> List[Pair]:
    """The pairs the mining stages ask about, in a fixed order: the schema's
    candidate pairs (:func:`spacy_mbre.pairs.candidate_pairs`).

    doc (Doc): The doc. Uses ``doc._.candidate_pairs`` when the doc has any,
        else generates pairs from ``doc.ents``; in the relation mode only
        pairs whose entity types some label allows.
    schema (Schema): The schema; decides typing vs relation mode, the allowed
        type pairs and whether pairs are asked once in text order
        (``expand_directions``).
    RETURNS (List[Pair]): The pairs.
    """
    return candidate_pairs(doc, schema)


def pair_options(schema: Schema, pair: Pair) -> List[LabelOption]:
    """schema (Schema): The schema.
    pair (Pair): The pair as asked (see module docs).
    RETURNS (List[LabelOption]): The options whose label's type constraints
        the pair satisfies (every option for an untyped schema).
    """
    return schema.pair_options(pair.head.label_, pair.tail.label_ if pair.tail is not None else None)


def context_span(doc: Doc, pair: Pair) -> Tuple[int, int]:
    """doc (Doc): The doc.
    pair (Pair): The pair.
    RETURNS (Tuple[int, int]): Token range (start, end) of the text shown.
    """
    spans = [pair.head] if pair.tail is None else [pair.head, pair.tail]
    if not doc.has_annotation("SENT_START"):
        return 0, len(doc)
    start = min(s.sent.start for s in spans)
    end = max(s.sent.end for s in spans)
    return start, end


def marked_text(doc: Doc, pair: Pair) -> str:
    """doc (Doc): The doc.
    pair (Pair): The pair; head marked <e1>, tail <e2> (typing: <e>).
    RETURNS (str): The context with the entities marked.
    """
    start, end = context_span(doc, pair)
    if pair.tail is None:
        marks = [(pair.head, "e")]
    else:
        marks = [(pair.head, "e1"), (pair.tail, "e2")]
    opens: Dict[int, List[str]] = {}
    closes: Dict[int, List[str]] = {}
    for span, tag in marks:
        opens.setdefault(span.start, []).append(f"<{tag}>")
        closes.setdefault(span.end - 1, []).append(f"</{tag}>")
    parts: List[str] = []
    for token in doc[start:end]:
        text = "".join(opens.get(token.i, [])) + token.text + "".join(closes.get(token.i, []))
        parts.append(text + (token.whitespace_ if token.i < end - 1 else ""))
    return "".join(parts).strip()


def statement(option: LabelOption, pair: Pair) -> str:
    """The option's description with the entity texts filled in.

    option (LabelOption): The option.
    pair (Pair): The pair (or single span).
    RETURNS (str): E.g. '"storm" causes, produces or brings about "damage"'.
    """
    return fill(option, pair.head.text, pair.tail.text if pair.tail is not None else None)


def fill(option: LabelOption, head: str, tail: Optional[str]) -> str:
    """option (LabelOption): The option.
    head (str): The text of the pair's first span (e1), or the typed span.
    tail (Optional[str]): The text of the pair's second span (e2), or None.
    RETURNS (str): The option's description with the quoted texts filled in.
    """
    qhead = f'"{head}"'
    qtail = f'"{tail}"' if tail is not None else ""
    text = option.describe(qhead, qtail)
    if "{head}" not in option.template and "{tail}" not in option.template:
        text = f"{qhead}: {text}" if tail is None else f"{qhead} → {qtail}: {text}"
    return text


def generic(option: LabelOption, typing: bool) -> str:
    """option (LabelOption): The option.
    typing (bool): Whether this is an entity type.
    RETURNS (str): The description with "e1"/"e2" (or "the entity") filled in.
    """
    return option.describe("the entity", "") if typing else option.describe("e1", "e2")


def none_statement(schema: Schema, pair: Pair) -> str:
    """schema (Schema): The schema.
    pair (Pair): The pair.
    RETURNS (str): The schema's "no relation" description, entities filled in.
    """
    head = f'"{pair.head.text}"'
    tail = f'"{pair.tail.text}"' if pair.tail is not None else ""
    return schema.no_relation_description.replace("{head}", head).replace("{tail}", tail)


def gold_options(doc: Doc, pair: Pair, schema: Schema, relations: Optional[List[Relation]] = None) -> Set[str]:
    """The options that are true for a pair according to gold relations.

    doc (Doc): The doc.
    pair (Pair): The pair as asked (see module docs).
    schema (Schema): The schema.
    relations (Optional[List[Relation]]): The gold relations; defaults to
        the doc's relations with source "gold".
    RETURNS (Set[str]): Option names; empty = no relation.
    """
    if relations is None:
        relations = get_relations(doc, source="gold")
    out: Set[str] = set()
    for rel in relations:
        if rel.label not in schema:
            continue
        if pair.tail is None:
            if rel.tail is None and pair_key(rel.head, None) == pair.key:
                out.add(schema.option_for(rel.label).name)
            continue
        if rel.tail is None:
            continue
        rk = pair_key(rel.head, rel.tail)
        if rk == pair.key:
            out.add(schema.option_for(rel.label, reverse=False).name)
        elif rk == pair_key(pair.tail, pair.head):
            if schema.expand_directions or not schema.get(rel.label).directed:
                out.add(schema.option_for(rel.label, reverse=True).name)
    return out


def option_relation(pair: Pair, option: LabelOption, score: Optional[float], source: str = "mined") -> Relation:
    """pair (Pair): The pair as asked.
    option (LabelOption): The chosen option.
    score (Optional[float]): The confidence, if known.
    source (str): The relation's source.
    RETURNS (Relation): The relation the option stands for on the pair.
    """
    head, tail = pair.head, pair.tail
    if option.reverse and tail is not None:
        head, tail = tail, head
    return Relation(head=head, tail=tail, label=option.label, score=score, source=source)


def pair_from_key(doc: Doc, key: List[int], pairs_by_key: Dict[PairKey, Pair]) -> Pair:
    """doc (Doc): The doc.
    key (List[int]): A pair key as stored in the mining record.
    pairs_by_key (Dict[PairKey, Pair]): Known pairs (to keep span labels).
    RETURNS (Pair): The pair.
    """
    k = tuple(int(x) for x in key)
    if k in pairs_by_key:
        return pairs_by_key[k]  # type: ignore[index]
    head = doc[k[0] : k[1]]
    tail = doc[k[2] : k[3]] if k[2] >= 0 else None
    return Pair(head, tail)
