"""The report's rows: one per mining report (``mine``'s report.json) and one
per evaluation result (``evaluate``'s JSON), read from their files."""

from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, Optional, TypedDict

from ..data.readers.common import json_file
from ..errors import DataError

if TYPE_CHECKING:
    from ..mining.report import MiningReport


class MiningRow(TypedDict):
    """A row of the report's mining table, from a ``mine`` report.json."""

    strategy: str
    label: str
    theta: float
    schema: str
    docs: int
    pairs: int
    prompts: float
    prompts_per_pair: float
    llm_calls: float
    cache_hits: float
    prompt_tokens: float
    evaluated_tokens: float
    reused_tokens: float
    llm_seconds: float
    wall_seconds: float
    mined_labels: int
    mined_label_counts: Dict[str, int]
    p: Optional[float]
    r: Optional[float]
    f1: Optional[float]
    source: str


class EvalRow(TypedDict):
    """A row of the report's evaluation table, from an ``evaluate`` JSON."""

    label: str
    task: str
    schema: str
    docs: int
    micro_p: Optional[float]
    micro_r: Optional[float]
    micro_f: Optional[float]
    macro_f: Optional[float]
    semeval_macro_f: Optional[float]
    accuracy: Optional[float]
    source: str


def read_json(path: Path) -> Dict[str, Any]:
    """path (Path): A JSON file.
    RETURNS (Dict[str, Any]): Its content. Raises DataError if unreadable.
    """
    data = json_file(path)
    if not isinstance(data, dict):
        raise DataError(path, None, "expected a JSON object")
    return data


def mining_row(report: "MiningReport", path: Path) -> MiningRow:
    """report (MiningReport): A mining report.json.
    path (Path): Where it was read from.
    RETURNS (MiningRow): The row of the report's mining table.
    """
    try:
        settings = report["settings"]
        total = report["total"]
        gold: Dict[str, Any] = dict(report.get("gold") or {})
        micro = gold.get("micro") or {}
        strategy = settings["strategy"]
        label = strategy["strategy"]
        if label == "mbre" and strategy.get("proposer", "groups") != "groups":
            label = f"mbre ({strategy['proposer']} proposer, {strategy.get('rule', 'paper')} rule)"
        return {
            "strategy": strategy["strategy"],
            "label": label,
            "theta": settings["strategy"]["theta"],
            "schema": settings["schema"],
            "docs": report["docs"],
            "pairs": report["pairs"],
            "prompts": total["prompts"],
            "prompts_per_pair": report["prompts_per_pair"],
            "llm_calls": total["llm_calls"],
            "cache_hits": total["cache_hits"],
            "prompt_tokens": total.get("prompt_tokens", 0),
            "evaluated_tokens": total.get("evaluated_tokens", 0),
            "reused_tokens": total.get("reused_tokens", 0),
            "llm_seconds": total["seconds"],
            "wall_seconds": report["wall_seconds"],
            "mined_labels": report["mined"]["relations"],
            "mined_label_counts": report["mined"]["labels"],
            "p": micro.get("p"),
            "r": micro.get("r"),
            "f1": micro.get("f1"),
            "source": str(path),
        }
    except (KeyError, TypeError) as err:
        raise DataError(path, None, f"not a mining report.json (missing {err})") from None


def eval_row(result: Dict[str, Any], path: Path) -> EvalRow:
    """result (Dict[str, Any]): An ``evaluate`` JSON.
    path (Path): Where it was read from.
    RETURNS (EvalRow): The row of the report's evaluation table.
    """
    try:
        head = result["headline"]
        return {
            "label": result["label"],
            "task": result["task"],
            "schema": result["schema"],
            "docs": result["docs"],
            "micro_p": head.get("micro_p"),
            "micro_r": head.get("micro_r"),
            "micro_f": head.get("micro_f"),
            "macro_f": head.get("macro_f"),
            "semeval_macro_f": head.get("semeval_macro_f"),
            "accuracy": head.get("accuracy"),
            "source": str(path),
        }
    except (KeyError, TypeError) as err:
        raise DataError(path, None, f"not an evaluate result JSON (missing {err})") from None
