"""Corpus readers for ``spacy train``: gold plus mined (or synthetic) data.

``spacy-mbre.Corpus.v1`` reads one gold source and any number of extra
sources, each a DocBin (``.spacy``) or JSONL (``.jsonl``, see
:mod:`spacy_mbre.data.readers.jsonl`) file or a directory of them::

    [corpora.train]
    @readers = "spacy-mbre.Corpus.v1"
    path = "corpus/train.spacy"
    extra_paths = ["corpus/mined.jsonl"]
    extra_weights = [0.5]
    min_score = 0.5

Each yielded ``Example`` has

* a **reference** doc: the stored doc with its ents, gold relations
  (``doc._.relations``) and candidate pairs. Relations whose ``score`` is
  below ``min_score`` are removed (relations without a score, e.g. gold, are
  kept); with ``drop_filtered_pairs`` their pairs leave the candidate pairs
  too, so an uncertain label is not trained as "no relation".
  ``doc.user_data["mbre_weight"]`` holds the example's weight: the source's
  weight times any weight already stored on the doc (default 1.0). Trainable
  components read it to weight the example's loss.
* a **predicted** doc: ``nlp.make_doc(reference.text)`` when the pipeline's
  tokenizer gives the same tokens as the reference (otherwise, or with
  ``gold_preproc``, a doc with the reference's words and spaces), carrying a
  copy of the reference's ents, candidate pairs, ``mbre_id`` and
  ``mbre_meta`` but no relations. Tokens are always identical, so relation
  records and pairs share token offsets across the two docs.

Readers for the raw datasets, converted on the fly with the same example
construction, are registered too: ``spacy-mbre.SemEvalCorpus.v1``,
``spacy-mbre.ReDocREDCorpus.v1``, ``spacy-mbre.CrossNERCorpus.v1``.
"""
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, List, Optional, Union

from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span
from spacy.training import Example
from spacy.util import registry
from spacy.vocab import Vocab

from ...errors import ConfigError, DataError
from ..relations import Pair, get_pairs, get_relations, pair_key, set_pairs, set_relations
from .common import ID_KEY, META_KEY, WEIGHT_KEY
from .crossner import AUTO, read_crossner
from .jsonl import read_jsonl, write_jsonl
from .redocred import read_redocred
from .semeval import read_semeval

SUFFIXES = (".spacy", ".jsonl")


@dataclass(frozen=True)
class Source:
    """One input of a corpus.

    path (Path): A .spacy / .jsonl file or a directory of them.
    weight (float): Multiplies each example's ``mbre_weight``.
    min_score (Optional[float]): Drop relations scored below it (relations
        without a score are kept); None keeps all.
    """

    path: Path
    weight: float = 1.0
    min_score: Optional[float] = None


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


def filter_by_score(doc: Doc, min_score: Optional[float], drop_filtered_pairs: bool = True) -> int:
    """Remove relations scored below ``min_score`` from the doc.

    doc (Doc): The doc (changed in place).
    min_score (Optional[float]): The threshold; None keeps everything.
    drop_filtered_pairs (bool): Also remove the candidate pairs whose every
        relation was removed.
    RETURNS (int): The number of relations removed.
    """
    if min_score is None:
        return 0
    relations = get_relations(doc)
    kept = [r for r in relations if r.score is None or r.score >= min_score]
    if len(kept) == len(relations):
        return 0
    set_relations(doc, kept)
    if drop_filtered_pairs:
        kept_keys = {pair_key(r.head, r.tail) for r in kept}
        dropped = {pair_key(r.head, r.tail) for r in relations} - kept_keys
        set_pairs(doc, [p for p in get_pairs(doc) if p.key not in dropped])
    return len(relations) - len(kept)


def make_predicted(nlp: Language, reference: Doc, gold_preproc: bool = False) -> Doc:
    """nlp (Language): The pipeline being trained.
    reference (Doc): The reference doc.
    gold_preproc (bool): Always copy the reference's tokens instead of
        tokenizing its text.
    RETURNS (Doc): The doc the pipeline predicts on: same tokens as the
        reference, with its ents, candidate pairs, id and meta.
    """
    predicted = None
    if not gold_preproc and not reference.has_unknown_spaces:
        made = nlp.make_doc(reference.text)
        if len(made) == len(reference) and all(a.idx == b.idx and a.text == b.text for a, b in zip(made, reference)):
            predicted = made
    if predicted is None:
        predicted = Doc(nlp.vocab, words=[t.text for t in reference], spaces=[bool(t.whitespace_) for t in reference])
    predicted.ents = [Span(predicted, e.start, e.end, label=e.label_, kb_id=e.kb_id_) for e in reference.ents]

    def copy(span: Optional[Span]) -> Optional[Span]:
        return None if span is None else Span(predicted, span.start, span.end, label=span.label_)

    set_pairs(predicted, [Pair(copy(p.head), copy(p.tail)) for p in get_pairs(reference)])  # type: ignore[arg-type]
    for key in (ID_KEY, META_KEY):
        if key in reference.user_data:
            predicted.user_data[key] = reference.user_data[key]
    return predicted


class RelationCorpus:
    """Iterate ``Example``s from gold and extra sources (see module docs).

    sources (List[Source]): The inputs, gold first.
    drop_filtered_pairs (bool): Remove the pairs of score-filtered relations
        from the candidate pairs.
    gold_preproc (bool): Predicted docs copy the reference tokens instead of
        using ``nlp.make_doc``.
    max_length (int): Skip docs with more tokens; 0 for no limit.
    limit (int): Stop after this many examples; 0 for no limit.
    shuffle (bool): Shuffle the examples (all sources together) on each call.
    """

    def __init__(
        self,
        sources: List[Source],
        *,
        drop_filtered_pairs: bool = True,
        gold_preproc: bool = False,
        max_length: int = 0,
        limit: int = 0,
        shuffle: bool = False,
    ) -> None:
        if not sources:
            raise ConfigError("A corpus needs at least one source.")
        for source in sources:
            if source.weight < 0:
                raise ConfigError(f"Source weights must be >= 0, got {source.weight} for {source.path}.")
        self.sources = sources
        self.drop_filtered_pairs = drop_filtered_pairs
        self.gold_preproc = gold_preproc
        self.max_length = max_length
        self.limit = limit
        self.shuffle = shuffle

    def load(self, nlp: Language, source: Source) -> Iterable[Doc]:
        """nlp (Language): The current pipeline.
        source (Source): The source to read.
        YIELDS (Doc): Its reference docs.
        """
        return read_docs(source.path, nlp)

    def reference_docs(self, nlp: Language) -> Iterator[Doc]:
        """nlp (Language): The current pipeline.
        YIELDS (Doc): Reference docs of all sources, filtered and weighted.
        """
        for source in self.sources:
            for doc in self.load(nlp, source):
                if len(doc) == 0 or (self.max_length and len(doc) > self.max_length):
                    continue
                filter_by_score(doc, source.min_score, self.drop_filtered_pairs)
                doc.user_data[WEIGHT_KEY] = float(doc.user_data.get(WEIGHT_KEY, 1.0)) * source.weight
                yield doc

    def __call__(self, nlp: Language) -> Iterator[Example]:
        """nlp (Language): The current pipeline.
        YIELDS (Example): The examples.
        """
        docs: Iterable[Doc] = self.reference_docs(nlp)
        if self.shuffle:
            docs = list(docs)
            random.shuffle(docs)  # type: ignore[arg-type]
        for i, reference in enumerate(docs):
            if self.limit and i >= self.limit:
                break
            yield Example(make_predicted(nlp, reference, self.gold_preproc), reference)


class _ConverterCorpus(RelationCorpus):
    """A corpus reading raw dataset files through a converter."""

    def __init__(self, path: Union[str, Path], convert: Callable[[Path, Vocab], Iterable[Doc]], **kwargs) -> None:
        super().__init__([Source(Path(path))], **kwargs)
        self.convert = convert

    def load(self, nlp: Language, source: Source) -> Iterable[Doc]:
        return self.convert(source.path, nlp.vocab)


@registry.readers("spacy-mbre.Corpus.v1")
def create_corpus(
    path: Union[str, Path],
    extra_paths: List[str] = [],
    weight: float = 1.0,
    extra_weights: List[float] = [],
    min_score: Optional[float] = None,
    drop_filtered_pairs: bool = True,
    gold_preproc: bool = False,
    max_length: int = 0,
    limit: int = 0,
    shuffle: bool = False,
) -> RelationCorpus:
    """Registered reader: gold data plus extra (e.g. mined) data.

    path (Union[str, Path]): Gold .spacy / .jsonl file or directory.
    extra_paths (List[str]): More sources, e.g. mined data.
    weight (float): Weight of the gold examples.
    extra_weights (List[float]): One weight per extra path; empty = all 1.0.
    min_score (Optional[float]): Drop relations scored below it in every
        source (unscored relations are kept).
    drop_filtered_pairs (bool): Also drop the candidate pairs of dropped
        relations instead of training them as "no relation".
    gold_preproc (bool): Predicted docs copy the reference tokens.
    max_length (int): Skip docs with more tokens; 0 for no limit.
    limit (int): Stop after this many examples; 0 for no limit.
    shuffle (bool): Shuffle the examples on each pass.
    RETURNS (RelationCorpus): The corpus.
    """
    if extra_weights and len(extra_weights) != len(extra_paths):
        raise ConfigError(f"extra_weights has {len(extra_weights)} values for {len(extra_paths)} extra_paths.")
    weights = list(extra_weights) or [1.0] * len(extra_paths)
    sources = [Source(Path(path), weight, min_score)]
    sources += [Source(Path(p), w, min_score) for p, w in zip(extra_paths, weights)]
    return RelationCorpus(
        sources,
        drop_filtered_pairs=drop_filtered_pairs,
        gold_preproc=gold_preproc,
        max_length=max_length,
        limit=limit,
        shuffle=shuffle,
    )


@registry.readers("spacy-mbre.SemEvalCorpus.v1")
def create_semeval_corpus(path: Union[str, Path], limit: int = 0, shuffle: bool = False) -> RelationCorpus:
    """Registered reader: a SemEval-2010 Task 8 file, converted on the fly.

    path (Union[str, Path]): TRAIN_FILE.TXT or TEST_FILE_FULL.TXT.
    limit (int): Stop after this many examples; 0 for no limit.
    shuffle (bool): Shuffle the examples on each pass.
    RETURNS (RelationCorpus): The corpus.
    """
    return _ConverterCorpus(path, lambda p, vocab: read_semeval(p, vocab), limit=limit, shuffle=shuffle)


@registry.readers("spacy-mbre.ReDocREDCorpus.v1")
def create_redocred_corpus(path: Union[str, Path], limit: int = 0, shuffle: bool = False) -> RelationCorpus:
    """Registered reader: a Re-DocRED JSON file as sentence-level examples.

    path (Union[str, Path]): E.g. dev_revised.json.
    limit (int): Stop after this many examples; 0 for no limit.
    shuffle (bool): Shuffle the examples on each pass.
    RETURNS (RelationCorpus): The corpus.
    """
    return _ConverterCorpus(path, lambda p, vocab: read_redocred(p, vocab), limit=limit, shuffle=shuffle)


@registry.readers("spacy-mbre.CrossNERCorpus.v1")
def create_crossner_corpus(
    path: Union[str, Path], schema: Optional[str] = AUTO, limit: int = 0, shuffle: bool = False
) -> RelationCorpus:
    """Registered reader: a CrossNER BIO file for the typing mode.

    path (Union[str, Path]): E.g. crossner/ai/train.txt.
    schema (Optional[str]): Types are checked against it; "auto" picks the
        shipped ``crossner_<directory>`` schema; None checks nothing.
    limit (int): Stop after this many examples; 0 for no limit.
    shuffle (bool): Shuffle the examples on each pass.
    RETURNS (RelationCorpus): The corpus.
    """
    return _ConverterCorpus(path, lambda p, vocab: read_crossner(p, vocab, schema=schema), limit=limit, shuffle=shuffle)
