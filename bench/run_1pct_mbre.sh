#!/usr/bin/env bash
# Issue 16, 1 % SemEval: the paper's M-BRe and calibrated M-BRe arms beside §10's 1 % table. The mined labels
# are bench/run_10pct_mbre.sh's (the pool's first 200 sentences; in-context examples from gold-1pct, the
# calibration on the first 100 dev sentences): they do not depend on the gold set the classifier trains on, so
# this script asks the LLM nothing and trains gold-1pct + each training view, converged and dev-selected, SEEDS.
# Run bench/run_10pct_mbre.sh first (or its two `mine` commands).
#   SEEDS=1,2,3 bash bench/run_1pct_mbre.sh      (finished training runs resume on a rerun)
source "$(dirname "$0")/common_10pct.sh"
for arm in mbre-paper mbre-cal; do
  test -f "$W/mine/$arm-n200/train.spacy" || { echo "missing $W/mine/$arm-n200/train.spacy: run bench/run_10pct_mbre.sh" >&2; exit 1; }
done
echo "start training $(date)"
$P bench/downstream.py train --gold gold-1pct --seeds "$SEEDS" --fixed-steps 0 --no-gold-arm \
  --arm "mbre-paper=$W/mine/mbre-paper-n200/train.spacy" --arm "mbre-cal=$W/mine/mbre-cal-n200/train.spacy" \
  --out bench/results/downstream_gold-1pct_mbre.json
echo "done $(date)"
