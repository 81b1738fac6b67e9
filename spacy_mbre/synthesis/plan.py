"""Planning a synthesis run from the few-shot gold: the labels to
synthesise, the prompter, the allowed type pairs, the texts a sample must not
copy, and the run config that keys the journal (everything that determines
the outputs)."""
import hashlib
import json
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Set, Union

from spacy.tokens import Doc

from ..data.schema import RELATION, Schema
from ..errors import ConfigError
from .examples import TypePair, allowed_types, collect_samples, collect_sentences
from .prompts import SchemaPrompter, UnconditionalPrompter
from .settings import SCHEMA, UNCONDITIONAL, SynthesisSettings
from .validate import gold_texts

DEFAULT_ENTITY_LABEL = "ENTITY"

Prompter = Union[UnconditionalPrompter, SchemaPrompter]


@dataclass
class Plan:
    """What a run needs besides the model, derived from the few-shot gold.

    labels (List[Optional[str]]): The relations ([None] for unconditional).
    prompter (Prompter): Renders the attempts' prompts.
    types (Dict[str, Set[TypePair]]): Allowed type pairs by relation.
    entity_label (Optional[str]): Entity label of unconditional samples.
    gold_texts (List[str]): Texts a sample must not copy.
    zero_shot (List[str]): Relations without a gold example.
    """

    labels: List[Optional[str]]
    prompter: Prompter
    types: Dict[str, Set[TypePair]]
    entity_label: Optional[str]
    gold_texts: List[str]
    zero_shot: List[str]


def plan_run(
    gold_docs: Sequence[Doc], schema: Schema, settings: SynthesisSettings, entity_label: Optional[str] = None
) -> Plan:
    """gold_docs (Sequence[Doc]): The few-shot gold docs.
    schema (Schema): A relation schema.
    settings (SynthesisSettings): The run's settings.
    entity_label (Optional[str]): Entity label of unconditional samples; by
        default the gold entities' label if they all share one, else ENTITY.
    RETURNS (Plan): The plan. Raises ConfigError if the gold cannot drive it.
    """
    if schema.kind != RELATION:
        raise ConfigError(f"synthesize writes relation samples; schema {schema.name!r} is of kind {schema.kind!r}.")
    if not gold_docs:
        raise ConfigError("No few-shot gold docs.")
    for label in settings.labels or []:
        schema.get(label)  # SchemaError naming the schema for an unknown label
    sentences = collect_sentences(gold_docs, schema)
    texts = gold_texts(gold_docs, [s.text for s in sentences])
    if settings.mode == UNCONDITIONAL:
        if entity_label is None:
            found = sorted({e.label_ for d in gold_docs for e in d.ents})
            entity_label = found[0] if len(found) == 1 else DEFAULT_ENTITY_LABEL
        prompter: Prompter = UnconditionalPrompter(
            sentences, n_examples=settings.n_examples, per_prompt=settings.per_prompt, seed=settings.seed
        )
        return Plan([None], prompter, {}, entity_label, texts, [])
    samples = collect_samples(gold_docs, schema)
    if not samples:
        raise ConfigError(
            f"The few-shot gold has no relations with labels of schema {schema.name!r} to show as examples."
        )
    labels = list(settings.labels or schema.label_names)
    types = allowed_types(schema, labels, samples)
    prompter = SchemaPrompter(
        schema, samples, types, n_examples=settings.n_examples, per_prompt=settings.per_prompt, seed=settings.seed
    )
    texts += [x.context for group in samples.values() for x in group]
    return Plan(list(labels), prompter, types, None, texts, [lb for lb in labels if not samples.get(lb)])


def run_config(
    plan: Plan, settings: SynthesisSettings, schema: Schema, gold_docs: Sequence[Doc], model: str, model_id: str
) -> Dict[str, Any]:
    """plan (Plan): The plan.
    settings (SynthesisSettings): The settings.
    schema (Schema): The schema.
    gold_docs (Sequence[Doc]): The few-shot gold.
    model (str): The registered model name.
    model_id (str): The model identity (JSON).
    RETURNS (Dict[str, Any]): Everything that determines the run's outputs:
        the journal header and the report's settings.
    """
    gold = [[d.text, [(e.start, e.end, e.label_) for e in d.ents], d.user_data.get("mbre", {})] for d in gold_docs]
    return {
        "command": "synthesize",
        **settings.to_dict(),
        "labels": plan.labels if settings.mode == SCHEMA else None,
        "schema": schema.name,
        "schema_hash": _sha(json.dumps(schema.to_dict(), sort_keys=True)),
        "entity_label": plan.entity_label,
        "allowed_types": {k: sorted(map(list, v)) for k, v in plan.types.items()},
        "template_hash": _sha(plan.prompter.template.text),
        "model": model,
        "model_id": json.loads(model_id) if model_id.startswith("{") else model_id,
        "fewshot_docs": len(gold_docs),
        "fewshot_hash": _sha(json.dumps(gold, sort_keys=True, default=str)),
    }


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf8")).hexdigest()
