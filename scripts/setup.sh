#!/usr/bin/env bash
# Create .venv and install msq with its extras. Safe to re-run; fast when cached.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
# The CPU build of torch 2.13.0 lies on local disk here; without this pin a bare
# "torch" requirement can pull a multi-GB CUDA build. Users bring their own torch.
if ! .venv/bin/python -c "import torch" 2>/dev/null; then
    .venv/bin/python -m pip install -q "torch==2.13.0"
fi
# llama-cpp-python (the llm extra) compiles for ~4 minutes once; pip caches the wheel.
.venv/bin/python -m pip install -q -e ".[${MSQ_EXTRAS:-dev,llm}]"
