"""From a stored doc to a training ``Example``: relations filtered by score (the
reference) and the doc the pipeline predicts on (see :mod:`.corpus`)."""

from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..relations import Pair, get_pairs, get_relations, pair_key, set_pairs, set_relations
from .common import ID_KEY, META_KEY


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
