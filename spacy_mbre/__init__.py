"""spacy-mbre: mine relation-extraction training data with an LLM (M-BRe) and
train a transformer relation classifier, as spaCy components.

Importing the package registers the ``Doc._.relations`` and
``Doc._.candidate_pairs`` extensions; the components themselves are found by
spaCy through entry points, so pipelines load without importing this package.
"""
from .about import __version__
from .data.relations import (
    Pair,
    Relation,
    add_relations,
    get_pairs,
    get_relations,
    register_extensions,
    set_pairs,
    set_relations,
)
from .data.schema import LabelDef, LabelOption, Schema, load_schema
from .errors import ConfigError, DataError, MBReError, SchemaError

__all__ = [
    "__version__",
    "Pair",
    "Relation",
    "add_relations",
    "get_pairs",
    "get_relations",
    "register_extensions",
    "set_pairs",
    "set_relations",
    "LabelDef",
    "LabelOption",
    "Schema",
    "load_schema",
    "ConfigError",
    "DataError",
    "MBReError",
    "SchemaError",
]
