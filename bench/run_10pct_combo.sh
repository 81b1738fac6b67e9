#!/usr/bin/env bash
# Issue 16, 10 % SemEval, the best combination: S2ynRE two-stage self-training together with the verified labels.
# Teachers = the best arm's three converged, dev-selected models (gold + both pools' precision-calibrated verified
# labels, bench/run_10pct_poolb.sh with CAL=cal-clf-10pct-p85); they label both pools (1,000 sentences) with their
# averaged soft distributions; per seed a student trains on those (KL), then on gold + both pools' verified labels
# (the best arm's training data), each stage converged and dev-selected. No LLM call: the training views exist.
#   SEEDS=1,2,3 bash bench/run_10pct_combo.sh   (finished runs are skipped on a rerun)
source "$(dirname "$0")/common_10pct.sh"
BEST=clf-10pct-p85-2pools
VIEWS=$W/mine/clf-10pct-p85/train.spacy,$W/mine/clf-10pct-p85-poolb/train.spacy
echo "start $(date)"
$P bench/downstream.py train --gold gold-10pct --seeds "$SEEDS" --fixed-steps 0 --no-gold-arm \
  --st-teacher-arm $BEST --st-gold-extra $VIEWS \
  --self-train-arm combo-2pools=$W/pool.spacy,$W/pool-b.spacy \
  --out bench/results/downstream_gold-10pct_combo.json
echo "done $(date)"
