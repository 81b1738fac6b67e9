"""Writing review files and reading reviewed ones back, for every format."""
from enum import Enum
from itertools import count
from pathlib import Path
from typing import Iterable, Iterator, List, Optional, Tuple, Union

import srsly
from spacy.language import Language
from spacy.tokens import Doc

from ..data.readers.common import NlpOrVocab, get_nlp, json_lines
from ..errors import ConfigError, DataError
from . import doccano, prodigy
from .common import REJECT_MODES, REJECT_NEGATIVE, ReviewedTask, ReviewStats, TaskError, gold_doc, shown_relations


class ReviewFormat(str, Enum):
    """The annotation tools' file formats."""

    prodigy = "prodigy"
    doccano = "doccano"


def export_review(
    docs: Iterable[Doc],
    path: Union[str, Path],
    fmt: Union[str, ReviewFormat],
    source: str = "mined",
    skip_empty: bool = False,
) -> int:
    """Write docs as review tasks, one JSON object per line.

    docs (Iterable[Doc]): The docs, e.g. a mined DocBin.
    path (Union[str, Path]): The .jsonl file; its directory is created.
    fmt (Union[str, ReviewFormat]): "prodigy" (``rel.manual`` tasks) or
        "doccano" (relation JSONL).
    source (str): The record source shown for review.
    skip_empty (bool): Leave out docs without a relation of that source.
    RETURNS (int): The number of tasks written.
    """
    fmt = _format(fmt)
    ids = count()
    tasks = []
    for doc in docs:
        if skip_empty and not shown_relations(doc, source):
            continue
        if fmt == ReviewFormat.prodigy:
            tasks.append(prodigy.doc_to_task(doc, source))
        else:
            tasks.append(doccano.doc_to_task(doc, source, ids=ids))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    srsly.write_jsonl(path, tasks)
    return len(tasks)


def read_review(
    path: Union[str, Path], fmt: Union[str, ReviewFormat], nlp: NlpOrVocab = None
) -> Iterator[ReviewedTask]:
    """Read a reviewed file.

    path (Union[str, Path]): The JSONL file (Prodigy: ``prodigy db-out``;
        doccano: the project's JSONL export).
    fmt (Union[str, ReviewFormat]): "prodigy" or "doccano".
    nlp (Union[Language, Vocab, None]): The tokenizer of doccano's texts (a
        blank English pipeline by default; use the one the docs were made
        with). Prodigy tasks carry their tokens.
    YIELDS (ReviewedTask): One task per non-blank line. Problems raise
        DataError naming the file and line.
    """
    fmt = _format(fmt)
    path = Path(path)
    pipeline: Language = get_nlp(nlp)
    for line_no, data in json_lines(path):
        try:
            if fmt == ReviewFormat.prodigy:
                yield prodigy.task_to_reviewed(data, pipeline.vocab)
            else:
                yield doccano.task_to_reviewed(data, pipeline)
        except TaskError as err:
            raise DataError(path, line_no, str(err)) from None


def import_review(
    path: Union[str, Path],
    fmt: Union[str, ReviewFormat],
    nlp: NlpOrVocab = None,
    rejected: str = REJECT_NEGATIVE,
    stats: Optional[ReviewStats] = None,
) -> Tuple[List[Doc], ReviewStats]:
    """Read a reviewed file back as gold docs: the relations kept by the
    reviewer become ``source="gold"`` records (``meta["review"]``: "accepted",
    "relabelled" or "added"), the rejected ones leave their pair as a
    candidate pair without a record ("no relation").

    path (Union[str, Path]): The reviewed JSONL file.
    fmt (Union[str, ReviewFormat]): "prodigy" or "doccano".
    nlp (Union[Language, Vocab, None]): See :func:`read_review`.
    rejected (str): Prodigy tasks answered "reject": "negative" keeps the doc
        with its shown relations as "no relation", "drop" leaves it out.
    stats (Optional[ReviewStats]): Counts are added here.
    RETURNS (Tuple[List[Doc], ReviewStats]): The gold docs and the counts.
    """
    if rejected not in REJECT_MODES:
        raise ConfigError(f"rejected must be one of {list(REJECT_MODES)}, got {rejected!r}.")
    stats = stats if stats is not None else ReviewStats()
    docs = [gold_doc(task, rejected, stats) for task in read_review(path, fmt, nlp)]
    return [doc for doc in docs if doc is not None], stats


def _format(fmt: Union[str, ReviewFormat]) -> ReviewFormat:
    try:
        return ReviewFormat(fmt)
    except ValueError:
        raise ConfigError(f"Unknown review format {fmt!r}: use {[f.value for f in ReviewFormat]}.") from None
