#!/usr/bin/env bash
# Issue 17, item 4: SciERC Rel / Rel+ with gold entities and end to end (spaCy ner -> mbre_pairs ->
# mbre_relations), per relation setting, through the `scierc` workflow's own commands (project.yml,
# docs/end_to_end.md), so the figures are exactly what `spacy project run scierc` produces.
#   SETTINGS  space-separated packing:mdos:clm triples, run in this order (default: packed first, it is the
#             cheaper one, then per pair); the ner is trained once, after the first setting's classifier
#             (its log: bench/work/scierc/logs/ner-s<SEED>.log).
#   SEED      the workflow's `seed` var (ner and classifier).
#   GPU_ID    the workflow's `scierc_gpu_id` var (default -1 = CPU; 0 = the first GPU).
#   TRAIN_NER 1 (default) trains the ner after the first setting; 0 reuses training/scierc/ner as it is (e.g. a
#             ner stopped by hand), so several settings' end-to-end rows sit behind one ner.
#   RUN_TAG   optional: a rerun of a recorded setting keeps its own log and result files
#             (<setting>-s<SEED>-<RUN_TAG>.log, ..._s<SEED>_<RUN_TAG>.json; bench/scierc_table.py: <setting>@<RUN_TAG>).
# Each command is skipped when its outputs are already there (spaCy's project.lock), so a rerun after a
# crash resumes at the first unfinished command. Logs: bench/work/scierc/logs/; the metrics JSONs are copied
# to bench/results/scierc_<gold-entities|e2e>-<setting>_s<SEED>.json.
#   SETTINGS="subject:false:false none:false:false" SEED=0 bash bench/run_scierc.sh
# Recorded in BENCHMARKS §14 (seed 0): subject:false:false (2026-12-02) and subject:true:true (2026-12-03; the
# ner stopped at step 4,000 for time, then scierc-assemble and scierc-evaluate-e2e run by hand with the same vars),
# and none:false:false (2026-12-03, TRAIN_NER=0: behind that same ner).
set -euo pipefail
cd "$(dirname "$0")/.."
P=.venv/bin/python
SETTINGS=${SETTINGS:-subject:false:false none:false:false}
SEED=${SEED:-0}
GPU_ID=${GPU_ID:--1}
TRAIN_NER=${TRAIN_NER:-1}
RUN_TAG=${RUN_TAG:-}
LOGS=bench/work/scierc/logs
mkdir -p "$LOGS" bench/results
run() {  # run <command> <packing> <mdos> <clm>
  echo "== $1 ($2 mdos=$3 clm=$4 seed=$SEED) $(date '+%F %T') load: $(cut -d' ' -f1-3 /proc/loadavg)"
  $P -m spacy project run "$1" . --vars.scierc_packing "$2" --vars.scierc_mdos "$3" --vars.scierc_clm "$4" \
    --vars.seed "$SEED" --vars.scierc_gpu_id "$GPU_ID"
}
first=1
for setting in $SETTINGS; do
  IFS=: read -r packing mdos clm <<< "$setting"
  tag=$packing-mdos-$mdos-clm-$clm
  log=$LOGS/$tag-s$SEED${RUN_TAG:+-$RUN_TAG}.log
  for command in scierc-convert scierc-train-relations scierc-evaluate-gold; do
    run $command "$packing" "$mdos" "$clm" 2>&1 | tee -a "$log"
  done
  if [ $first = 1 ] && [ "$TRAIN_NER" = 1 ]; then run scierc-train-ner "$packing" "$mdos" "$clm" 2>&1 | tee -a "$LOGS/ner-s$SEED.log"; fi
  for command in scierc-assemble scierc-evaluate-e2e; do
    run $command "$packing" "$mdos" "$clm" 2>&1 | tee -a "$log"
  done
  cp "metrics/scierc/gold-entities-$tag.json" "bench/results/scierc_gold-entities-${tag}_s$SEED${RUN_TAG:+_$RUN_TAG}.json"
  cp "metrics/scierc/e2e-$tag.json" "bench/results/scierc_e2e-${tag}_s$SEED${RUN_TAG:+_$RUN_TAG}.json"
  first=0
done
