#!/usr/bin/env bash
# Brings the whole platform up on embedded defaults; Ctrl-C stops all of it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec node libs/devstack/dist/platform-cli.js "$@"
