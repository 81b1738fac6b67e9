#!/usr/bin/env bash
# Issue 16, item 5's arm "gold + calibrated binary": binary prompting (one yes/no question per SemEval option, 18 per
# pair) on the pool's first 200 sentences, the same in-context examples (gold-1pct), answer cache and calibration
# protocol as bench/run_10pct_mbre.sh's M-BRe arms: the decision fitted by `calibrate --strategy binary --objective
# precision --target-precision 0.85` on the first 100 dev sentences, and the paper's decision (θ = 0.01) on the
# same answers. Then gold-10pct and gold-1pct + each training view, converged and dev-selected, SEEDS.
# LLM time on 2 threads, estimated from §1's 1.49 s per binary call: about 90 min for the pool's 3,600 questions
# and 45 min for the calibration's 1,800. Every step resumes (answers are committed per chunk to the cache;
# finished training runs are skipped), so the script can be run over several sessions.
#   STEPS=mine,calibrate,train SEEDS=1,2,3 bash bench/run_10pct_binary.sh
source "$(dirname "$0")/common_10pct.sh"
STEPS=${STEPS:-mine,calibrate,train}
N=200
BIN="--strategy binary --cache $W/mine/answers.sqlite --batch-pairs 20 --no-progress --model-arg n_threads=$THREADS"
if [[ ,$STEPS, == *,mine,* ]]; then
  echo "start mine (binary, paper decision θ = 0.01) $(date)"
  $P -m spacy_mbre mine $W/pool.spacy $W/mine/binary-paper-n$N --fewshot $W/gold-1pct.spacy --limit $N $BIN
fi
if [[ ,$STEPS, == *,calibrate,* ]]; then
  echo "start calibrate (binary, first 100 dev sentences) $(date)"
  $P -m spacy_mbre calibrate $W/dev100.spacy $W/mine/cal-binary-10pct-p85 --fewshot $W/gold-1pct.spacy \
    --strategy binary --objective precision --target-precision 0.85 --cache $W/mine/answers.sqlite --batch-pairs 20 \
    --no-progress --model-arg n_threads=$THREADS
  echo "start mine (calibrated binary, from the cache) $(date)"
  $P -m spacy_mbre mine $W/pool.spacy $W/mine/binary-cal-n$N --fewshot $W/gold-1pct.spacy --limit $N $BIN \
    --calibration $W/mine/cal-binary-10pct-p85/calibration.json
  $P bench/mining_compare.py --pool $W/pool.spacy --run binary-paper=$W/mine/binary-paper-n$N \
    --run binary-cal=$W/mine/binary-cal-n$N --run mbre-paper=$W/mine/mbre-paper-n$N --run mbre-cal=$W/mine/mbre-cal-n$N \
    --run clf-p85=$W/mine/clf-10pct-p85-n$N --baseline binary-paper --out bench/results/mining_compare_binary_n$N.json
fi
if [[ ,$STEPS, == *,train,* ]]; then
  for gold in gold-10pct gold-1pct; do
    echo "start training ($gold) $(date)"
    $P bench/downstream.py train --gold $gold --seeds "$SEEDS" --fixed-steps 0 --no-gold-arm \
      --arm "binary-cal=$W/mine/binary-cal-n$N/train.spacy" --arm "binary-paper=$W/mine/binary-paper-n$N/train.spacy" \
      --out "bench/results/downstream_${gold}_binary.json"
  done
fi
echo "done $(date)"
