#!/usr/bin/env bash
# Issue 17, item 4: a SciERC relation setting with a pair representation other than configs/scierc.cfg's
# "start" (e.g. PL-Marker's "start_end": subject start+end markers, the object's start+end markers, levitated
# when packed). The same commands as the `scierc` workflow's scierc-train-relations, scierc-evaluate-gold,
# scierc-assemble and scierc-evaluate-e2e (project.yml), plus the representation override; the output
# directories and result files carry the representation, so the workflow's own runs are untouched.
# Reuses corpus/scierc/*.spacy and training/scierc/ner/model-best (run bench/run_scierc.sh first).
#   SETTING         packing:mdos:clm[:bidirectional] (default subject:false:false; a fourth field `true`
#                   turns on PL-Marker's bidirectional prediction and adds `-bidir` to the tag)
#   REPRESENTATION  start_end (default) or start
#   SEED            the seed (default 0)
#   GPU_ID          -1 (default, CPU) or 0
#   MAX_STEPS       optional: train this many steps instead of the config's 600 (the tag gets -steps<N>;
#                   the schedule's total_steps follows it, warm-up stays 60 steps)
#   E2E             1 (default) also assembles and scores end to end behind training/scierc/ner/model-best;
#                   0 scores gold entities only (no ner needed)
# Each step is skipped when its output exists, so a rerun after a crash resumes at the first unfinished step.
#   REPRESENTATION=start_end SETTING=subject:false:false SEED=0 bash bench/run_scierc_repr.sh
# Recorded in BENCHMARKS §14: subject:false:false with start_end (seeds 0, 1) and start (seed 1), 2026-12-03;
# none:false:false with start, seed 1, E2E=0, 2026-12-04; subject:false:false start seed 2 and
# subject:true:true start seed 1, E2E=0, 2026-12-04; none:false:false start seed 2, E2E=0, 2026-12-04;
# subject:true:false start seeds 0-2 and subject:true:false:true start seed 0, E2E=0, 2026-12-04.
set -euo pipefail
cd "$(dirname "$0")/.."
P=.venv/bin/python
SETTING=${SETTING:-subject:false:false}
REPRESENTATION=${REPRESENTATION:-start_end}
SEED=${SEED:-0}
GPU_ID=${GPU_ID:--1}
MAX_STEPS=${MAX_STEPS:-}
E2E=${E2E:-1}
IFS=: read -r packing mdos clm bidir <<< "$SETTING"
bidir=${bidir:-false}
tag=$packing-mdos-$mdos-clm-$clm$([ "$bidir" = true ] && echo -bidir)-$REPRESENTATION${MAX_STEPS:+-steps$MAX_STEPS}
LOGS=bench/work/scierc/logs
mkdir -p "$LOGS" metrics/scierc bench/results
log=$LOGS/$tag-s$SEED.log
rel=training/scierc/rel-$tag-s$SEED
e2e=training/scierc/e2e-$tag-s$SEED
step() { echo "== $1 ($tag seed=$SEED) $(date '+%F %T') load: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$log"; }
finished=$rel/training-finished  # spaCy rewrites model-last and model-best at every evaluation, so only this says it ended
if [ ! -f "$finished" ]; then
  step train-relations
  $P -m spacy train configs/scierc.cfg --output "$rel" --paths.train corpus/scierc/train.spacy \
    --paths.dev corpus/scierc/dev.spacy --components.mbre_relations.model.packing "$packing" \
    --components.mbre_relations.model.mdos "$mdos" --components.mbre_relations.clm "$clm" \
    --components.mbre_relations.model.representation "$REPRESENTATION" \
    --components.mbre_relations.bidirectional "$bidir" \
    ${MAX_STEPS:+--training.max_steps "$MAX_STEPS"} --system.seed "$SEED" --gpu-id "$GPU_ID" 2>&1 | tee -a "$log"
  date '+%F %T' > "$finished"  # reached only when training exited 0 (set -e, pipefail)
fi
gold=metrics/scierc/gold-entities-$tag-s$SEED.json
if [ ! -f "$gold" ]; then
  step evaluate-gold
  $P -m spacy_mbre evaluate "$rel/model-best" corpus/scierc/test.spacy "$gold" --rel-plus \
    --label "gold-entities-$tag" 2>&1 | tee -a "$log"
fi
cp "$gold" "bench/results/scierc_gold-entities-${tag}_s$SEED.json"
if [ "$E2E" = 0 ]; then exit 0; fi
if [ ! -d "$e2e" ]; then
  step assemble
  $P -m spacy assemble configs/scierc_e2e.cfg "$e2e" --paths.ner_model training/scierc/ner/model-best \
    --paths.relations_model "$rel/model-best" 2>&1 | tee -a "$log"
fi
out=metrics/scierc/e2e-$tag-s$SEED.json
if [ ! -f "$out" ]; then
  step evaluate-e2e
  $P -m spacy_mbre evaluate "$e2e" corpus/scierc/test.spacy "$out" --end-to-end --label "e2e-$tag" 2>&1 | tee -a "$log"
fi
cp "$out" "bench/results/scierc_e2e-${tag}_s$SEED.json"
