#!/usr/bin/env bash
# Issue 16, item 4, 10 % SemEval: LLM-verified self-training (`iterate`) on the first pool, against the arms of
# bench/run_10pct_p85.sh. Round 1 is that script's mining run again (same proposer: the seed-1 gold-only model;
# same in-context examples, calibration docs, precision objective and answer cache, so every question is answered
# from the cache); round 2 proposes with round 1's classifier (gold + the verified samples) and asks the LLM only
# about the candidates it adds. The downstream arm then trains gold + round 2's training view over SEEDS, converged
# and dev-selected like every arm of bench/downstream.py. Run bench/run_10pct_p85.sh first.
#   SEEDS=1,2,3 bash bench/run_10pct_iterate.sh      (finished steps and runs are skipped on a rerun)
source "$(dirname "$0")/common_10pct.sh"
echo "start iterate $(date)"
$P -m spacy_mbre iterate configs/semeval.cfg $W/gold-10pct.spacy $W/pool.spacy $W/iterate/clf-10pct-p85 \
  --calibration-docs $W/dev100.spacy --fewshot $W/gold-1pct.spacy \
  $PROPOSER \
  --rounds 2 --objective precision --target-precision 0.85 --dev $W/dev.spacy --seed 0 \
  --cache $W/mine/answers.sqlite --batch-pairs 512 --no-progress --model-arg n_threads=$THREADS $OVR
echo "start training $(date)"
$P bench/downstream.py train --gold gold-10pct --seeds "$SEEDS" --fixed-steps 0 --no-gold-arm \
  --arm iterate-r2=$W/iterate/clf-10pct-p85/round-2/mine/train.spacy \
  --out bench/results/downstream_gold-10pct_iterate.json
echo "done $(date)"
