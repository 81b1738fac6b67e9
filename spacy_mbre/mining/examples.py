"""In-context examples for the mining prompts, drawn from few-shot gold docs.

Every candidate pair of the gold docs becomes a :class:`PairExample`: its
marked text, the entity texts, and the options that hold (none = no
relation). Draws are reproducible: each draw uses its own
``random.Random`` seeded from (seed, purpose, option or group), so the
examples for one label do not depend on which other labels were drawn first.
"""
import hashlib
import random
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from spacy.tokens import Doc

from ..data.relations import get_relations
from ..data.schema import Schema
from ..pairs.options import gold_options, mining_pairs
from .queries import marked_text


@dataclass(frozen=True)
class PairExample:
    """One gold pair shown as an in-context example.

    text (str): The context with the entities marked.
    head (str): The head (e1, or the typed span's) text.
    tail (Optional[str]): The tail (e2) text; None in typing mode.
    options (Tuple[str, ...]): The options that hold; empty = no relation.
    """

    text: str
    head: str
    tail: Optional[str]
    options: Tuple[str, ...]


def collect_examples(docs: Iterable[Doc], schema: Schema) -> List[PairExample]:
    """docs (Iterable[Doc]): Gold docs (relations with source "gold").
    schema (Schema): The schema.
    RETURNS (List[PairExample]): One example per candidate pair, in order.
    """
    out: List[PairExample] = []
    for doc in docs:
        gold = get_relations(doc, source="gold")
        for pair in mining_pairs(doc, schema):
            options = gold_options(doc, pair, schema, gold)
            out.append(
                PairExample(
                    text=marked_text(doc, pair),
                    head=pair.head.text,
                    tail=pair.tail.text if pair.tail is not None else None,
                    options=tuple(sorted(options)),
                )
            )
    return out


def _rng(seed: int, *parts: str) -> random.Random:
    digest = hashlib.sha256("\x1f".join([str(seed), *parts]).encode("utf8")).hexdigest()
    return random.Random(int(digest[:16], 16))


class ExamplePool:
    """Draws in-context examples reproducibly.

    examples (Sequence[PairExample]): All gold pair examples.
    seed (int): The seed of every draw.
    """

    def __init__(self, examples: Sequence[PairExample], seed: int = 0) -> None:
        self.examples = list(examples)
        self.seed = seed
        self._by_option: Dict[str, List[int]] = {}
        self._none: List[int] = []
        for i, eg in enumerate(self.examples):
            if not eg.options:
                self._none.append(i)
            for name in eg.options:
                self._by_option.setdefault(name, []).append(i)

    def __len__(self) -> int:
        return len(self.examples)

    def binary(
        self, option: str, n_pos: int = 3, n_neg: int = 4, hard_negatives: Sequence[str] = ()
    ) -> List[Tuple[PairExample, bool]]:
        """Examples for the binary question "does ``option`` hold?".

        option (str): The option name.
        n_pos (int): Positive examples (fewer if the gold has fewer).
        n_neg (int): Negative examples: first one example of each option in
            ``hard_negatives`` (e.g. the reverse direction), then pairs with
            other options or no relation, drawn at random.
        hard_negatives (Sequence[str]): Options whose examples are preferred
            as negatives.
        RETURNS (List[Tuple[PairExample, bool]]): Examples with their answer,
            shuffled (reproducibly) so positives and negatives interleave.
        """
        rng = _rng(self.seed, "binary", option)
        pos_ids = list(self._by_option.get(option, []))
        rng.shuffle(pos_ids)
        pos = pos_ids[:n_pos]
        neg: List[int] = []
        for hard in hard_negatives:
            ids = [i for i in self._by_option.get(hard, []) if option not in self.examples[i].options]
            if ids and len(neg) < n_neg:
                neg.append(ids[rng.randrange(len(ids))])
        others = [i for i in range(len(self.examples)) if option not in self.examples[i].options and i not in neg]
        rng.shuffle(others)
        neg.extend(others[: max(0, n_neg - len(neg))])
        chosen = [(self.examples[i], True) for i in pos] + [(self.examples[i], False) for i in neg]
        rng.shuffle(chosen)
        return chosen

    def multiclass(
        self, group: Sequence[str], n_per_option: int = 1, n_none: int = 1
    ) -> List[Tuple[PairExample, Optional[str]]]:
        """Examples for a multi-class question over one group of options.

        group (Sequence[str]): The group's option names.
        n_per_option (int): Examples per option of the group (if available).
        n_none (int): Examples whose answer is "none" (no option of the group
            holds: no relation, or a label of another group).
        RETURNS (List[Tuple[PairExample, Optional[str]]]): Examples with the
            group option they show (None for "none"), shuffled reproducibly.
        """
        rng = _rng(self.seed, "multiclass", *group)
        chosen: List[Tuple[PairExample, Optional[str]]] = []
        used = set()
        for name in group:
            ids = [i for i in self._by_option.get(name, []) if i not in used]
            rng.shuffle(ids)
            for i in ids[:n_per_option]:
                used.add(i)
                chosen.append((self.examples[i], name))
        in_group = set(group)
        none_ids = [
            i for i in range(len(self.examples)) if i not in used and not in_group & set(self.examples[i].options)
        ]
        rng.shuffle(none_ids)
        for i in none_ids[:n_none]:
            chosen.append((self.examples[i], None))
        rng.shuffle(chosen)
        return chosen
