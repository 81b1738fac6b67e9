"""Benchmark: the peer in the same table, spacy-llm's own relation task.

Runs ``spacy.REL.v1`` (spacy-llm's relation extraction task) zero-shot and
few-shot on a pool of converted SemEval docs, driven by the same local model
as ``mine`` (``spacy-mbre.LlamaCpp.v1``, which answers REL's plain string
prompts by greedy generation), and scores its labels against the pool's hidden
gold like ``mine``'s report: micro P/R/F1 over the nine directed labels
("Other" is no relation), a predicted relation matching a gold one if head,
tail and label are equal (REL's ``dep`` is the head, ``dest`` the tail).

* **Input the model sees**: a fresh doc per pool doc holding only the words
  and the two entities (no relation records, no candidate pairs). REL gets the
  nine label names with the schema's descriptions as ``label_definitions``.
* **Few-shot** (``few``): ``--n-examples`` gold docs of ``--fewshot`` drawn
  with ``--seed``, as ``RELExample`` s written in the canonical form that
  ``RELExample.to_doc`` re-tokenises to (see :func:`to_rel_example`);
  gold docs that do not round-trip are skipped and counted.
* **Two scores**: ``strict`` is what the task's own ``parse_responses`` keeps
  (a line that is one JSON object with in-range ids, anything else dropped;
  labels are not checked, so an off-schema label counts as a false positive,
  "Other" as no relation); ``lenient`` re-parses the
  same raw responses, keeping every ``{...}`` JSON object in the text that has
  valid ``dep``/``dest`` indices and a schema label (case-insensitive). The
  1.5B model often wraps its JSON lines in prose, which only the lenient
  parse recovers.
* **Cost**: LLM seconds (time inside the model call, one call per doc), prompts,
  seconds per doc and, where the answers carry ``usage``, prompt tokens
  evaluated and reused from the prefix cache.

Raw responses are cached per prompt in ``--work``/responses.jsonl (a rerun or
a larger ``--limit`` only asks the new prompts; their recorded LLM seconds are
summed as if asked now) and each finished mode is written to
``--work``/<mode>-n<docs>.json, which a rerun with the same settings reuses.
Commands (the pool and the gold sets come from ``bench/downstream.py splits``):

    python bench/rel_peer.py --pool bench/work/ds/pool.spacy --fewshot bench/work/ds/gold-1pct.spacy --limit 500
    python bench/rel_peer.py --limit 100 --out bench/results/rel_peer_semeval_n100.json

(``--pool`` and ``--fewshot`` default to those files; the second run asks
nothing new if the first ran, the first reuses the second's 100 docs.)

``--compare NAME=report.json`` adds the ``report.json`` of a ``mine`` run on
the same pool to the table (its micro P/R/F1 in both score columns).
"""
import hashlib
import json
import random
import re
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence, Set, Tuple

import spacy
import typer
from benchlib import REPO, print_table, run_meta
from spacy.language import Language
from spacy.scorer import PRFScore
from spacy.tokens import Doc, Span

from spacy_mbre.cli import import_user_code
from spacy_mbre.cli.mine import parse_model_args
from spacy_mbre.data.readers.corpus import read_docs
from spacy_mbre.data.relations import Relation, get_relations
from spacy_mbre.data.schema import Schema, load_schema
from spacy_mbre.errors import DataError
from spacy_mbre.llm.gateway import model_identity
from spacy_mbre.mining.report import read_report
from spacy_mbre.scoring.mined import prf_of as prf

WORK = REPO / "bench" / "work" / "ds"
MODES = ("zero", "few")
USAGE_KEYS = ("prompt_tokens", "evaluated_tokens", "reused_tokens", "generated_tokens")
# Every {...} without nested braces (REL's items are flat objects), across lines.
JSON_OBJECT = re.compile(r"\{[^{}]*\}")
RelKey = Tuple[int, int, int, int, str]


def label_definitions(schema: Schema) -> Dict[str, str]:
    """schema (Schema): The schema.
    RETURNS (Dict[str, str]): Label name → its description with the roles
        named as in REL's output format ("dep causes ... dest").
    """
    return {label.name: label.description.format(head="dep", tail="dest") for label in schema.labels}


def entity_doc(doc: Doc) -> Doc:
    """doc (Doc): A pool doc (with gold records and candidate pairs).
    RETURNS (Doc): A fresh doc with its words and entities only, so no gold
        reaches the prompt.
    """
    fresh = Doc(doc.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc])
    fresh.ents = [Span(fresh, ent.start, ent.end, label=ent.label_) for ent in doc.ents]
    return fresh


def canonical_text(text: str) -> str:
    """The text as ``RELExample.to_doc`` rebuilds it: it pads runs of
    punctuation with spaces, splits on whitespace and joins the words with a
    space unless the next word is punctuation. Repeated until it is a fixed
    point, so character offsets into it hold in ``to_doc``'s tokens.

    text (str): The original text.
    RETURNS (str): The canonical text (the same non-space characters, in order).
    RAISES (ValueError): No fixed point after a few rounds.
    """
    from spacy_llm.tasks.rel import RELExample

    for _ in range(5):
        rebuilt = RELExample(text=text, ents=[], relations=[]).to_doc().text
        if rebuilt == text:
            return text
        text = rebuilt
    raise ValueError(f"RELExample.to_doc has no fixed point for {text!r}")


def to_rel_example(doc: Doc, schema: Schema) -> Dict[str, Any]:
    """A gold doc as a spacy-llm ``RELExample`` (as the dict REL's factory takes).

    ``RELExample.to_doc`` re-tokenises the example text and finds entities by
    comparing its tokens' character offsets with ``start_char``/``end_char``.
    With the original text and offsets this breaks wherever it moves characters:
    "high-definition" becomes "high- definition" (an entity's end is never found:
    spaCy error E035), and "Duesberg's" before an entity shifts the later
    offsets (the entity is silently dropped). So the text is written in the
    canonical form :func:`canonical_text` and the offsets mapped onto it
    through the non-space characters, which the rebuild keeps in order.

    doc (Doc): A gold doc with entities and gold relation records.
    schema (Schema): The schema (its no-relation label is left out).
    RETURNS (Dict[str, Any]): text, ents and relations.
    RAISES (ValueError): The example does not round-trip through ``to_doc``
        and REL's pre-annotation, or a relation's span is not an entity.
    """
    from spacy_llm.tasks.rel import RELExample, RELTask

    text = canonical_text(doc.text)
    source = [i for i, char in enumerate(doc.text) if not char.isspace()]
    target = [i for i, char in enumerate(text) if not char.isspace()]
    if [doc.text[i] for i in source] != [text[i] for i in target]:
        raise ValueError(f"canonical text changed the characters of {doc.text!r}")
    position = dict(zip(source, target))
    ents = []
    for ent in doc.ents:
        chars = [i for i in range(ent.start_char, ent.end_char) if not doc.text[i].isspace()]
        ents.append({"start_char": position[chars[0]], "end_char": position[chars[-1]] + 1, "label": ent.label_})
    index = {(ent.start, ent.end): i for i, ent in enumerate(doc.ents)}
    relations = []
    for rel in get_relations(doc, source="gold"):
        if rel.label == schema.no_relation:
            continue
        ends = [(rel.head.start, rel.head.end), None if rel.tail is None else (rel.tail.start, rel.tail.end)]
        if not all(end in index for end in ends):
            raise ValueError(f"a gold relation of {doc.text!r} is not between two entities")
        relations.append({"dep": index[ends[0]], "dest": index[ends[1]], "relation": rel.label})
    example = {"text": text, "ents": ents, "relations": relations}
    rebuilt = RELExample(**example).to_doc()
    if [(e.start_char, e.end_char) for e in rebuilt.ents] != [(e["start_char"], e["end_char"]) for e in ents]:
        raise ValueError(f"RELExample.to_doc loses entities of {text!r}")
    if [e.text.replace(" ", "") for e in rebuilt.ents] != [e.text.replace(" ", "") for e in doc.ents]:
        raise ValueError(f"RELExample.to_doc changes entity texts of {text!r}")
    RELTask._preannotate(RELExample(**example))
    return example


def fewshot_examples(path: Path, nlp: Language, schema: Schema, n: int, seed: int) -> Tuple[List[Dict[str, Any]],
                                                                                            Dict[str, Any]]:
    """Convert every gold doc of a file and draw the few-shot examples.

    path (Path): Gold docs (.spacy).
    nlp (Language): For the vocab.
    schema (Schema): The schema.
    n (int): Examples to draw.
    seed (int): Seed of the draw.
    RETURNS (Tuple[List[Dict[str, Any]], Dict[str, Any]]): The examples and
        a summary (docs, converted, skipped with their reasons).
    """
    converted, skipped = [], []
    for doc in read_docs(path, nlp):
        try:
            converted.append(to_rel_example(doc, schema))
        except Exception as err:  # E035 and any other to_doc failure: skip and count
            skipped.append({"text": doc.text, "error": f"{type(err).__name__}: {err}"})
    chosen = random.Random(seed).sample(converted, min(n, len(converted)))
    summary = {"file": str(path), "docs": len(converted) + len(skipped), "converted": len(converted),
               "skipped": len(skipped), "skipped_docs": skipped, "chosen": chosen}
    return chosen, summary


def make_task(schema: Schema, examples: Optional[List[Dict[str, Any]]]) -> Any:
    """schema (Schema): The schema.
    examples (Optional[List[Dict[str, Any]]]): RELExample dicts; None for zero-shot.
    RETURNS (RELTask): spacy-llm's ``spacy.REL.v1`` task over the schema's labels.
    """
    from spacy_llm.registry import registry

    factory = registry.llm_tasks.get("spacy.REL.v1")
    return factory(labels=schema.label_names, label_definitions=label_definitions(schema), examples=examples or None)


def parse_lenient(response: str, n_ents: int, labels: Dict[str, str]) -> Tuple[List[Tuple[int, int, str]], int]:
    """Every flat ``{...}`` JSON object in a response that is a valid REL item.

    response (str): The raw response.
    n_ents (int): Entities in the doc.
    labels (Dict[str, str]): Lower-cased label → label, the no-relation label included.
    RETURNS (Tuple[List[Tuple[int, int, str]], int]): (dep, dest, label) items
        (no-relation ones included, duplicates not), and the number of JSON
        objects rejected (not JSON, missing keys, bad index, unknown label).
    """
    from spacy_llm.tasks.rel.items import RelationItem

    items: List[Tuple[int, int, str]] = []
    rejected = 0
    for match in JSON_OBJECT.finditer(response):
        try:
            item = RelationItem.model_validate(json.loads(match.group(0)))
        except ValueError:  # json.JSONDecodeError and pydantic's ValidationError
            rejected += 1
            continue
        label = labels.get(item.relation.strip().lower())
        valid = 0 <= item.dep < n_ents and 0 <= item.dest < n_ents and item.dep != item.dest
        if label is None or not valid:
            rejected += 1
        elif (item.dep, item.dest, label) not in items:
            items.append((item.dep, item.dest, label))
    return items, rejected


def to_relations(doc: Doc, items: Sequence[Tuple[int, int, str]], no_relation: str) -> List[Relation]:
    """doc (Doc): The pool doc. items (Sequence[Tuple[int, int, str]]): (dep, dest, label).
    no_relation (str): The no-relation label (dropped, case-insensitive).
    RETURNS (List[Relation]): Mined relations: entity dep → entity dest.
    """
    ents = list(doc.ents)
    return [Relation(head=ents[dep], tail=ents[dest], label=label, source="mined")
            for dep, dest, label in items if label.lower() != no_relation.lower()]


def relation_keys(relations: Sequence[Relation]) -> Set[RelKey]:
    """RETURNS (Set[RelKey]): (head start, head end, tail start, tail end, label) per relation."""
    return {(*rel.pair.key, rel.label) for rel in relations}


class ResponseCache:
    """Raw responses per (model, prompt), appended to a JSONL file as they come.

    path (Path): The JSONL file.
    model_id (str): The model's identity (see ``model_identity``).
    """

    def __init__(self, path: Path, model_id: str) -> None:
        self.path = path
        self.model_id = model_id
        self.entries: Dict[str, Dict[str, Any]] = {}
        if path.exists():
            for line in path.read_text().splitlines():
                if line.strip():
                    entry = json.loads(line)
                    self.entries[entry["key"]] = entry

    def key(self, prompt: str) -> str:
        """prompt (str): The prompt. RETURNS (str): Its cache key."""
        return hashlib.sha256(json.dumps([self.model_id, prompt]).encode("utf-8")).hexdigest()

    def ask(self, model: Any, prompts: List[str]) -> Dict[str, Any]:
        """Answer one doc's prompts (one model call), from the cache if all are there.

        model (Any): The spacy-llm model. prompts (List[str]): The doc's prompts.
        RETURNS (Dict[str, Any]): responses (raw strings), seconds (in the
            model call, recorded when it ran), usage (summed ``Answer.usage``),
            cached (bool).
        """
        key = self.key("\n\x00\n".join(prompts))
        if key in self.entries:
            return {**self.entries[key], "cached": True}
        start = time.perf_counter()
        answers = [list(doc_answers) for doc_answers in model([prompts])][0]
        seconds = time.perf_counter() - start
        usage: Dict[str, float] = {}
        for answer in answers:
            for name, value in (getattr(answer, "usage", None) or {}).items():
                if name in USAGE_KEYS:
                    usage[name] = usage.get(name, 0.0) + float(value)
        entry = {"key": key, "responses": [str(a) for a in answers], "seconds": seconds, "usage": usage}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a") as handle:
            handle.write(json.dumps(entry) + "\n")
        self.entries[key] = entry
        return {**entry, "cached": False}


def run_mode(mode: str, docs: List[Doc], schema: Schema, model: Any, cache: ResponseCache,
             examples: Optional[List[Dict[str, Any]]]) -> Dict[str, Any]:
    """Prompt, answer, parse (strict and lenient) and score one mode.

    mode (str): "zero" or "few".
    docs (List[Doc]): The pool docs (with gold).
    schema (Schema): The schema.
    model (Any): The spacy-llm model.
    cache (ResponseCache): The response cache.
    examples (Optional[List[Dict[str, Any]]]): RELExample dicts for "few".
    RETURNS (Dict[str, Any]): Scores, parse counts, cost and sample responses.
    """
    task = make_task(schema, examples if mode == "few" else None)
    # No context length: one shard (prompt) per doc. SemEval sentences fit, and
    # REL's shard reducer would not shift the entity ids of later shards.
    prompts_and_shards = [(list(prompts), list(shards)) for prompts, shards in
                          task.generate_prompts([entity_doc(doc) for doc in docs], context_length=None)]
    responses: List[List[str]] = []
    seconds, cached, usage = 0.0, 0, {name: 0.0 for name in USAGE_KEYS}
    start = time.perf_counter()
    for i, (prompts, _) in enumerate(prompts_and_shards):
        asked = cache.ask(model, prompts)
        responses.append(asked["responses"])
        seconds += asked["seconds"]
        cached += int(asked["cached"])
        for name, value in asked["usage"].items():
            usage[name] += value
        if (i + 1) % 10 == 0 or i + 1 == len(docs):
            print(f"[{mode}] {i + 1}/{len(docs)} docs, {seconds:.0f} LLM s ({cached} cached)", flush=True)
    wall = time.perf_counter() - start
    strict_docs = list(task.parse_responses([shards for _, shards in prompts_and_shards], responses))
    labels = {name.lower(): name for name in [*schema.label_names, schema.no_relation]}
    strict, lenient = PRFScore(), PRFScore()
    counts = {"strict_items": 0, "strict_off_schema": 0, "lenient_items": 0, "lenient_rejected": 0,
              "docs_strict_empty_lenient_not": 0}
    for doc, parsed, doc_responses in zip(docs, strict_docs, responses):
        gold = relation_keys([r for r in get_relations(doc, source="gold") if r.label != schema.no_relation])
        strict_items = [(item.dep, item.dest, item.relation) for item in parsed._.rel]
        counts["strict_items"] += len(strict_items)
        counts["strict_off_schema"] += sum(item[2].lower() not in labels for item in strict_items)
        strict_keys = relation_keys(to_relations(doc, strict_items, schema.no_relation))
        strict.score_set(strict_keys, gold)
        lenient_items: List[Tuple[int, int, str]] = []
        for response in doc_responses:
            items, rejected = parse_lenient(response, len(doc.ents), labels)
            lenient_items.extend(items)
            counts["lenient_rejected"] += rejected
        counts["lenient_items"] += len(set(lenient_items))
        lenient_keys = relation_keys(to_relations(doc, lenient_items, schema.no_relation))
        lenient.score_set(lenient_keys, gold)
        counts["docs_strict_empty_lenient_not"] += int(not strict_keys and bool(lenient_keys))
    n_prompts = sum(len(prompts) for prompts, _ in prompts_and_shards)
    return {
        "mode": mode,
        "docs": len(docs),
        "prompts": n_prompts,
        "gold": strict.tp + strict.fn,
        "strict": prf(strict),
        "lenient": prf(lenient),
        "parse": counts,
        "llm_seconds": round(seconds, 3),
        "seconds_per_doc": round(seconds / len(docs), 3) if docs else None,
        "cached_docs": cached,
        "wall_seconds": round(wall, 3),
        "usage": {name: value for name, value in usage.items() if value} or None,
        "first_prompt": prompts_and_shards[0][0][0] if prompts_and_shards else None,
        "sample_responses": [r for doc_responses in responses[:5] for r in doc_responses],
    }


def compare_row(item: str) -> Dict[str, Any]:
    """item (str): NAME=path of a ``mine`` report.json.
    RETURNS (Dict[str, Any]): Its table row.
    """
    name, sep, path = item.partition("=")
    if not sep or not Path(path).exists():
        raise typer.BadParameter(f"--compare takes NAME=existing/report.json, got {item!r}")
    try:
        report = read_report(path)
    except DataError as err:
        raise typer.BadParameter(f"--compare: {path} is not the report.json of a `mine` run ({err})") from None
    micro, total = (report.get("gold") or {}).get("micro", {}), report["total"]
    scores = f"{micro['p']:.3f} / {micro['r']:.3f} / {micro['f1']:.3f}" if micro else None
    seconds = total.get("seconds")
    return {"mode": name, "docs": report["docs"], "prompts": int(total["prompts"]), "strict P/R/F1": scores,
            "lenient P/R/F1": scores, "LLM s": seconds, "s/doc": seconds / report["docs"] if seconds else None}


def iter_modes(modes: str) -> Iterator[str]:
    """modes (str): Comma-separated modes. YIELDS (str): Each, checked."""
    for mode in modes.split(","):
        if mode not in MODES:
            raise typer.BadParameter(f"--modes: {mode!r} is not one of {MODES}")
        yield mode


def main(
    pool: Path = typer.Option(WORK / "pool.spacy", help="Converted SemEval docs to label (.spacy)"),
    fewshot: Path = typer.Option(WORK / "gold-1pct.spacy", help="Gold docs for the few-shot examples (.spacy)"),
    n_examples: int = typer.Option(5, help="Few-shot examples in each prompt"),
    seed: int = typer.Option(0, help="Seed of the few-shot draw"),
    limit: Optional[int] = typer.Option(None, help="Label the first N pool docs only"),
    modes: str = typer.Option("zero,few", help="Comma-separated: zero, few"),
    model: str = typer.Option("spacy-mbre.LlamaCpp.v1", help="A registered spacy-llm model (llm_models registry)"),
    model_arg: List[str] = typer.Option([], "--model-arg", help="key=value for the model's config; repeatable"),
    code: Optional[Path] = typer.Option(None, help="A Python file to import first (registers extra models)"),
    compare: List[str] = typer.Option([], "--compare",
                                      help="NAME=report.json of a `mine` run on the same pool; repeatable"),
    work: Path = typer.Option(REPO / "bench" / "work" / "rel_peer", help="Response cache and finished modes"),
    out: Path = typer.Option(REPO / "bench" / "results" / "rel_peer_semeval.json", help="JSON output"),
) -> None:
    """Run spacy-llm's spacy.REL.v1 zero- and few-shot on the pool and score its labels."""
    from spacy_llm.registry import registry

    import_user_code(code)
    nlp = spacy.blank("en")
    schema = load_schema("semeval")
    docs = list(read_docs(pool, nlp))[:limit]
    if any(len(doc.ents) < 2 for doc in docs):
        raise typer.BadParameter(f"{pool}: every doc needs its entities (doc.ents)")
    config = parse_model_args(model_arg)
    llm = registry.llm_models.get(model)(**config)
    cache = ResponseCache(work / "responses.jsonl", model_identity(llm, model, config))
    examples, example_summary = fewshot_examples(fewshot, nlp, schema, n_examples, seed)
    print(f"Few-shot: {example_summary['converted']} of {example_summary['docs']} gold docs round-trip as "
          f"RELExample ({example_summary['skipped']} skipped), {len(examples)} drawn", flush=True)
    if "few" in modes.split(",") and not examples:
        raise typer.BadParameter(f"--fewshot: no gold doc of {fewshot} makes a RELExample (or --n-examples is 0)")
    results: Dict[str, Any] = {}
    for mode in iter_modes(modes):
        settings = {"mode": mode, "pool": str(pool.resolve()), "docs": len(docs), "model": model,
                    "model_config": config, "model_id": cache.model_id,
                    **({"fewshot": str(fewshot.resolve()), "n_examples": n_examples, "seed": seed}
                       if mode == "few" else {})}
        done = work / f"{mode}-n{len(docs)}.json"
        if done.exists() and json.loads(done.read_text())["settings"] == settings:
            print(f"Reusing {done}", flush=True)
            results[mode] = json.loads(done.read_text())
            continue
        result = {"settings": settings, **run_mode(mode, docs, schema, llm, cache, examples)}
        done.parent.mkdir(parents=True, exist_ok=True)
        done.write_text(json.dumps(result, indent=2))
        results[mode] = result
    rows = [{"mode": f"REL {mode}-shot", "docs": r["docs"], "prompts": r["prompts"],
             **{f"{kind} P/R/F1": f"{r[kind]['p']:.3f} / {r[kind]['r']:.3f} / {r[kind]['f1']:.3f}"
                for kind in ("strict", "lenient")},
             "LLM s": r["llm_seconds"], "s/doc": r["seconds_per_doc"]} for mode, r in results.items()]
    rows += [compare_row(item) for item in compare]
    print_table(rows, ["mode", "docs", "prompts", "strict P/R/F1", "lenient P/R/F1", "LLM s", "s/doc"])
    meta = run_meta(pool=str(pool), docs=len(docs), fewshot=str(fewshot), n_examples=n_examples, seed=seed,
                    model=model, model_config=config, task="spacy.REL.v1", labels=schema.label_names,
                    label_definitions=label_definitions(schema))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"meta": meta, "rows": rows, "examples": example_summary, "modes": results},
                              indent=2))
    print(f"Wrote {out}")


if __name__ == "__main__":
    typer.run(main)
