"""Schema files: reading and writing a schema file (JSON or YAML), a schema as
the dict a file holds, and checking that dict before a :class:`~.schema.Schema`
is made from it (the shipped schemas are found by :mod:`.schema`)."""

from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, Union

import srsly

from ..errors import SchemaError
from .schema_labels import RELATION, LabelDef

if TYPE_CHECKING:
    from .schema import Schema


def parse_schema(data: Any, source: str = "<dict>") -> Dict[str, Any]:
    """Check a schema as read from a file.

    data (Any): The file's content.
    source (str): Where it came from, for error messages.
    RETURNS (Dict[str, Any]): The arguments of :class:`~.schema.Schema`.
        Raises SchemaError naming the source.
    """
    if not isinstance(data, dict):
        raise SchemaError(f"{source}: a schema must be a mapping, got {type(data).__name__}.")
    unknown = set(data) - {"name", "kind", "no_relation", "no_relation_description", "expand_directions", "labels"}
    if unknown:
        raise SchemaError(f"{source}: unknown schema keys {sorted(unknown)}.")
    raw_labels = data.get("labels")
    if not isinstance(raw_labels, list) or not raw_labels:
        raise SchemaError(f"{source}: 'labels' must be a non-empty list.")
    labels = []
    for i, raw in enumerate(raw_labels):
        where = f"{source}: labels[{i}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not raw["name"]:
            raise SchemaError(f"{where}: each label needs a non-empty 'name'.")
        description = raw.get("description")
        if not isinstance(description, str) or not description.strip():
            raise SchemaError(f"{where} ({raw['name']}): 'description' must be a non-empty string.")
        types = raw.get("types") or []
        if not all(isinstance(t, (list, tuple)) and len(t) == 2 for t in types):
            raise SchemaError(f"{where} ({raw['name']}): 'types' must be a list of [head type, tail type] pairs.")
        extra = set(raw) - {"name", "description", "directed", "types"}
        if extra:
            raise SchemaError(f"{where} ({raw['name']}): unknown keys {sorted(extra)}.")
        labels.append(
            LabelDef(
                name=raw["name"],
                description=" ".join(description.split()),
                directed=bool(raw.get("directed", True)),
                types=tuple((str(h), str(t)) for h, t in types),
            )
        )
    return {
        "name": str(data.get("name", Path(source).stem)),
        "labels": labels,
        "kind": str(data.get("kind", RELATION)),
        "no_relation": str(data.get("no_relation", "no_relation")),
        "no_relation_description": str(data.get("no_relation_description", "none of the listed relations holds")),
        "expand_directions": bool(data.get("expand_directions", False)),
    }


def schema_to_dict(schema: "Schema") -> Dict[str, Any]:
    """schema (Schema): A schema.
    RETURNS (Dict[str, Any]): The schema as written to a file.
    """
    return {
        "name": schema.name,
        "kind": schema.kind,
        "no_relation": schema.no_relation,
        "no_relation_description": schema.no_relation_description,
        "expand_directions": schema.expand_directions,
        "labels": [
            {
                "name": label.name,
                "description": label.description,
                "directed": label.directed,
                "types": [list(t) for t in label.types],
            }
            for label in schema.labels
        ],
    }


def read_schema_file(path: Path) -> Any:
    """path (Path): An existing .json, .yml or .yaml schema file.
    RETURNS (Any): The file's content.
    """
    try:
        if path.suffix in (".yml", ".yaml"):
            data = srsly.read_yaml(path)
        else:
            data = srsly.read_json(path)
    except ValueError as err:
        raise SchemaError(f"{path}: not valid {path.suffix[1:].upper()}: {err}") from None
    return data


def write_schema_file(data: Dict[str, Any], path: Union[str, Path]) -> None:
    """data (Dict[str, Any]): A schema as a dict (see ``Schema.to_dict``).
    path (Union[str, Path]): Where to write it (.json or .yml).
    """
    path = Path(path)
    if path.suffix in (".yml", ".yaml"):
        srsly.write_yaml(path, data)
    else:
        srsly.write_json(path, data)
