#!/usr/bin/env bash
# Issue 17, item 2: SURE's candidate label markers (CLMs) against the same classifier without them, on SemEval
# at 10 % gold and on the full training set, 3 seeds each; the (n, m) sweep over VARIANTS (top-n / bottom-m).
#   SCOPE=10pct  bench/downstream.py's converged, dev-selected 10 % protocol (gold-10pct, the 500-sentence dev
#                split, the same schedule and seeds as the gold-only rows of bench/results/downstream_gold-10pct.json,
#                which are the "without" arm; the start-marker representation they used is pinned, whatever the
#                config's default); CLMs start after 100 update steps (about 0.3 of the gold-only arm's
#                best step, 342). JSON bench/results/downstream_gold-10pct_clm.json.
#   SCOPE=full   bench/run_semeval_full.sh with NAME=clm-<n>-<m> (700 steps, pinned: the config's default until
#                2026-12-03, which the recorded runs used; CLM warm-up 0.3 of them); otherwise the config's defaults
#                (peak 2e-4, start_end); the "without" arm is that script's lr2e-4-startend runs, the same setting.
#                JSONs bench/results/semeval_full_clm-<n>-<m>_s<SEED>.test.json.
# Finished runs are skipped on a rerun. Choose on the dev score only (the JSON's best_dev / model-best/meta.json).
#   SCOPE=10pct VARIANTS=2-4,3-2,1-1 SEEDS=1,2,3 bash bench/run_clm.sh
#   SCOPE=full VARIANTS=2-4 SEEDS=1,2,3 bash bench/run_clm.sh
# OUT names the 10 % JSON (default bench/results/downstream_gold-10pct_clm.json): a run over fewer seeds or
# variants writes its own file, so it does not replace the table of an earlier, larger run.
set -euo pipefail
cd "$(dirname "$0")/.."
P=.venv/bin/python
SCOPE=${SCOPE:-10pct}
VARIANTS=${VARIANTS:-2-4,3-2,1-1}
SEEDS=${SEEDS:-1,2,3}
OUT=${OUT:-bench/results/downstream_gold-10pct_clm.json}
C=components.mbre_relations
case $SCOPE in
  10pct)
    ARMS=()
    for v in ${VARIANTS//,/ }; do
      ARMS+=(--override-arm "clm-$v=$C.clm=true;$C.clm_top_n=${v%-*};$C.clm_bottom_m=${v#*-};$C.clm_warmup=100;$C.model.representation=start")
    done
    echo "start CLMs at 10 % ($VARIANTS) $(date)"
    $P bench/downstream.py train --gold gold-10pct --seeds "$SEEDS" --fixed-steps 0 --no-gold-arm "${ARMS[@]}" \
      --out "$OUT" ;;
  full)
    for v in ${VARIANTS//,/ }; do
      NAME=clm-$v OVR="--training.max_steps 700 --$C.clm true --$C.clm_top_n ${v%-*} --$C.clm_bottom_m ${v#*-}" SEEDS=$SEEDS \
        bash bench/run_semeval_full.sh
    done ;;
  *) echo "SCOPE is 10pct or full, not $SCOPE" >&2; exit 1 ;;
esac
echo "done $(date)"
