#!/usr/bin/env bash
# Issue 16, 10 % SemEval: the same mined answers as bench/run_10pct.sh, decided by a precision-calibrated rule
# (calibrate --objective precision --target-precision 0.85 on the same 100 dev sentences). Every question is
# answered from the shared answer cache (bench/work/ds/mine/answers.sqlite, committed as
# bench/results/artifacts/semeval-10pct/answers.sqlite): no LLM time. Run bench/run_10pct.sh first.
#   SEEDS=1,2,3 bash bench/run_10pct_p85.sh      (finished runs are skipped on a rerun)
source "$(dirname "$0")/common_10pct.sh"
echo "start calibrate $(date)"
$P -m spacy_mbre calibrate $W/dev100.spacy $W/mine/cal-clf-10pct-p85 --fewshot $W/gold-1pct.spacy $PROPOSER \
  --cache $W/mine/answers.sqlite --batch-pairs 512 --no-progress --model-arg n_threads=1 \
  --objective precision --target-precision 0.85
echo "start mine $(date)"
$P -m spacy_mbre mine $W/pool.spacy $W/mine/clf-10pct-p85 --fewshot $W/gold-1pct.spacy --strategy mbre $PROPOSER \
  --calibration $W/mine/cal-clf-10pct-p85/calibration.json --cache $W/mine/answers.sqlite --batch-pairs 512 \
  --no-progress --model-arg n_threads=1
echo "start training $(date)"
$P bench/downstream.py train --gold gold-10pct --seeds "$SEEDS" --fixed-steps 0 \
  --arm clf=$W/mine/clf-10pct/train.spacy --arm clf-p85=$W/mine/clf-10pct-p85/train.spacy \
  --out bench/results/downstream_gold-10pct_p85.json
echo "done $(date)"
