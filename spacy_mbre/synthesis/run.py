"""The library entry point of a synthesis run from files: :func:`synthesize_files`
does what ``python -m spacy_mbre synthesize`` does (the command only parses
its options): read the few-shot gold, check that it can drive the run before
any model is loaded, open the model behind the answer cache and run
:func:`~spacy_mbre.synthesis.synthesizer.synthesize`.

See :mod:`spacy_mbre.synthesis.synthesizer` for how a run works and what it writes.
"""
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, Optional

from wasabi import Printer

from ..errors import ConfigError

if TYPE_CHECKING:  # the command module imports this one: keep it light
    from ..data.schema import Schema
    from .report import SynthesisReport
    from .synthesizer import SynthesisSettings

LLAMACPP = "spacy-mbre.LlamaCpp.v1"
TOKENS_PER_SAMPLE = 100


def synthesize_files(
    fewshot: Path,
    output_dir: Path,
    schema: "Schema",
    settings: "SynthesisSettings",
    *,
    model: str = LLAMACPP,
    model_config: Optional[Dict[str, Any]] = None,
    cache: Optional[Path] = None,
    entity_label: Optional[str] = None,
    progress: bool = True,
    printer: Optional[Printer] = None,
) -> "SynthesisReport":
    """Synthesize samples from the few-shot gold docs of a file; write
    ``synthetic.spacy``, ``synthetic.jsonl``, ``report.json`` and the journal
    to ``output_dir``. Rerunning with the same arguments resumes.

    fewshot (Path): Few-shot gold docs (.spacy or .jsonl).
    output_dir (Path): The output directory.
    schema (Schema): A relation schema.
    settings (SynthesisSettings): The run's settings.
    model (str): A registered spacy-llm model.
    model_config (Optional[Dict[str, Any]]): Its config; for
        ``spacy-mbre.LlamaCpp.v1``, ``max_tokens`` defaults to
        ``TOKENS_PER_SAMPLE`` x ``settings.per_prompt``.
    cache (Optional[Path]): The answer cache; None = ``output_dir/answers.sqlite``.
    entity_label (Optional[str]): Entity label of unconditional samples (see
        :func:`~spacy_mbre.synthesis.synthesizer.plan_run`).
    progress (bool): Show a progress bar.
    printer (Optional[Printer]): Where messages go.
    RETURNS (SynthesisReport): The report (also written to ``report.json``).
    """
    import spacy

    from ..data.readers.corpus import read_docs
    from ..data.readers.jsonl import write_jsonl
    from ..llm.gateway import open_gateway
    from .synthesizer import SCHEMA, plan_run, synthesize

    msg = printer or Printer()
    nlp = spacy.blank("en")
    gold_docs = list(read_docs(fewshot, nlp))
    if not gold_docs:
        raise ConfigError(f"{fewshot}: no few-shot docs.")
    plan = plan_run(gold_docs, schema, settings, entity_label)  # fail on bad input before loading the model
    if plan.zero_shot:
        msg.warn(f"No few-shot gold for {', '.join(plan.zero_shot)}: prompted with the description only")
    model_config = dict(model_config or {})
    if model == LLAMACPP and "max_tokens" not in model_config:
        model_config["max_tokens"] = TOKENS_PER_SAMPLE * settings.per_prompt
    output_dir.mkdir(parents=True, exist_ok=True)
    gateway = open_gateway(model, model_config, cache if cache is not None else output_dir / "answers.sqlite")
    mode, scope = settings.mode, "in total"
    if mode == SCHEMA:
        scope = f"per relation for {len(plan.labels)} relation(s)"
    msg.info(
        f"Synthesizing ({mode}) {settings.n} sample(s) {scope} with model {model!r} from {len(gold_docs)} few-shot "
        f"docs, at most {settings.max_attempts_per_label} attempts per {'relation' if mode == SCHEMA else 'run'}"
    )
    try:
        return synthesize(gold_docs, schema, settings, gateway, output_dir, nlp, write_jsonl, model=model,
                          entity_label=entity_label, progress=progress, plan=plan)
    finally:
        gateway.close()
