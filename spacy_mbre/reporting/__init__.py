"""The workflow report: one JSON and one markdown file combining a run's
mining reports (``mine``'s report.json), evaluation results (``evaluate``'s
JSON) and a θ sweep of the mined labels, plus PNG plots.

Every number comes from the files given: the report records their paths. The
θ sweep itself is decision logic and is computed by
:func:`spacy_mbre.mining.sweep.theta_sweep`; this module only tabulates
and plots it.

The rows are read in :mod:`.rows`, combined with the verdict in
:mod:`.report`, written as markdown in :mod:`.markdown` and plotted in
:mod:`.plots`.
"""
from .markdown import to_markdown
from .plots import cost_points, make_plots
from .report import Verdict, WorkflowReport, build_report, verdict
from .rows import EvalRow, MiningRow, eval_row, mining_row, read_json

__all__ = [
    "EvalRow",
    "MiningRow",
    "Verdict",
    "WorkflowReport",
    "build_report",
    "cost_points",
    "eval_row",
    "make_plots",
    "mining_row",
    "read_json",
    "to_markdown",
    "verdict",
]
