"""Dataset readers / converters: SemEval-2010 Task 8, Re-DocRED, CrossNER,
PURE/DyGIE JSON (SciERC, ACE), generic JSONL, and the training corpus
readers. Every converter yields ``Doc`` objects carrying ``doc.ents``, gold
relations and candidate pairs in the shared data model (:mod:`spacy_mbre.data.relations`)."""
from .common import ID_KEY, META_KEY, WEIGHT_KEY, ConversionStats
from .corpus import RelationCorpus, Source, create_corpus, read_docs
from .crossner import read_crossner
from .jsonl import doc_to_record, read_jsonl, record_to_doc, write_jsonl
from .pure import read_pure
from .redocred import read_redocred
from .semeval import read_semeval

__all__ = [
    "ID_KEY",
    "META_KEY",
    "WEIGHT_KEY",
    "ConversionStats",
    "RelationCorpus",
    "Source",
    "create_corpus",
    "read_docs",
    "read_crossner",
    "read_jsonl",
    "record_to_doc",
    "doc_to_record",
    "write_jsonl",
    "read_pure",
    "read_redocred",
    "read_semeval",
]
