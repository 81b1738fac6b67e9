"""``python -m spacy_mbre convert``: dataset files → DocBin or JSONL."""
from enum import Enum
from pathlib import Path
from typing import Callable, Dict, Iterable, Iterator, Optional

import typer
from spacy.tokens import Doc
from wasabi import Printer

from ..data.readers.common import ConversionStats, get_nlp
from ..data.readers.corpus import write_docs
from ..data.readers.crossner import AUTO, read_crossner
from ..data.readers.jsonl import CHARS, TOKENS, read_jsonl
from ..data.readers.pure import read_pure
from ..data.readers.redocred import read_redocred
from ..data.readers.semeval import read_semeval
from ..data.relations import get_pairs
from ..data.schema import Schema, load_schema
from ..errors import ConfigError
from ..pairs import PairCounts, store_candidate_pairs
from . import app


class Format(str, Enum):
    semeval = "semeval"
    redocred = "redocred"
    crossner = "crossner"
    pure = "pure"
    jsonl = "jsonl"


DEFAULT_SCHEMAS: Dict[Format, Optional[str]] = {
    Format.semeval: "semeval",
    Format.redocred: "redocred",
    Format.crossner: AUTO,
    Format.pure: None,
    Format.jsonl: None,
}


def read_docs(
    fmt: Format,
    input_path: Path,
    stats: ConversionStats,
    schema: Optional[str] = None,
    lang: str = "en",
    repair: bool = False,
    entity_schema: Optional[str] = None,
) -> Iterator[Doc]:
    """fmt (Format): The input format.
    input_path (Path): The input file.
    stats (ConversionStats): Filled with counts while reading.
    schema (Optional[str]): Schema path / shipped name; None for the
        format's default ("semeval", "redocred", "auto" for CrossNER, none for
        PURE and JSONL).
    lang (str): Language of the blank pipeline used for tokenisation.
    repair (bool): CrossNER: turn stray I- tags into entity starts.
    entity_schema (Optional[str]): PURE: schema whose labels are the allowed
        entity types (e.g. "scierc_entities"); None checks nothing.
    YIELDS (Doc): The converted docs.
    """
    nlp = get_nlp(None, lang)
    chosen = schema if schema is not None else DEFAULT_SCHEMAS[fmt]
    readers: Dict[Format, Callable[[], Iterable[Doc]]] = {
        Format.semeval: lambda: read_semeval(input_path, nlp, schema=chosen or "semeval", stats=stats),
        Format.redocred: lambda: read_redocred(input_path, nlp, schema=chosen, stats=stats),
        Format.crossner: lambda: read_crossner(input_path, nlp, schema=chosen, stats=stats, repair=repair),
        Format.pure: lambda: read_pure(input_path, nlp, schema=chosen, entity_schema=entity_schema, stats=stats),
        Format.jsonl: lambda: read_jsonl(input_path, nlp, schema=chosen, stats=stats),
    }
    yield from readers[fmt]()


def convert(
    fmt: Format,
    input_path: Path,
    output_path: Path,
    schema: Optional[str] = None,
    lang: str = "en",
    repair: bool = False,
    offsets: str = TOKENS,
    entity_schema: Optional[str] = None,
    pair_counts: Optional[PairCounts] = None,
) -> ConversionStats:
    """Convert a dataset file and write a .spacy DocBin or a .jsonl file.
    With a schema, docs that store no candidate pairs (JSONL without
    ``pairs``) get the schema's (:func:`spacy_mbre.pairs.candidate_pairs`:
    only pairs whose entity types some label allows).

    fmt (Format): The input format.
    input_path (Path): The input file.
    output_path (Path): Output ending in .spacy or .jsonl.
    schema (Optional[str]): See :func:`read_docs`.
    lang (str): Language of the blank pipeline used for tokenisation.
    repair (bool): CrossNER: turn stray I- tags into entity starts.
    offsets (str): JSONL output: "tokens" or "chars" offsets.
    entity_schema (Optional[str]): PURE: see :func:`read_docs`.
    pair_counts (Optional[PairCounts]): Filled with the candidate pairs under
        the schema, when one is given.
    RETURNS (ConversionStats): The counts.
    """
    if output_path.suffix not in (".spacy", ".jsonl"):
        raise ConfigError(f"Output must end in .spacy or .jsonl, got {output_path.name!r}.")
    if offsets not in (TOKENS, CHARS):
        raise ConfigError(f"--offsets must be 'tokens' or 'chars', got {offsets!r}.")
    stats = ConversionStats()
    docs = read_docs(fmt, input_path, stats, schema=schema, lang=lang, repair=repair, entity_schema=entity_schema)
    if schema is not None and schema != AUTO:
        docs = _with_schema_pairs(docs, load_schema(schema), stats, pair_counts)
    write_docs(docs, output_path, offsets=offsets)
    return stats


def _with_schema_pairs(
    docs: Iterable[Doc], schema: Schema, stats: ConversionStats, counts: Optional[PairCounts]
) -> Iterator[Doc]:
    counts = counts if counts is not None else PairCounts()
    for doc in docs:
        stored = len(get_pairs(doc))
        yield from store_candidate_pairs([doc], schema, counts)
        stats.add("candidate pairs", len(get_pairs(doc)) - stored)


@app.command("convert")
def convert_cli(
    fmt: Format = typer.Argument(..., help="Input format"),
    input_path: Path = typer.Argument(..., help="Input file", exists=True, dir_okay=False),
    output_path: Path = typer.Argument(..., help="Output file: .spacy (DocBin with user data) or .jsonl"),
    schema: Optional[str] = typer.Option(
        None,
        "--schema",
        "-s",
        help=(
            "Schema path or shipped name to check labels against; docs without stored pairs get its candidate pairs "
            "(only entity type pairs its labels allow) (default: semeval / redocred / crossner_<dir> / none for "
            "pure and jsonl; use scierc for SciERC)"
        ),
    ),
    lang: str = typer.Option("en", "--lang", "-l", help="Language of the tokenizer"),
    repair: bool = typer.Option(
        False, "--repair",
        help="CrossNER: start a new entity at a stray I- tag instead of failing",
    ),
    offsets: str = typer.Option(TOKENS, "--offsets", help="JSONL output offsets: tokens (exact round trip) or chars"),
    entity_schema: Optional[str] = typer.Option(
        None, "--entity-schema", help="PURE: schema whose labels are the allowed entity types (e.g. scierc_entities)"
    ),
) -> None:
    """Convert SemEval-2010 Task 8, Re-DocRED, CrossNER, PURE/DyGIE (SciERC,
    ACE) or JSONL data to a DocBin (.spacy) or JSONL file with entities, gold
    relations and candidate pairs, and print the counts."""
    msg = Printer()
    pair_counts = PairCounts()
    options = {"schema": schema, "lang": lang, "repair": repair, "offsets": offsets, "entity_schema": entity_schema}
    stats = convert(fmt, input_path, output_path, pair_counts=pair_counts, **options)
    msg.good(f"Wrote {stats.counts['docs']} docs to {output_path}")
    if schema is not None and schema != AUTO:
        pair_counts.report(msg, load_schema(schema))
    msg.table(stats.rows(), header=("Count", "Value"), divider=True, aligns=("l", "r"))
    if stats.labels:
        msg.table(stats.label_rows(), header=("Label", "Gold records"), divider=True, aligns=("l", "r"))
