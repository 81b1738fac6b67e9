"""Schema files: the shipped schemas, reading and writing a schema file (JSON or
YAML), and checking what a file holds before a :class:`~.schema.Schema` is
made from it."""

from pathlib import Path
from typing import Any, Dict, List, Tuple, Union

import srsly

from ..errors import SchemaError
from .schema_labels import RELATION, LabelDef

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


def read_schema_file(path: Union[str, Path]) -> Tuple[Any, Path]:
    """path (Union[str, Path]): A .json, .yml or .yaml schema file, or the
        name of a shipped schema.
    RETURNS (Tuple[Any, Path]): The file's content and the file's path.
    """
    path = resolve_schema_path(path)
    try:
        if path.suffix in (".yml", ".yaml"):
            data = srsly.read_yaml(path)
        else:
            data = srsly.read_json(path)
    except ValueError as err:
        raise SchemaError(f"{path}: not valid {path.suffix[1:].upper()}: {err}") from None
    return data, path


def write_schema_file(data: Dict[str, Any], path: Union[str, Path]) -> None:
    """data (Dict[str, Any]): A schema as a dict (see ``Schema.to_dict``).
    path (Union[str, Path]): Where to write it (.json or .yml).
    """
    path = Path(path)
    if path.suffix in (".yml", ".yaml"):
        srsly.write_yaml(path, data)
    else:
        srsly.write_json(path, data)
