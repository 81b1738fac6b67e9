"""The ``mbre_pairs`` component: candidate (head, tail) pairs on the Doc."""
from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc

from ..data.relations import set_pairs
from ..data.schema import RELATION, load_schema
from .generate import PairSettings, generate_pairs

DEFAULT_CONFIG = {
    "mode": RELATION,
    "spans_key": None,
    "both_directions": True,
    "max_distance": None,
    "same_sentence": True,
    "schema": None,
    "max_pairs": 1000,
}


@Language.factory(
    "mbre_pairs",
    default_config=DEFAULT_CONFIG,
    assigns=["doc._.candidate_pairs"],
    requires=["doc.ents"],
)
def make_pairs(
    nlp: Language,
    name: str,
    mode: str,
    spans_key: Optional[str],
    both_directions: bool,
    max_distance: Optional[int],
    same_sentence: bool,
    schema: Optional[str],
    max_pairs: Optional[int],
) -> "EntityPairGenerator":
    """Create the ``mbre_pairs`` component.

    mode (str): "relation" for (head, tail) pairs; "typing" for single spans.
    spans_key (Optional[str]): Read spans from ``doc.spans[spans_key]``
        instead of ``doc.ents``.
    both_directions (bool): Emit both (a, b) and (b, a).
    max_distance (Optional[int]): Max tokens between the spans; None = any.
    same_sentence (bool): Only pair spans within one sentence.
    schema (Optional[str]): A schema path or shipped name whose allowed
        (head type, tail type) pairs filter the candidates.
    max_pairs (Optional[int]): Max pairs per doc; more are cut with a warning.
    RETURNS (EntityPairGenerator): The component.
    """
    allowed = load_schema(schema).allowed_type_pairs() if schema else None
    settings = PairSettings(
        mode=mode,
        spans_key=spans_key,
        both_directions=both_directions,
        max_distance=max_distance,
        same_sentence=same_sentence,
        allowed_types=allowed,
        max_pairs=max_pairs,
    )
    return EntityPairGenerator(name, settings)


class EntityPairGenerator:
    """Writes candidate pairs to ``doc._.candidate_pairs``; existing pairs
    are replaced."""

    def __init__(self, name: str, settings: PairSettings) -> None:
        """name (str): The component name.
        settings (PairSettings): How pairs are generated.
        """
        self.name = name
        self.settings = settings

    def __call__(self, doc: Doc) -> Doc:
        """doc (Doc): The doc.
        RETURNS (Doc): The doc, with candidate pairs set.
        """
        set_pairs(doc, generate_pairs(doc, self.settings))
        return doc
