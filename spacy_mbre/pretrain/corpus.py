"""Read every pre-training corpus into :class:`~.samples.PretrainSample`\\ s:
relation corpora (gold, mined, schema-constrained synthetic), unlabelled
corpora (unconditional synthetic pools) and explanation corpora."""
from collections import Counter
from pathlib import Path
from typing import Dict, List, Sequence

import spacy

from ..data.readers.corpus import read_docs
from ..errors import DataError
from .explanations import read_explanations
from .samples import PretrainSample, samples_from_docs


def load_samples(
    corpora: Sequence[Path] = (), unlabelled: Sequence[Path] = (), explanations: Sequence[Path] = ()
) -> List[PretrainSample]:
    """corpora (Sequence[Path]): Labelled relation corpora (.spacy / .jsonl
        files or directories): pairs without a record hold no relation.
    unlabelled (Sequence[Path]): Corpora whose pairs carry no labels.
    explanations (Sequence[Path]): explanations.jsonl files (``explain``).
    RETURNS (List[PretrainSample]): All samples, corpus by corpus, in order;
        each sample's source is its file or directory name.
    RAISES (DataError): A file is missing or malformed.
    """
    nlp = spacy.blank("en")
    out: List[PretrainSample] = []
    for paths, labelled in ((corpora, True), (unlabelled, False)):
        for path in paths:
            if not Path(path).exists():
                raise DataError(path, None, "no such file or directory")
            out.extend(samples_from_docs(read_docs(path, nlp), Path(path).name, labelled=labelled))
    for path in explanations:
        out.extend(e.to_sample(Path(path).name) for e in read_explanations(path))
    return out


def count_sources(samples: Sequence[PretrainSample]) -> Dict[str, int]:
    """samples (Sequence[PretrainSample]): The samples.
    RETURNS (Dict[str, int]): Samples per source, in first-seen order.
    """
    return dict(Counter(s.source for s in samples))
