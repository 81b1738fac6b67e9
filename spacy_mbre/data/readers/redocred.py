"""Re-DocRED / DocRED (``dev_revised.json``) → sentence-level Docs.

Each document sentence becomes one ``Doc`` (words from ``sents``):

* ``doc.ents``: the entity mentions (``vertexSet``) of that sentence, labelled
  with their type (PER, ORG, LOC, TIME, NUM, MISC); ``ent.kb_id_`` is the
  entity's index in the document's ``vertexSet``. A span listed more than once
  (by one entity, or rarely by two) is kept once. Overlapping mentions cannot
  all be ``doc.ents``: :func:`spacy.util.filter_spans` keeps the longest
  (then the earliest) and the others are dropped, with their pairs; the
  counts ``duplicate mentions merged`` / ``overlapping mentions dropped`` say
  how many.
* ``doc._.candidate_pairs``: every ordered pair (both directions) of kept
  mentions that belong to different entities.
* ``doc._.relations``: a document triple (h, t, r) labels every (mention of h,
  mention of t) pair inside the sentence with ``Relation(label=r,
  source="gold")``. Pairs without a record are "no relation". Triples whose
  entities never share a sentence cannot be represented at sentence level and
  are only counted (``cross-sentence triples``). On ``dev_revised.json``:
  7,982 of 17,284 triples have both entities in one sentence; 22 of those
  only through a mention dropped as overlapping, so 7,960 label at least one
  pair (9,939 relation records on 7,803 distinct pairs, 49,860 candidates).
* ``doc.user_data["mbre_id"]``: ``"<doc index>:<sentence index>"``;
  ``doc.user_data["mbre_meta"]``: ``{"title", "doc", "sent"}``.

Sentences without any mention are skipped unless ``keep_empty`` is set.
Malformed JSON, missing keys, out-of-range mention offsets or entity indices
and relation ids unknown to the schema raise :class:`DataError`.
"""
from collections import defaultdict
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Set, Tuple, Union

from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ...errors import DataError
from ..relations import Pair, Relation, set_pairs, set_relations
from ..schema import Schema, load_schema
from .common import ID_KEY, META_KEY, ConversionStats, NlpOrVocab, get_vocab, json_file


def read_redocred(
    path: Union[str, Path],
    nlp: NlpOrVocab = None,
    schema: Optional[Union[str, Path, Schema]] = "redocred",
    stats: Optional[ConversionStats] = None,
    keep_empty: bool = False,
) -> Iterator[Doc]:
    """Read a Re-DocRED (or DocRED) JSON file as sentence-level docs.

    path (Union[str, Path]): The JSON file (a list of documents).
    nlp (Union[Language, Vocab, None]): Pipeline or vocab for the docs.
    schema (Optional[Union[str, Path, Schema]]): Relation ids are checked
        against it; None accepts any id.
    stats (Optional[ConversionStats]): Filled with counts while reading.
    keep_empty (bool): Also yield sentences without entity mentions.
    YIELDS (Doc): One doc per sentence.
    """
    path = Path(path)
    vocab = get_vocab(nlp)
    known = load_schema(schema) if schema is not None else None
    stats = stats if stats is not None else ConversionStats()
    data = json_file(path)
    if not isinstance(data, list):
        raise DataError(path, None, f"expected a list of documents, got {type(data).__name__}")
    for doc_index, document in enumerate(data):
        yield from _convert_document(document, doc_index, vocab, known, stats, path, keep_empty)


def _convert_document(
    document: Any,
    doc_index: int,
    vocab,
    schema: Optional[Schema],
    stats: ConversionStats,
    path: Path,
    keep_empty: bool,
) -> Iterator[Doc]:
    where = f"document {doc_index}"
    if not isinstance(document, dict) or not all(k in document for k in ("sents", "vertexSet")):
        raise DataError(path, None, f"{where}: expected an object with 'sents' and 'vertexSet'")
    title = str(document.get("title", ""))
    sents: List[List[str]] = document["sents"]
    entities: List[List[Dict[str, Any]]] = document["vertexSet"]
    stats.add("documents")
    # (sentence, start, end) -> (type, set of entity indices)
    mentions: Dict[int, Dict[Tuple[int, int], Tuple[str, Set[int]]]] = defaultdict(dict)
    for ent_index, entity in enumerate(entities):
        for m_index, mention in enumerate(entity):
            loc = f"{where} ({title!r}), vertexSet[{ent_index}][{m_index}]"
            try:
                sent_id = int(mention["sent_id"])
                start, end = (int(x) for x in mention["pos"])
                label = str(mention["type"])
            except (KeyError, TypeError, ValueError):
                raise DataError(
                    path, None, f"{loc}: a mention needs 'sent_id', 'pos' [start, end] and 'type'"
                ) from None
            if not 0 <= sent_id < len(sents) or not 0 <= start < end <= len(sents[sent_id]):
                raise DataError(path, None, f"{loc}: span {start}-{end} in sentence {sent_id} is out of range")
            stats.add("mentions")
            key = (start, end)
            if key in mentions[sent_id]:
                stats.add("duplicate mentions merged")
                mentions[sent_id][key][1].add(ent_index)
            else:
                mentions[sent_id][key] = (label, {ent_index})
    triples = _read_triples(document, len(entities), schema, stats, path, where)
    labelled_triples: Set[int] = set()
    for sent_id, words in enumerate(sents):
        doc = _convert_sentence(words, sent_id, mentions.get(sent_id, {}), triples, labelled_triples, vocab, stats)
        if doc is None:
            stats.add("sentences without mentions")
            if keep_empty:
                doc = Doc(vocab, words=words)
            else:
                continue
        doc.user_data[ID_KEY] = f"{doc_index}:{sent_id}"
        doc.user_data[META_KEY] = {"title": title, "doc": doc_index, "sent": sent_id}
        stats.add("docs")
        yield doc
    stats.add("in-sentence triples", len(labelled_triples))
    stats.add("cross-sentence triples", len(triples) - len(labelled_triples))


def _read_triples(
    document: Dict[str, Any], n_entities: int, schema: Optional[Schema], stats: ConversionStats, path: Path, where: str
) -> List[Tuple[int, int, str]]:
    triples = []
    for i, triple in enumerate(document.get("labels", [])):
        try:
            head, tail, label = int(triple["h"]), int(triple["t"]), str(triple["r"])
        except (KeyError, TypeError, ValueError):
            raise DataError(path, None, f"{where}, labels[{i}]: a triple needs 'h', 't' and 'r'") from None
        if not (0 <= head < n_entities and 0 <= tail < n_entities):
            raise DataError(
                path, None, f"{where}, labels[{i}]: entity index out of range ({head}, {tail}; {n_entities} entities)"
            )
        if schema is not None and label not in schema:
            raise DataError(path, None, f"{where}, labels[{i}]: unknown relation {label!r} for schema {schema.name!r}")
        triples.append((head, tail, label))
    stats.add("triples", len(triples))
    return triples


def _convert_sentence(
    words: List[str],
    sent_id: int,
    mentions: Dict[Tuple[int, int], Tuple[str, Set[int]]],
    triples: List[Tuple[int, int, str]],
    labelled_triples: Set[int],
    vocab,
    stats: ConversionStats,
) -> Optional[Doc]:
    if not mentions:
        return None
    doc = Doc(vocab, words=words)
    spans = [
        Span(doc, start, end, label=label, kb_id=str(min(ents)))
        for (start, end), (label, ents) in sorted(mentions.items())
    ]
    kept = sorted(filter_spans(spans), key=lambda s: (s.start, s.end))
    stats.add("overlapping mentions dropped", len(spans) - len(kept))
    doc.ents = kept
    stats.add("entities (kept mentions)", len(kept))
    owners = [mentions[(span.start, span.end)][1] for span in kept]
    pairs = []
    for i, head in enumerate(kept):
        for j, tail in enumerate(kept):
            # Mentions of different entities (a span shared by two entities
            # pairs with the other entity's mentions).
            if i != j and any(a != b for a in owners[i] for b in owners[j]):
                pairs.append(Pair(head, tail))
    set_pairs(doc, pairs)
    stats.add("candidate pairs", len(pairs))
    relations = []
    for t_index, (h, t, label) in enumerate(triples):
        for i, head in enumerate(kept):
            if h not in owners[i]:
                continue
            for j, tail in enumerate(kept):
                if i != j and t in owners[j]:
                    relations.append(Relation(head=head, tail=tail, label=label, source="gold"))
                    labelled_triples.add(t_index)
    set_relations(doc, relations)  # a repeated (pair, label) is stored once
    records = doc.user_data["mbre"]["relations"]
    for record in records:
        stats.labels[record["label"]] += 1
    stats.add("relation records", len(records))
    stats.add("labelled pairs", len({(*r["head"][:2], *r["tail"][:2]) for r in records}))
    return doc
