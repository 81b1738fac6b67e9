"""Doc files: DocBin (``.spacy``, with user data) and JSONL (``.jsonl``) files,
or directories of them, read and written the same way everywhere."""

from pathlib import Path
from typing import Any, Iterable, Iterator, List, Union

from spacy.language import Language
from spacy.tokens import Doc, DocBin
from spacy.vocab import Vocab

from ...errors import ConfigError, DataError
from .jsonl import read_jsonl, write_jsonl

SUFFIXES = (".spacy", ".jsonl")


def find_files(path: Union[str, Path]) -> List[Path]:
    """path (Union[str, Path]): A .spacy / .jsonl file or a directory.
    RETURNS (List[Path]): The data files, sorted. Raises DataError if none.
    """
    path = Path(path)
    if path.is_file():
        if path.suffix not in SUFFIXES:
            raise DataError(path, None, f"unsupported corpus file type {path.suffix!r}: use .spacy or .jsonl")
        return [path]
    if path.is_dir():
        files = sorted(
            p for p in path.rglob("*") if p.is_file() and p.suffix in SUFFIXES and not p.name.startswith(".")
        )
        if files:
            return files
        raise DataError(path, None, "directory holds no .spacy or .jsonl files")
    raise DataError(path, None, "file not found")


def read_docs(path: Union[str, Path], nlp: Union[Language, Vocab]) -> Iterator[Doc]:
    """path (Union[str, Path]): A .spacy / .jsonl file or a directory of them.
    nlp (Union[Language, Vocab]): Pipeline (its tokenizer splits JSONL text)
        or vocab for the docs.
    YIELDS (Doc): The stored docs (DocBins must keep user data).
    """
    for file_path in find_files(path):
        if file_path.suffix == ".jsonl":
            yield from read_jsonl(file_path, nlp)
        else:
            try:
                doc_bin = DocBin(store_user_data=True).from_disk(file_path)
            except Exception as err:  # msgpack / zlib errors have no common base
                raise DataError(file_path, None, f"not a readable DocBin: {err}") from None
            yield from doc_bin.get_docs(nlp.vocab if isinstance(nlp, Language) else nlp)


def write_docs(docs: Iterable[Doc], path: Union[str, Path], **jsonl_options: Any) -> None:
    """Write docs to a .spacy (DocBin with user data, so relation records,
    candidate pairs and soft labels survive) or .jsonl file, creating its
    directory.

    docs (Iterable[Doc]): The docs, in order.
    path (Union[str, Path]): The output file.
    jsonl_options (Any): Passed to ``write_jsonl`` for a .jsonl file (``offsets``).
    RAISES (ConfigError): The suffix is neither .spacy nor .jsonl.
    """
    path = Path(path)
    if path.suffix not in SUFFIXES:
        raise ConfigError(f"Output must end in .spacy or .jsonl, got {path.name!r}.")
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".jsonl":
        write_jsonl(docs, path, **jsonl_options)
    else:
        doc_bin = DocBin(store_user_data=True)
        for doc in docs:
            doc_bin.add(doc)
        doc_bin.to_disk(path)
