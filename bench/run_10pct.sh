#!/usr/bin/env bash
# 10 % SemEval arm of issue 16: proposer = gold-only 10 % seed 1 (model-best),
# decision calibrated on the first 100 dev sentences, in-context examples from gold-1pct (a subset of gold-10pct).
#   SEEDS=1,2,3 bash bench/run_10pct.sh      (default: 1,2,3; finished runs are skipped on a rerun)
set -euo pipefail
cd "$(dirname "$0")/.."
W=bench/work/ds
P=.venv/bin/python
SEEDS=${SEEDS:-1,2,3}
[ -f $W/gold-10pct.spacy ] || $P bench/downstream.py splits
echo "start gold (seed 1: the proposer) $(date)"
$P bench/downstream.py train --gold gold-10pct --seeds 1 --fixed-steps 0 --out bench/results/downstream_gold-10pct.json
$P - <<PY
import spacy
from spacy.tokens import DocBin
nlp = spacy.blank("en")
docs = list(DocBin(store_user_data=True).from_disk("$W/dev.spacy").get_docs(nlp.vocab))
DocBin(docs=docs[:100], store_user_data=True).to_disk("$W/dev100.spacy")
PY
echo "start calibrate $(date)"
$P -m spacy_mbre calibrate $W/dev100.spacy $W/mine/cal-clf-10pct --fewshot $W/gold-1pct.spacy --proposer classifier \
  --proposer-model $W/runs/gold-10pct/gold-s1/model-best --proposer-top-m 3 --proposer-min-prob 0.05 \
  --cache $W/mine/answers.sqlite --batch-pairs 512 --no-progress --model-arg n_threads=1
echo "start mine $(date)"
$P -m spacy_mbre mine $W/pool.spacy $W/mine/clf-10pct --fewshot $W/gold-1pct.spacy --strategy mbre \
  --proposer classifier --proposer-model $W/runs/gold-10pct/gold-s1/model-best --proposer-top-m 3 --proposer-min-prob 0.05 \
  --calibration $W/mine/cal-clf-10pct/calibration.json --cache $W/mine/answers.sqlite --batch-pairs 512 --no-progress --model-arg n_threads=1
echo "start training, seed by seed (gold, then gold + mined) $(date)"
$P bench/downstream.py train --gold gold-10pct --seeds "$SEEDS" --fixed-steps 0 --arm clf=$W/mine/clf-10pct/train.spacy \
  --out bench/results/downstream_gold-10pct.json
echo "done $(date)"
