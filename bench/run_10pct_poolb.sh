#!/usr/bin/env bash
# Issue 16, 10 % SemEval with a second pool: 500 more training sentences (`downstream.py extend-pool`: the next
# sentences of the seed-0 shuffle outside dev, pool and every gold set), mined exactly like the first pool by
# bench/run_10pct.sh (same proposer, in-context examples and cache), decided by the calibration in CAL
# (default: the F1-calibrated cal-clf-10pct; cal-clf-10pct-p85 for the precision-calibrated one). The arm trains
# gold + the first pool's training view + the second's; gold only comes from the earlier JSON (--no-gold-arm).
#   CAL=cal-clf-10pct SEEDS=1,2,3 bash bench/run_10pct_poolb.sh   (finished runs are skipped on a rerun)
source "$(dirname "$0")/common_10pct.sh"
CAL=${CAL:-cal-clf-10pct}
case $CAL in
  cal-clf-10pct) FIRST=clf-10pct ;;
  cal-clf-10pct-p85) FIRST=clf-10pct-p85 ;;
  *) echo "CAL must be cal-clf-10pct or cal-clf-10pct-p85" >&2; exit 2 ;;
esac
OUT=$FIRST-poolb
[ -f $W/pool-b.spacy ] || $P bench/downstream.py extend-pool --n-extra 500 --name pool-b
echo "start mine pool-b ($CAL) $(date)"
$P -m spacy_mbre mine $W/pool-b.spacy $W/mine/$OUT --fewshot $W/gold-1pct.spacy --strategy mbre \
  $PROPOSER \
  --calibration $W/mine/$CAL/calibration.json --cache $W/mine/answers.sqlite --batch-pairs 512 --no-progress \
  --model-arg n_threads=$THREADS
echo "start training $(date)"
$P bench/downstream.py train --gold gold-10pct --seeds "$SEEDS" --fixed-steps 0 --no-gold-arm \
  --arm $FIRST-2pools=$W/mine/$FIRST/train.spacy,$W/mine/$OUT/train.spacy \
  --out bench/results/downstream_gold-10pct_$OUT.json
echo "done $(date)"
