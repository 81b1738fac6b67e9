#!/usr/bin/env bash
# Issue 16, 10 % SemEval: the paper's M-BRe (grouped multi-class questions, then yes/no verification, θ = 0.01)
# and M-BRe with a calibrated decision, beside the classifier proposer of bench/run_10pct_p85.sh, on the first
# 200 sentences of the same pool (M-BRe asks 6 questions per pair, the 10 % classifier proposer 1.6 there: the
# 200 took 38 min of LLM time, the whole pool would take about 95 min). The same few-shot examples (gold-1pct)
# and answer cache as every other 10 % arm. The clf-p85-n200 control arm is trained by the last command.
#   SEEDS=1,2,3 bash bench/run_10pct_mbre.sh      (mining and finished training runs resume on a rerun)
# The paper arm trains before the calibration is mined, so that it is complete first.
source "$(dirname "$0")/common_10pct.sh"
N=200
MB="--strategy mbre --proposer groups --cache $W/mine/answers.sqlite --batch-pairs $N --no-progress \
  --model-arg n_threads=$THREADS"
# train_arm NAME MINE_DIR: gold-10pct + that mining run's training view, converged and dev-selected, SEEDS.
train_arm() {
  echo "start training ($1) $(date)"
  $P bench/downstream.py train --gold gold-10pct --seeds "$SEEDS" --fixed-steps 0 --no-gold-arm \
    --arm "$1=$W/mine/$2/train.spacy" --out "bench/results/downstream_gold-10pct_$1.json"
}
echo "start mine (paper M-BRe, theta 0.01) $(date)"
$P -m spacy_mbre mine $W/pool.spacy $W/mine/mbre-paper-n$N --fewshot $W/gold-1pct.spacy --limit $N $MB
train_arm mbre-paper mbre-paper-n$N
# The calibration of the best arm (bench/run_10pct_p85.sh) with the grouped proposer: the first 100 dev sentences
# mined with the same examples; the most recall at precision 0.85, else the best F1.
echo "start calibrate $(date)"
$P -m spacy_mbre calibrate $W/dev100.spacy $W/mine/cal-mbre-10pct-p85 --fewshot $W/gold-1pct.spacy --strategy mbre \
  --proposer groups --objective precision --target-precision 0.85 --cache $W/mine/answers.sqlite \
  --batch-pairs 100 --no-progress --model-arg n_threads=$THREADS
echo "start mine (calibrated M-BRe, from the cache) $(date)"
$P -m spacy_mbre mine $W/pool.spacy $W/mine/mbre-cal-n$N --fewshot $W/gold-1pct.spacy --limit $N $MB \
  --calibration $W/mine/cal-mbre-10pct-p85/calibration.json
# The best arm's labels on the same 200 sentences (every answer from the cache: 0 tokens, 0 s). Its questions
# were asked by bench/run_10pct.sh's run (clf-10pct: the same questions, decided for F1; 1 llama.cpp thread),
# which gives the classifier proposer's cost.
$P -m spacy_mbre mine $W/pool.spacy $W/mine/clf-10pct-p85-n$N --fewshot $W/gold-1pct.spacy --strategy mbre $PROPOSER \
  --calibration $W/mine/cal-clf-10pct-p85/calibration.json --cache $W/mine/answers.sqlite --limit $N \
  --batch-pairs 512 --no-progress --model-arg n_threads=$THREADS
$P bench/mining_compare.py --pool $W/pool.spacy --run mbre-paper=$W/mine/mbre-paper-n$N \
  --run mbre-cal=$W/mine/mbre-cal-n$N --run clf-p85=$W/mine/clf-10pct-p85-n$N --run clf-f1=$W/mine/clf-10pct \
  --baseline mbre-paper --out bench/results/mining_compare_10pct_n$N.json
train_arm mbre-cal mbre-cal-n$N
# The best arm's decision restricted to the same 200 sentences: gold + mined with the same pool size.
train_arm clf-p85-n$N clf-10pct-p85-n$N
echo "done $(date)"
