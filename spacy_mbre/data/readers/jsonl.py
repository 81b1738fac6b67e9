"""Generic JSONL import / export of docs with entities, relations and pairs.

One JSON object per line (blank lines are skipped)::

    {"id": "s1",
     "text": "Marie Curie was born in Warsaw.",
     "entities": [{"start": 0, "end": 11, "label": "PER"},
                  {"start": 24, "end": 30, "label": "LOC"}],
     "relations": [{"head": 0, "tail": 1, "label": "P19",
                    "score": 0.93, "source": "mined", "meta": {"strategy": "mbre"}}],
     "pairs": [[0, 1], [1, 0]],
     "weight": 0.5,
     "meta": {"origin": "wiki"}}

Fields:

* ``text`` (str) **or** ``tokens`` (list of str), one is required.
  ``spaces`` (list of bool, optional with ``tokens``): whether each token is
  followed by a space; all true if absent. With ``tokens`` the doc has exactly
  those tokens; a ``text`` given as well must equal the text they rebuild.
  Without ``tokens``, ``text`` is split by the pipeline's tokenizer.
* ``entities`` (list, optional): spans, ``{"start", "end", "label"}``, end
  exclusive. Offsets are **token indices when** ``tokens`` **is given, and
  character offsets otherwise** (they must fall on token boundaries unless
  another ``alignment_mode`` is chosen). Optional ``kb_id`` (str). Optional
  ``ent`` (bool, default true): false for a span that is only referred to by
  relations or pairs and is not part of ``doc.ents`` (e.g. it overlaps one).
  Spans with ``ent`` true must not overlap.
* ``relations`` (list, optional): ``head`` (entity index), ``tail`` (entity
  index, or null for an entity type in the typing mode), ``label``, and
  optionally ``score`` (number or null), ``source`` (default ``"gold"``) and
  ``meta`` (object). No record for a pair means no relation.
* ``pairs`` (list, optional): candidate pairs as ``[head index, tail index]``
  or ``[index, null]`` (typing mode). Absent means no candidate pairs stored.
* ``id`` (str) → ``doc.user_data["mbre_id"]``; ``weight`` (number) →
  ``doc.user_data["mbre_weight"]``; ``meta`` (object) →
  ``doc.user_data["mbre_meta"]``. Other keys are an error.

:func:`write_jsonl` writes everything the data model holds (``doc.ents`` with
kb ids, every relation with score/source/meta, the candidate pairs, id,
weight, meta) so that reading the file back gives the same docs. Other
``doc.user_data`` keys are not exported. Every problem raises
:class:`DataError` naming the file and line.

Reading a record is in :mod:`.jsonl_parse`, writing in :mod:`.jsonl_write`.
"""
from pathlib import Path
from typing import Iterator, Optional, Union

from spacy.tokens import Doc

from ...errors import DataError
from ..relations import get_pairs, get_relations
from ..schema import Schema, load_schema
from .common import ConversionStats, NlpOrVocab, get_nlp, json_lines
from .jsonl_parse import ENTITY_KEYS, KEYS, RELATION_KEYS, RecordError, record_to_doc
from .jsonl_write import CHARS, TOKENS, doc_to_record, write_jsonl


def read_jsonl(
    path: Union[str, Path],
    nlp: NlpOrVocab = None,
    schema: Optional[Union[str, Path, Schema]] = None,
    stats: Optional[ConversionStats] = None,
    alignment_mode: str = "strict",
) -> Iterator[Doc]:
    """Read docs from a JSONL file in the format of the module docs.

    path (Union[str, Path]): The file.
    nlp (Union[Language, Vocab, None]): Pipeline (its tokenizer splits
        ``text``) or vocab; a blank English pipeline by default.
    schema (Optional[Union[str, Path, Schema]]): Relation labels (types in
        the typing mode) are checked against it; None checks nothing.
    stats (Optional[ConversionStats]): Filled with counts while reading.
    alignment_mode (str): How character offsets that are not on token
        boundaries are handled: "strict" (error), "contract" or "expand", as in
        ``Doc.char_span``.
    YIELDS (Doc): One doc per non-blank line.
    """
    path = Path(path)
    nlp = get_nlp(nlp)
    known = load_schema(schema) if schema is not None else None
    stats = stats if stats is not None else ConversionStats()
    for line_no, data in json_lines(path):
        try:
            doc = record_to_doc(data, nlp, schema=known, alignment_mode=alignment_mode)
        except RecordError as err:
            raise DataError(path, line_no, str(err)) from None
        _count(doc, stats)
        yield doc


def _count(doc: Doc, stats: ConversionStats) -> None:
    relations = get_relations(doc)
    stats.add("docs")
    stats.add("entities", len(doc.ents))
    stats.add("candidate pairs", len(get_pairs(doc)))
    stats.add("relation records", len(relations))
    for rel in relations:
        stats.labels[rel.label] += 1


__all__ = [
    "CHARS",
    "ENTITY_KEYS",
    "KEYS",
    "RELATION_KEYS",
    "TOKENS",
    "doc_to_record",
    "read_jsonl",
    "record_to_doc",
    "write_jsonl",
]
