"""A persistent answer cache for LLM questions (sqlite3).

The key is the sha256 of a JSON list of: the exact prompt text, the allowed
options, the question kind, the model identity and the decoding settings
(spacy-llm's own cache keys a doc on a sum of token ids and collides, so it is
not used). The value is the answer text, its option probabilities and its
usage record, stored as JSON (floats round-trip exactly). Writes are committed
per batch (:meth:`AnswerCache.put_many`), so a killed run keeps every batch it
finished.
"""
import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple, Union

from .types import Answer

SCHEMA_SQL = "CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, text TEXT NOT NULL, probs TEXT, usage TEXT)"


def cache_key(prompt: str, options: Sequence[str], kind: str, model_id: str, settings: Dict[str, Any]) -> str:
    """prompt (str): The exact prompt text.
    options (Sequence[str]): The allowed answers.
    kind (str): The question kind.
    model_id (str): The model's identity.
    settings (Dict[str, Any]): Decoding settings (JSON-serialisable).
    RETURNS (str): The sha256 hex key.
    """
    payload = json.dumps([str(prompt), list(options), kind, model_id, settings], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf8")).hexdigest()


class AnswerCache:
    """Answers by cache key, in an sqlite3 file (or in memory for path None).

    path (Optional[Union[str, Path]]): The database file.
    """

    def __init__(self, path: Optional[Union[str, Path]] = None) -> None:
        self.path = str(path) if path is not None else ":memory:"
        if path is not None:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(self.path)
        if path is not None:
            self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute(SCHEMA_SQL)
        self._conn.commit()

    def get_many(self, keys: Sequence[str]) -> Dict[str, Answer]:
        """keys (Sequence[str]): Cache keys.
        RETURNS (Dict[str, Answer]): The cached answers among them.
        """
        out: Dict[str, Answer] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._conn.execute(f"SELECT key, text, probs, usage FROM answers WHERE key IN ({marks})", chunk)
            for key, text, probs, usage in rows:
                out[key] = Answer(text, json.loads(probs) if probs is not None else None, json.loads(usage or "{}"))
        return out

    def put_many(self, items: Iterable[Tuple[str, str]]) -> None:
        """Store answers and commit.

        items (Iterable[Tuple[str, str]]): (key, answer) pairs; answers may be
            Answer objects (probs and usage are kept) or plain strings.
        """
        rows: List[Tuple[str, str, Optional[str], str]] = []
        for key, answer in items:
            probs = getattr(answer, "probs", None)
            usage = getattr(answer, "usage", None) or {}
            probs_json = json.dumps({str(k): float(v) for k, v in probs.items()}) if probs is not None else None
            usage_json = json.dumps({str(k): float(v) for k, v in usage.items()})
            rows.append((key, str(answer), probs_json, usage_json))
        self._conn.executemany("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?)", rows)
        self._conn.commit()

    def __len__(self) -> int:
        return int(self._conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0])

    def close(self) -> None:
        """Close the database."""
        self._conn.close()
