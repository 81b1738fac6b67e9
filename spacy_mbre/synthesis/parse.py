"""Split a writer model's answer into candidate samples.

Nothing here judges a sample; :mod:`.validate` does. This module only decides
what counts as an *attempted* sample (a candidate) and what is chatter around
it (a preamble like "Here are five sentences:"), so the kept fraction is
measured over attempted samples. Chatter lines are counted as ``ignored``.

* **Unconditional answers**: one candidate per line that contains an entity
  marker tag (``<e1>``, ``</e2>``, also stray ones like ``<e3>``) or starts
  with ``Sentence:``. List numbering (``1.``, ``2)``, ``-``, ``*``), the
  ``Sentence:`` prefix and quotes around the whole sentence are removed.
* **Schema answers**: TKRE's line format
  ``Relation: R. Context: … Head Entity: H. Head Type: T. Tail Entity: E.
  Tail Type: T.``, one candidate per ``Relation:`` (a record may span lines),
  field names matched case-insensitively; or, if the answer has no
  ``Relation:`` at all, JSON objects with the keys ``relation``, ``context``
  (or ``text``/``sentence``), ``head``/``head_entity``, ``head_type``,
  ``tail``/``tail_entity``, ``tail_type`` (one object per sample, or a list
  of them; code fences are ignored). A candidate that misses a field, or has
  one twice, is kept as a candidate with ``error`` set.
"""
import json
import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

MARKER_TAG_RE = re.compile(r"</?\s*e\d*\s*>", re.IGNORECASE)
BULLET_RE = re.compile(r"^\s*(?:\(?\d{1,3}[.):]|[-*•])\s+")
SENTENCE_PREFIX_RE = re.compile(r"^\s*(?:\*\*)?(?:new\s+)?sentence(?:\s*\d+)?\s*:(?:\*\*)?\s*", re.IGNORECASE)
QUOTES = (('"', '"'), ("“", "”"), ("'", "'"))

FIELDS = ("relation", "context", "head", "head_type", "tail", "tail_type")
FIELD_NAMES = {
    "relation": "relation",
    "context": "context",
    "head entity": "head",
    "head type": "head_type",
    "tail entity": "tail",
    "tail type": "tail_type",
}
FIELD_RE = re.compile(r"\b(relation|context|head\s+entity|head\s+type|tail\s+entity|tail\s+type)\s*:", re.IGNORECASE)
RECORD_START_RE = re.compile(r"(?:^|(?<=[\s*\-.\d)]))relation\s*:", re.IGNORECASE)
JSON_KEYS = {
    "relation": "relation",
    "label": "relation",
    "context": "context",
    "text": "context",
    "sentence": "context",
    "head": "head",
    "head_entity": "head",
    "subject": "head",
    "head_type": "head_type",
    "subject_type": "head_type",
    "tail": "tail",
    "tail_entity": "tail",
    "object": "tail",
    "tail_type": "tail_type",
    "object_type": "tail_type",
}

UNPARSEABLE = "unparseable"


@dataclass(frozen=True)
class SchemaRecord:
    """One attempted schema-constrained sample, as written by the model.

    fields (Dict[str, str]): The fields found (see FIELDS), values stripped.
    raw (str): The record's text.
    error (Optional[str]): Why it cannot be read (a missing or repeated
        field), or None.
    """

    fields: Dict[str, str]
    raw: str
    error: Optional[str] = None


def clean_line(line: str) -> str:
    """line (str): One answer line.
    RETURNS (str): Without list numbering, ``Sentence:`` prefix and the
        quotes around the whole sentence.
    """
    out = BULLET_RE.sub("", line.strip(), count=1)
    out = SENTENCE_PREFIX_RE.sub("", out, count=1).strip()
    for open_, close in QUOTES:
        if len(out) >= 2 and out.startswith(open_) and out.endswith(close):
            out = out[len(open_) : -len(close)].strip()
            break
    return out


def split_sentences(answer: str) -> Tuple[List[str], int]:
    """Candidates of an unconditional answer.

    answer (str): The model's answer.
    RETURNS (Tuple[List[str], int]): The candidate sentences (marked) in
        order, and the number of ignored non-empty lines.
    """
    candidates: List[str] = []
    ignored = 0
    for line in str(answer).splitlines():
        if not line.strip():
            continue
        stripped = BULLET_RE.sub("", line.strip(), count=1)
        if MARKER_TAG_RE.search(line) or SENTENCE_PREFIX_RE.match(stripped):
            candidates.append(clean_line(line))
        else:
            ignored += 1
    return candidates, ignored


def _strip_value(value: str, field: str) -> str:
    value = " ".join(value.replace("**", " ").split())
    if field != "context":
        value = value.strip().rstrip(".;,").strip()
        for open_, close in QUOTES:
            if len(value) >= 2 and value.startswith(open_) and value.endswith(close):
                value = value[len(open_) : -len(close)].strip()
                break
    return value


def parse_record(text: str) -> SchemaRecord:
    """text (str): One record in TKRE's line format (from "Relation:" on).
    RETURNS (SchemaRecord): Its fields, or the reason it cannot be read.
    """
    matches = list(FIELD_RE.finditer(text))
    fields: Dict[str, str] = {}
    for i, match in enumerate(matches):
        name = FIELD_NAMES[" ".join(match.group(1).lower().split())]
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        if name in fields:
            return SchemaRecord(fields, text, f"field {name!r} appears twice")
        fields[name] = _strip_value(text[match.end() : end], name)
    missing = [f for f in FIELDS if not fields.get(f)]
    if missing:
        return SchemaRecord(fields, text, f"missing {', '.join(missing)}")
    return SchemaRecord(fields, text)


def _json_records(answer: str) -> List[Dict[str, Any]]:
    decoder = json.JSONDecoder()
    text = answer.replace("```json", "").replace("```", "")
    found: List[Dict[str, Any]] = []
    pos = 0
    while True:
        starts = [i for i in (text.find("{", pos), text.find("[", pos)) if i >= 0]
        if not starts:
            break
        start = min(starts)
        try:
            value, end = decoder.raw_decode(text, start)
        except ValueError:
            pos = start + 1
            continue
        items = value if isinstance(value, list) else [value]
        found.extend(item for item in items if isinstance(item, dict))
        pos = end
    return found


def _from_json(obj: Dict[str, Any]) -> SchemaRecord:
    fields: Dict[str, str] = {}
    for key, value in obj.items():
        name = JSON_KEYS.get("_".join(str(key).lower().replace("-", " ").split()))
        if name is None or not isinstance(value, (str, int, float)):
            continue
        if name in fields:
            return SchemaRecord(fields, json.dumps(obj, ensure_ascii=False), f"field {name!r} appears twice")
        fields[name] = _strip_value(str(value), name)
    raw = json.dumps(obj, ensure_ascii=False)
    missing = [f for f in FIELDS if not fields.get(f)]
    if missing:
        return SchemaRecord(fields, raw, f"missing {', '.join(missing)}")
    return SchemaRecord(fields, raw)


def _is_content(line: str) -> bool:
    return any(c.isalpha() for c in line)


def _count_content(lines: List[str]) -> int:
    return sum(1 for line in lines if _is_content(line))


def split_records(answer: str) -> Tuple[List[SchemaRecord], int]:
    """Candidates of a schema-constrained answer.

    answer (str): The model's answer.
    RETURNS (Tuple[List[SchemaRecord], int]): The candidate records in
        order, and the number of ignored non-empty lines (text before the
        first record; for JSON answers, 0).
    """
    text = str(answer)
    starts = [m.start() for m in RECORD_START_RE.finditer(text)]
    if not starts:
        objects = _json_records(text)
        if objects:
            return [_from_json(obj) for obj in objects], 0
        return [], _count_content(text.splitlines())
    ignored = _count_content(text[: starts[0]].splitlines())
    records = []
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        lines = [line for line in text[start:end].splitlines() if _is_content(line)]
        parts = lines[:1]
        for line in lines[1:]:
            # A record may continue on the next lines until its fields are
            # complete; lines after that (or without fields) are chatter.
            if FIELD_RE.search(line) and parse_record(" ".join(parts)).error is not None:
                parts.append(line)
            else:
                ignored += 1
        records.append(parse_record(" ".join(parts)))
    return records, ignored
