"""Relation / entity-type schemas.

A schema file (JSON or YAML) lists the labels a task knows, each with a
one-line plain-language description (used for grouping and prompts), whether
it is directed, and optional allowed (head type, tail type) pairs::

    name: semeval2010_task8
    kind: relation            # or "typing"
    no_relation: Other        # the dataset's "no relation" label
    no_relation_description: none of the relations above holds
    expand_directions: true   # see below
    labels:
      - name: Cause-Effect
        description: "{head} causes or produces {tail}"
        directed: true
        types: []             # [[head type, tail type], ...]; empty = any

``{head}`` and ``{tail}`` in a description are filled with the entity texts
in prompts (and with "e1"/"e2" for grouping).

**Options.** What a classifier or an LLM chooses between is an *option*. With
``expand_directions: false`` (Re-DocRED) the options are the labels, and a
pair is asked in both orders. With ``expand_directions: true`` (SemEval) a
pair is asked once, in text order, and each directed label gives two options,
``Label(e1,e2)`` and ``Label(e2,e1)``; choosing the second stores the relation
``Label`` with head and tail swapped. So SemEval's 9 directed labels give the
18 directional options of the official task (19 with Other).

This module holds :class:`Schema` and finds the shipped schemas; its labels
and options are in :mod:`.schema_labels`, reading, checking and writing
schema files in :mod:`.schema_files`.
"""
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Set, Tuple, Union

from ..errors import SchemaError
from .schema_files import parse_schema, read_schema_file, schema_to_dict, write_schema_file
from .schema_labels import RELATION, TYPING, LabelDef, LabelOption


@dataclass
class Schema:
    """A set of relation labels or entity types.

    name (str): The schema's name.
    labels (List[LabelDef]): The labels, "no relation" excluded.
    kind (str): "relation" or "typing".
    no_relation (str): The dataset's name for "no relation" (or "no type").
    no_relation_description (str): Its description for prompts.
    expand_directions (bool): Offer both directions of each directed label as
        options of one text-ordered pair (see module docs).
    """

    name: str
    labels: List[LabelDef]
    kind: str = RELATION
    no_relation: str = "no_relation"
    no_relation_description: str = "none of the listed relations holds"
    expand_directions: bool = False
    _by_name: Dict[str, LabelDef] = field(init=False, repr=False)
    _options: Dict[str, LabelOption] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.kind not in (RELATION, TYPING):
            raise SchemaError(f"Schema {self.name!r}: kind must be 'relation' or 'typing', got {self.kind!r}.")
        if not self.labels:
            raise SchemaError(f"Schema {self.name!r} has no labels.")
        self._by_name = {}
        for label in self.labels:
            if label.name in self._by_name:
                raise SchemaError(f"Schema {self.name!r}: label {label.name!r} is defined twice.")
            if label.name == self.no_relation:
                raise SchemaError(
                    f"Schema {self.name!r}: {label.name!r} is the no-relation label; "
                    "set it with 'no_relation', not in 'labels'."
                )
            self._by_name[label.name] = label
        self._options = {}
        for label in self.labels:
            expand = self.expand_directions and label.directed and self.kind == RELATION
            variants = (
                [(f"{label.name}(e1,e2)", False), (f"{label.name}(e2,e1)", True)] if expand else [(label.name, False)]
            )
            for name, reverse in variants:
                self._options[name] = LabelOption(name, label.name, reverse, label.description)

    # ---------------------------------------------------------------- access
    @property
    def label_names(self) -> List[str]:
        """RETURNS (List[str]): Label names, "no relation" excluded."""
        return [label.name for label in self.labels]

    @property
    def options(self) -> List[LabelOption]:
        """RETURNS (List[LabelOption]): The choices for one pair, "no relation"
        excluded (18 for SemEval, 96 for Re-DocRED)."""
        return list(self._options.values())

    @property
    def option_names(self) -> List[str]:
        """RETURNS (List[str]): The names of the options."""
        return list(self._options)

    def __len__(self) -> int:
        return len(self.labels)

    def __contains__(self, label: object) -> bool:
        return label in self._by_name

    def get(self, label: str) -> LabelDef:
        """label (str): A label name.
        RETURNS (LabelDef): Its definition. Raises SchemaError if unknown.
        """
        if label not in self._by_name:
            raise SchemaError(f"Unknown label {label!r} for schema {self.name!r}. Known: {', '.join(self.label_names)}")
        return self._by_name[label]

    def option(self, name: str) -> LabelOption:
        """name (str): An option name.
        RETURNS (LabelOption): The option. Raises SchemaError if unknown.
        """
        if name not in self._options:
            raise SchemaError(f"Unknown option {name!r} for schema {self.name!r}. Known: {', '.join(self._options)}")
        return self._options[name]

    def option_for(self, label: str, reverse: bool = False) -> LabelOption:
        """label (str): A schema label.
        reverse (bool): Whether the relation runs from the pair's second span
            to its first.
        RETURNS (LabelOption): The option standing for that relation on the pair.
        """
        self.get(label)
        for option in self._options.values():
            if option.label == label and (option.reverse == reverse or not self._is_expanded(label)):
                return option
        raise SchemaError(f"No option for label {label!r} (reverse={reverse}) in schema {self.name!r}.")

    def _is_expanded(self, label: str) -> bool:
        return self.expand_directions and self._by_name[label].directed and self.kind == RELATION

    def allowed_type_pairs(self) -> Optional[Set[Tuple[str, str]]]:
        """RETURNS (Optional[Set[Tuple[str, str]]]): The (head type, tail type)
        pairs some label allows, or None if any label allows any types."""
        allowed: Set[Tuple[str, str]] = set()
        for label in self.labels:
            if not label.types:
                return None
            allowed.update(label.types)
            if not label.directed or self.expand_directions:
                allowed.update((t, h) for h, t in label.types)
        return allowed

    @property
    def is_typed(self) -> bool:
        """RETURNS (bool): Whether some label of a relation schema constrains
        the entity types of its pairs."""
        return self.kind == RELATION and any(label.types for label in self.labels)

    def pair_options(self, head_type: str, tail_type: Optional[str] = None) -> List[LabelOption]:
        """The options a pair may take under the labels' type constraints.

        An option fits when its label has no ``types``, or when the relation
        it stands for runs between entity types its label allows: for an
        option that swaps head and tail (``Label(e2,e1)``) the pair's tail
        type must be the label's head type; an undirected label fits either
        order. In the typing mode (``tail_type`` None) every option fits.

        head_type (str): The entity label of the pair's first span (e1).
        tail_type (Optional[str]): The entity label of its second span (e2);
            None for a single span (typing mode).
        RETURNS (List[LabelOption]): The options, in schema order.
        """
        if tail_type is None or not self.is_typed:
            return list(self._options.values())
        return [option for option in self._options.values() if self._fits(option, head_type, tail_type)]

    def _fits(self, option: LabelOption, head_type: str, tail_type: str) -> bool:
        label = self._by_name[option.label]
        if not label.types:
            return True
        head, tail = (tail_type, head_type) if option.reverse else (head_type, tail_type)
        return (head, tail) in label.types or (not label.directed and (tail, head) in label.types)

    # ------------------------------------------------------------------- I/O
    def to_dict(self) -> Dict[str, Any]:
        """RETURNS (Dict[str, Any]): The schema as written to a file."""
        return schema_to_dict(self)

    @classmethod
    def from_dict(cls, data: Dict[str, Any], source: str = "<dict>") -> "Schema":
        """data (Dict[str, Any]): A schema as read from a file.
        source (str): Where it came from, for error messages.
        RETURNS (Schema): The schema. Raises SchemaError naming the source.
        """
        fields = parse_schema(data, source)
        try:
            return cls(**fields)
        except SchemaError as err:
            raise SchemaError(f"{source}: {err}") from None

    @classmethod
    def from_file(cls, path: Union[str, Path]) -> "Schema":
        """path (Union[str, Path]): A .json, .yml or .yaml schema file, or the
            name of a shipped schema ("semeval", "redocred", "crossner_politics"...).
        RETURNS (Schema): The loaded schema.
        """
        path = resolve_schema_path(path)
        return cls.from_dict(read_schema_file(path), source=str(path))

    def to_file(self, path: Union[str, Path]) -> None:
        """path (Union[str, Path]): Where to write the schema (.json or .yml)."""
        write_schema_file(self.to_dict(), path)


SCHEMA_DIR = Path(__file__).parent / "schemas"


def shipped_schemas() -> List[str]:
    """RETURNS (List[str]): Names of the schemas shipped with the package."""
    return sorted(p.stem for p in SCHEMA_DIR.glob("*.json"))


def resolve_schema_path(path: Union[str, Path]) -> Path:
    """path (Union[str, Path]): A path, or the name of a shipped schema.
    RETURNS (Path): An existing schema file. Raises SchemaError otherwise.
    """
    candidate = Path(path)
    if candidate.exists():
        return candidate
    shipped = SCHEMA_DIR / f"{path}.json"
    if shipped.exists():
        return shipped
    raise SchemaError(
        f"No schema file at {path!s}, and no shipped schema of that name ({', '.join(shipped_schemas())})."
    )


def load_schema(schema: Union[str, Path, "Schema"]) -> "Schema":
    """schema (Union[str, Path, Schema]): A schema, a path, or a shipped name.
    RETURNS (Schema): The schema.
    """
    if isinstance(schema, Schema):
        return schema
    return Schema.from_file(schema)

