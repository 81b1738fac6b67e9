"""The crash-safe journal of an LLM run (mining, synthesis).

A JSONL file: the first line is a header naming the run's settings; then one
line per finished doc, appended, flushed and fsynced as soon as the doc is
done::

    {"journal": "spacy-mbre-mine", "version": 1, "config": {...}}
    {"i": 0, "doc": "<sha256 of text + pairs>", "mining": {...},
     "relations": [...], "stats": {...}}

On restart the lines already there are read back (a torn last line from a
``kill -9`` is dropped and cut off the file) and the run continues with the
docs they do not cover. The header must match the new run's settings; a
different run needs another output directory.
"""
import hashlib
import json
import os
from pathlib import Path
from typing import Any, Dict, Optional, Union

from spacy.tokens import Doc

from ..data.relations import get_pairs
from ..errors import ConfigError

MAGIC = "spacy-mbre-mine"
VERSION = 1


def doc_fingerprint(doc: Doc) -> str:
    """doc (Doc): A prepared input doc.
    RETURNS (str): sha256 of its text, tokens and candidate pairs.
    """
    payload = json.dumps([doc.text, [t.text for t in doc], [list(p.key) for p in get_pairs(doc)]])
    return hashlib.sha256(payload.encode("utf8")).hexdigest()


class Journal:
    """path (Union[str, Path]): The journal file.
    config (Dict[str, Any]): The run's settings (JSON-serialisable).
    kind (str): What writes it ("mine", "synthesize"); part of the header, so
        one command never continues another's journal.
    """

    def __init__(self, path: Union[str, Path], config: Dict[str, Any], kind: str = "mine") -> None:
        self.path = Path(path)
        self.kind = kind
        self.magic = MAGIC if kind == "mine" else f"spacy-mbre-{kind}"
        self.config = json.loads(json.dumps(config, sort_keys=True, default=str))
        self.entries: Dict[int, Dict[str, Any]] = {}
        self._file: Optional[Any] = None
        self.resumed = 0

    def open(self) -> Dict[int, Dict[str, Any]]:
        """Read what an earlier run of the same settings finished, and open
        the file for appending.

        RETURNS (Dict[int, Dict[str, Any]]): Finished doc entries by input index.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.exists():
            good_bytes = 0
            header_seen = False
            with self.path.open("rb") as file_:
                for raw in file_:
                    if not raw.endswith(b"\n"):
                        break  # torn last line
                    try:
                        data = json.loads(raw)
                    except ValueError:
                        break
                    if not header_seen:
                        if data.get("journal") != self.magic or data.get("config") != self.config:
                            raise ConfigError(
                                f"{self.path} belongs to a run with other settings or of another command "
                                f"(this is `{self.kind}`); "
                                "use another output directory (or delete it to start over)."
                            )
                        header_seen = True
                    else:
                        self.entries[int(data["i"])] = data
                    good_bytes += len(raw)
            if good_bytes < self.path.stat().st_size:
                with self.path.open("r+b") as file_:
                    file_.truncate(good_bytes)
            if not header_seen:
                self.path.unlink()
        new = not self.path.exists()
        self._file = self.path.open("a", encoding="utf8")
        if new:
            self._write({"journal": self.magic, "version": VERSION, "config": self.config})
        self.resumed = len(self.entries)
        return dict(self.entries)

    def append(self, entry: Dict[str, Any]) -> None:
        """entry (Dict[str, Any]): One finished doc (must have "i")."""
        self._write(entry)
        # Keep what a reader of the file would get (e.g. tuples become lists).
        self.entries[int(entry["i"])] = json.loads(json.dumps(entry, sort_keys=True, ensure_ascii=False))

    def _write(self, data: Dict[str, Any]) -> None:
        assert self._file is not None, "Journal.open() first"
        self._file.write(json.dumps(data, sort_keys=True, ensure_ascii=False) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        """Close the file."""
        if self._file is not None:
            self._file.close()
            self._file = None
