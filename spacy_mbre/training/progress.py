"""Progress of a long run: the estimated time left from the finished steps,
and durations written for people."""

from typing import Any, Dict, List, Optional, Sequence


def eta_seconds(done: Sequence[Dict[str, Any]], remaining: Sequence[str]) -> Optional[float]:
    """Estimate the time the remaining steps take: each remaining training
    step as long as the mean finished training step, labelling steps as the
    mean finished labelling step (0 if none finished yet).

    done (Sequence[Dict[str, Any]]): Finished step records ("step", "seconds").
    remaining (Sequence[str]): Names of the steps still to run.
    RETURNS (Optional[float]): Seconds, or None before any training step
        finished (no estimate yet).
    """
    def mean(records: List[float]) -> Optional[float]:
        return sum(records) / len(records) if records else None

    train = mean([float(r["seconds"]) for r in done if not str(r["step"]).endswith("/label")])
    label = mean([float(r["seconds"]) for r in done if str(r["step"]).endswith("/label")]) or 0.0
    if train is None:
        return None
    return sum(label if name.endswith("/label") else train for name in remaining)


def duration(seconds: float) -> str:
    """seconds (float): A duration.
    RETURNS (str): It as "1h05m" (an hour or more) or "4m09s".
    """
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s"
