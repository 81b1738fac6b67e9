"""Measure the local LLM backend (spacy-mbre.LlamaCpp.v1) on SemEval-2010 Task 8.

Not a test: prints a table and writes bench/results/llm_backend.json.

    python bench/llm_backend.py [--n-rel 24] [--n-other 8] [--n-labels 5] [--n-multi 12]

(defaults: took 27 min on 2 cores shared with other jobs, load average 6-10;
the prompt-evaluation time dominates, so an idle machine is several times faster)

What it measures (default GGUF: Qwen2.5-Coder-1.5B-Instruct Q4_K_M):
- speed of a binary few-shot question (~580 prompt tokens: SemEval sentences
  are short): without prefix
  reuse (cache reset before each question) and with it (questions sharing
  the label's task description + examples run back to back), prompt tokens/s,
  decoding tokens/s, peak RSS; and the fast path used (logits processor,
  ``logits_all=False``) against ``create_completion(logprobs=k)`` with
  ``logits_all=True``;
- binary yes/no accuracy (on sentences whose gold label is in a random subset
  of --n-labels directional labels, since each label's prefix costs one full
  ~1,000-token evaluation): per sentence with a relation one question for the
  gold label (expect yes) and one for a random wrong label (expect no); per
  "Other" sentence one random label of the subset (expect no); 3 positive + 4 negative
  in-context examples per label drawn from other training sentences;
- grouped multi-class: the 18 directional labels in 3 groups of 6 (the two
  directions of a relation always in different groups, as M-BRe's
  dissimilarity grouping would place them), options as letters A-F + "none",
  label descriptions and one example per label + 2 "none" examples per group;
  the answer scored by option probabilities vs the single greedy letter
  (the top token of the same next-token distribution, parsed strictly).

The sentences are read with the package's SemEval reader and the prompts are
the package's own (``BinaryVerifyTask``, ``GroupedMultiClassTask`` and their
in-context example pool), so the benchmark measures what mining asks. The
machine may be shared: timings are noisy, load averages are recorded.
"""
import argparse
import json
import os
import random
import resource
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
from spacy.tokens import Doc

from spacy_mbre.data.readers.semeval import read_semeval
from spacy_mbre.data.schema import load_schema
from spacy_mbre.llm.models import option_probs
from spacy_mbre.llm.models.assets import require_default_model
from spacy_mbre.llm.models.llamacpp import LlamaCpp
from spacy_mbre.llm.types import Answer, Question
from spacy_mbre.mining.examples import ExamplePool, collect_examples
from spacy_mbre.mining.grouping import Grouping
from spacy_mbre.mining.tasks.binary.task import BinaryVerifyTask
from spacy_mbre.mining.tasks.multiclass.task import GroupedMultiClassTask, GroupQuestion

TRAIN = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "semeval2010_task8" / "TRAIN_FILE.TXT"
OUT = Path(__file__).parent / "results" / "llm_backend.json"
SCHEMA = load_schema("semeval")
LABELS = [option.name for option in SCHEMA.options]
OTHER = "Other"


@dataclass
class Sent:
    """One SemEval training sentence: its doc (one candidate pair) and its
    gold option name (``Other`` for no relation)."""

    sid: int
    doc: Doc
    label: str


def read_train(path: Path) -> List[Sent]:
    """path (Path): TRAIN_FILE.TXT. RETURNS (List[Sent]): All sentences, read
    by the package's SemEval reader."""
    out = []
    for i, doc in enumerate(read_semeval(path, schema=SCHEMA)):
        gold = collect_examples([doc], SCHEMA)
        label = gold[0].options[0] if gold and gold[0].options else OTHER
        out.append(Sent(i + 1, doc, label))
    return out


def groups_of_labels() -> List[List[str]]:
    """RETURNS (List[List[str]]): 3 groups of 6; a relation's two directions never share a group."""
    groups: List[List[str]] = [[], [], []]
    relations = list(dict.fromkeys(option.label for option in SCHEMA.options))
    for i, rel in enumerate(relations):
        groups[(2 * i) % 3].append(f"{rel}(e1,e2)")
        groups[(2 * i + 1) % 3].append(f"{rel}(e2,e1)")
    return groups


class Prompts:
    """The package's own mining prompts (``BinaryVerifyTask``,
    ``GroupedMultiClassTask``) with in-context examples from the pool.

    pool (Sequence[Sent]): The in-context example sentences.
    seed (int): The seed of the example draws.
    groups (List[List[str]]): The multi-class groups.
    """

    def __init__(self, pool: Sequence[Sent], seed: int, groups: List[List[str]]) -> None:
        examples = ExamplePool(collect_examples([s.doc for s in pool], SCHEMA), seed=seed)
        grouping = Grouping(SCHEMA.name, "bench", len(groups), seed, "none", groups)
        self.binary = BinaryVerifyTask(SCHEMA, examples, candidates="all", n_pos=3, n_neg=4)
        self.multi = GroupedMultiClassTask(SCHEMA, grouping, examples, n_per_option=1, n_none=2)

    def binary_question(self, label: str, sent: Sent) -> Question:
        """RETURNS (Question): The yes/no question whether `label` holds in `sent`."""
        return self.binary.render(sent.doc, (self.binary.pairs(sent.doc)[0], label))

    def multi_questions(self, sent: Sent) -> List[Tuple[GroupQuestion, List[str], Question]]:
        """RETURNS (List[Tuple[GroupQuestion, List[str], Question]]): Per
        group: what it offers, its answer keys and the question for `sent`."""
        return [(gq, self.multi.keys(gq), self.multi.render(sent.doc, (pair, gq)))
                for pair, gq in self.multi.plan(sent.doc)]


def auc(scores: Sequence[float], gold: Sequence[int]) -> Optional[float]:
    """Rank AUC (ties count half). RETURNS (Optional[float]): None if one class is missing."""
    pos = [s for s, g in zip(scores, gold) if g]
    neg = [s for s, g in zip(scores, gold) if not g]
    if not pos or not neg:
        return None
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def peak_rss_gb() -> float:
    """RETURNS (float): Peak resident set size of this process in GB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6


def run(args: argparse.Namespace) -> Dict[str, Any]:
    rng = random.Random(args.seed)
    sents = read_train(TRAIN)
    counts = {lab: sum(s.label == lab for s in sents) for lab in LABELS}
    # Each binary label costs one full prefix evaluation (~1,000 tokens), so the
    # binary measurement uses a random subset of labels (gold and wrong alike).
    bin_labels = sorted(rng.sample([lab for lab in LABELS if counts[lab] >= 20], args.n_labels))
    rel = [s for s in sents if s.label in bin_labels]
    other = [s for s in sents if s.label == OTHER]
    test = rng.sample(rel, args.n_rel) + rng.sample(other, args.n_other)
    test_ids = {s.sid for s in test}
    pool = [s for s in sents if s.sid not in test_ids]
    load = {"start": os.getloadavg()}
    model = LlamaCpp(n_ctx=args.n_ctx, n_threads=args.threads)
    t0 = time.perf_counter()
    llm = model.llm
    load_seconds = time.perf_counter() - t0

    # ---- binary questions ------------------------------------------------------
    groups = groups_of_labels()
    prompts = Prompts(pool, args.seed, groups)
    bin_items: List[Tuple[Question, int]] = []
    for s in test:
        if s.label != OTHER:
            bin_items.append((prompts.binary_question(s.label, s), 1))
        wrong = rng.choice([lab for lab in bin_labels if lab != s.label])
        bin_items.append((prompts.binary_question(wrong, s), 0))

    # no-reuse speed: reset the cache before each question
    no_reuse = []
    for q, _ in bin_items[: args.n_noreuse]:
        llm.reset()
        no_reuse.append(model.answer(q).usage)
    print(f"no reuse: {[round(u['seconds'], 2) for u in no_reuse]} s", file=sys.stderr)
    llm.reset()
    t0 = time.perf_counter()
    bin_answers: List[Answer] = model([[q for q, _ in bin_items]])[0]  # type: ignore[index]
    bin_wall = time.perf_counter() - t0
    rerun = model([[q for q, _ in bin_items[:3]]])[0]
    deterministic = all(a.probs == b.probs for a, b in zip(rerun, bin_answers[:3]))
    gold = [g for _, g in bin_items]
    p_yes = [a.probs["yes"] for a in bin_answers]
    pred = [int(a == "yes") for a in bin_answers]
    reused = [a.usage for a in bin_answers if a.usage["reused_tokens"] > 0.5 * a.usage["prompt_tokens"]]
    first = [a.usage for a in bin_answers if a.usage["reused_tokens"] <= 0.5 * a.usage["prompt_tokens"]]
    binary = {
        "n_questions": len(bin_items),
        "n_sentences": len(test),
        "accuracy": float(np.mean([p == g for p, g in zip(pred, gold)])),
        "auc": auc(p_yes, gold),
        "yes_rate": float(np.mean(pred)),
        "accuracy_on_gold_label_questions": float(np.mean([p for p, g in zip(pred, gold) if g])),
        "accuracy_on_wrong_label_questions": float(np.mean([1 - p for p, g in zip(pred, gold) if not g])),
        "mean_option_mass": float(np.mean([a.option_mass for a in bin_answers])),
        "deterministic_rerun": deterministic,
        "wall_seconds": bin_wall,
        "distinct_prefixes": len({q.prefix_key for q, _ in bin_items}),
        "labels": bin_labels,
    }
    print(f"binary: {binary}", file=sys.stderr)
    speed = {
        "model_load_seconds": load_seconds,
        "n_threads": model._n_threads,
        "prompt_tokens_mean": float(np.mean([a.usage["prompt_tokens"] for a in bin_answers])),
        "no_reuse_s_per_question": float(np.mean([u["seconds"] for u in no_reuse])),
        "no_reuse_n": len(no_reuse),
        "no_reuse_prompt_tokens_per_s": float(
            sum(u["evaluated_tokens"] for u in no_reuse) / sum(u["seconds"] for u in no_reuse)
        ),
        "reuse_s_per_question": float(np.mean([u["seconds"] for u in reused])),
        "reuse_n": len(reused),
        "reuse_evaluated_tokens_mean": float(np.mean([u["evaluated_tokens"] for u in reused])),
        "reuse_reused_tokens_mean": float(np.mean([u["reused_tokens"] for u in reused])),
        "first_of_prefix_s_per_question": float(np.mean([u["seconds"] for u in first])) if first else None,
        "first_of_prefix_n": len(first),
        "binary_run_s_per_question_overall": bin_wall / len(bin_items),
    }
    load["after_binary"] = os.getloadavg()
    print(f"speed: {speed}", file=sys.stderr)
    save({"binary": binary, "speed": speed, "loadavg": load, "partial": True})

    # ---- grouped multi-class ------------------------------------------------------
    n_multi_rel = min(args.n_rel, round(args.n_multi * args.n_rel / (args.n_rel + args.n_other)))
    msents = test[:n_multi_rel] + test[args.n_rel : args.n_rel + args.n_multi - n_multi_rel]
    # group-major order: each group's prefix is evaluated once, then reused
    per_group = [prompts.multi_questions(s) for s in msents]
    m_items = [(gq.group, keys, s, q) for g in range(len(groups)) for s, asked in zip(msents, per_group)
               for gq, keys, q in asked if gq.group == g]
    m_answers: List[Answer] = []
    sampled: List[str] = []
    t0 = time.perf_counter()
    for _, _, _, q in m_items:
        m_answers.append(model.answer(q))
        # The single greedy letter: the top token of the same next-token
        # distribution (an exact cache hit, nothing is re-evaluated).
        logprobs, _, _ = model.next_logprobs(model.tokenize_prompt(str(q)))
        sampled.append(llm.detokenize([int(np.argmax(logprobs))]).decode("utf-8", errors="ignore"))
    m_wall = time.perf_counter() - t0
    per_sent: Dict[int, Dict[str, Any]] = {}
    right_prob = right_greedy = right_top2 = n_gold_groups = none_prob = none_greedy = n_other_groups = 0
    records = []
    unparseable = 0
    for (gid, keys, s, q), a, g_txt in zip(m_items, m_answers, sampled):
        group = groups[gid]
        gold_opt = keys[group.index(s.label)] if s.label in group else "none"
        greedy = g_txt.strip()
        if greedy not in q.options:
            unparseable += 1
        if gold_opt != "none":
            n_gold_groups += 1
            right_prob += a == gold_opt
            right_greedy += greedy == gold_opt
            ranked = sorted(keys, key=lambda k: -a.probs[k])
            right_top2 += gold_opt in ranked[:2]
        else:
            n_other_groups += 1
            none_prob += a == "none"
            none_greedy += greedy == "none"
        records.append({"sid": s.sid, "gold": s.label, "group": gid, "answer": str(a), "greedy": greedy,
                        "probs": a.probs})
        rec = per_sent.setdefault(s.sid, {"gold": s.label, "proposed_top1": [], "proposed_p10": [], "proposed_p30": []})
        for i, lab in enumerate(group):
            p = a.probs[keys[i]]
            if a == keys[i]:
                rec["proposed_top1"].append(lab)
            if p >= 0.1:
                rec["proposed_p10"].append(lab)
            if p >= 0.3:
                rec["proposed_p30"].append(lab)
    rel_sents = [r for r in per_sent.values() if r["gold"] != OTHER]
    oth_sents = [r for r in per_sent.values() if r["gold"] == OTHER]

    def recall(key: str) -> float:
        return float(np.mean([r["gold"] in r[key] for r in rel_sents])) if rel_sents else float("nan")

    def mean_props(key: str) -> float:
        return float(np.mean([len(r[key]) for r in per_sent.values()]))

    multi = {
        "n_sentences": len(msents),
        "n_questions": len(m_items),
        "groups": groups,
        "right_label_in_gold_group_option_probs": right_prob / max(1, n_gold_groups),
        "right_label_in_gold_group_greedy_letter": right_greedy / max(1, n_gold_groups),
        "gold_label_in_top2_letters_of_its_group": right_top2 / max(1, n_gold_groups),
        "none_in_other_groups_option_probs": none_prob / max(1, n_other_groups),
        "none_in_other_groups_greedy_letter": none_greedy / max(1, n_other_groups),
        "greedy_letter_unparseable_rate": unparseable / len(m_items),
        "proposer_recall_top1_per_group": recall("proposed_top1"),
        "proposer_recall_p>=0.1": recall("proposed_p10"),
        "proposer_recall_p>=0.3": recall("proposed_p30"),
        "proposals_per_sentence_top1": mean_props("proposed_top1"),
        "proposals_per_sentence_p>=0.1": mean_props("proposed_p10"),
        "proposals_per_sentence_p>=0.3": mean_props("proposed_p30"),
        "other_sentences_with_no_top1_proposal": (
            float(np.mean([not r["proposed_top1"] for r in oth_sents])) if oth_sents else None
        ),
        "prompt_tokens_mean": float(np.mean([a.usage["prompt_tokens"] for a in m_answers])),
        "evaluated_tokens_mean": float(np.mean([a.usage["evaluated_tokens"] for a in m_answers])),
        "s_per_question": m_wall / len(m_items),
        "mean_option_mass": float(np.mean([a.option_mass for a in m_answers])),
        "questions": records,
    }
    print(f"multi: {multi}", file=sys.stderr)

    # ---- decoding speed ----------------------------------------------------------
    plain = "Write one sentence about the sea."
    model.generate(plain)
    gen = model.generate(plain)  # prompt cached: time is decoding
    speed["decode_tokens_per_s"] = gen.usage["generated_tokens"] / gen.usage["seconds"]
    speed["peak_rss_gb"] = peak_rss_gb()
    load["after_main"] = os.getloadavg()

    # ---- the fast path vs logits_all ----------------------------------------------
    save({"binary": binary, "multiclass": multi, "speed": speed, "loadavg": load, "partial": True})
    try:
        speed["path_comparison"] = compare_paths(model, bin_items[0][0], args)
    except Exception as err:  # report, keep the other results
        speed["path_comparison"] = {"error": repr(err)}
    load["end"] = os.getloadavg()
    return {"binary": binary, "multiclass": multi, "speed": speed, "loadavg": load,
            "settings": {"seed": args.seed, "n_ctx": args.n_ctx, "model": str(require_default_model()),
                         "cpu_count": os.cpu_count()}}


def save(res: Dict[str, Any]) -> None:
    """Write (partial) results to OUT."""
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(res, indent=2), encoding="utf8")


def compare_paths(model: LlamaCpp, question: Question, args: argparse.Namespace) -> Dict[str, Any]:
    """Time one question without reuse on the fast path (logits processor,
    logits_all=False) and with create_completion(logprobs=20) on a second
    Llama with logits_all=True; compare P(yes)."""
    from llama_cpp import Llama

    llm = model.llm
    tokens = model.tokenize_prompt(str(question))
    llm.reset()
    t0 = time.perf_counter()
    fast = model.answer(question)
    fast_s = time.perf_counter() - t0
    other = Llama(str(require_default_model()), n_ctx=len(tokens) + 8, n_threads=model._n_threads,
                  n_threads_batch=model._n_threads, logits_all=True, verbose=False, seed=0)
    t0 = time.perf_counter()
    out = other.create_completion(tokens, max_tokens=1, logprobs=20, temperature=0.0)
    slow_s = time.perf_counter() - t0
    top = out["choices"][0]["logprobs"]["top_logprobs"][0]
    masses = {"yes": 0.0, "no": 0.0}
    ids = option_probs.first_token_ids(("yes", "no"), model._tokenize_option)
    for opt, toks in ids.items():
        for tok in toks:
            piece = other.detokenize([tok]).decode("utf-8", errors="ignore")
            if piece in top:
                masses[opt] += float(np.exp(top[piece]))
    probs, _ = option_probs.renormalise(masses)
    del other
    return {"prompt_tokens": len(tokens), "logits_processor_s": fast_s, "logits_all_create_completion_s": slow_s,
            "p_yes_fast": fast.probs["yes"], "p_yes_logits_all": probs["yes"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n-rel", type=int, default=24)
    parser.add_argument("--n-other", type=int, default=8)
    parser.add_argument("--n-labels", type=int, default=5, help="labels used by the binary measurement")
    parser.add_argument("--n-multi", type=int, default=12, help="sentences for the multi-class measurement")
    parser.add_argument("--n-noreuse", type=int, default=1)
    parser.add_argument("--n-ctx", type=int, default=4096)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    res = run(args)
    save(res)
    b, m, s = res["binary"], res["multiclass"], res["speed"]
    rows = [
        ("binary accuracy / AUC / yes-rate",
         f"{b['accuracy']:.3f} / {b['auc']:.3f} / {b['yes_rate']:.2f} ({b['n_questions']} q)"),
        ("binary s/question, no reuse", f"{s['no_reuse_s_per_question']:.2f} ({s['prompt_tokens_mean']:.0f} tokens)"),
        ("binary s/question, prefix reused",
         f"{s['reuse_s_per_question']:.2f} ({s['reuse_evaluated_tokens_mean']:.0f} evaluated)"),
        ("prompt eval tokens/s, decode tokens/s",
         f"{s['no_reuse_prompt_tokens_per_s']:.0f}, {s['decode_tokens_per_s']:.1f}"),
        ("multi right label: option probs vs greedy letter",
         f"{m['right_label_in_gold_group_option_probs']:.3f} vs {m['right_label_in_gold_group_greedy_letter']:.3f}"),
        ("multi 'none' in non-gold groups: probs vs greedy",
         f"{m['none_in_other_groups_option_probs']:.3f} vs {m['none_in_other_groups_greedy_letter']:.3f}"),
        ("proposer recall top1 / p>=0.1 / p>=0.3",
         f"{m['proposer_recall_top1_per_group']:.3f} / {m['proposer_recall_p>=0.1']:.3f} / "
         f"{m['proposer_recall_p>=0.3']:.3f}"),
        ("multi s/question",
         f"{m['s_per_question']:.2f} ({m['prompt_tokens_mean']:.0f} tokens, "
         f"{m['evaluated_tokens_mean']:.0f} evaluated)"),
        ("peak RSS GB", f"{s['peak_rss_gb']:.2f}"),
        ("load avg start / end", f"{res['loadavg']['start']} / {res['loadavg']['end']}"),
    ]
    width = max(len(r[0]) for r in rows)
    for name, val in rows:
        print(f"{name:<{width}}  {val}")
    print(f"written: {OUT}")


if __name__ == "__main__":
    main()
