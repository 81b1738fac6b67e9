# Sourced by the bench/run_10pct*.sh scripts (issue 16, 10 % SemEval): the work directory, the interpreter, the
# seeds, llama.cpp's threads, the classifier proposer every mining run of the pools uses (the converged,
# dev-selected gold-only 10 % seed-1 model, top 3 options with probability >= 0.05) and the converged,
# dev-selected training schedule of bench/downstream.py as spaCy overrides (with its pair representation, "start").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
W=bench/work/ds
P=.venv/bin/python
SEEDS=${SEEDS:-1,2,3}
THREADS=${THREADS:-2}
PROPOSER="--proposer classifier --proposer-model $W/runs/gold-10pct/gold-s1/model-best --proposer-top-m 3 --proposer-min-prob 0.05"
OVR="--training.max_steps 2000 --training.eval_frequency 25 --training.patience 200 --training.batcher.size 16 \
  --training.optimizer.learn_rate.warmup_steps 20 --training.optimizer.learn_rate.initial_rate 1e-4 \
  --training.optimizer.learn_rate.total_steps 2000 --components.mbre_relations.model.representation start"
