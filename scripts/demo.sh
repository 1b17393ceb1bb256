#!/usr/bin/env bash
# Set up, then index the bundled demo corpus on a throw-away home and ask one question.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/msq demo "${@:-diffusion cifar vs mnist}"
