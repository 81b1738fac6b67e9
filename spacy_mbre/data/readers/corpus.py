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

Reading and writing the files is in :mod:`.doc_files`, the reference and
predicted docs of an example in :mod:`.examples`.
"""
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, List, Optional, Union

from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import registry
from spacy.vocab import Vocab

from ...errors import ConfigError
from .common import WEIGHT_KEY
from .crossner import AUTO, read_crossner
from .doc_files import SUFFIXES, find_files, read_docs, write_docs
from .examples import filter_by_score, make_predicted
from .redocred import read_redocred
from .semeval import read_semeval


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


__all__ = [
    "SUFFIXES",
    "RelationCorpus",
    "Source",
    "create_corpus",
    "create_crossner_corpus",
    "create_redocred_corpus",
    "create_semeval_corpus",
    "filter_by_score",
    "find_files",
    "make_predicted",
    "read_docs",
    "write_docs",
]
