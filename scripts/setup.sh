#!/usr/bin/env bash
# Installs and builds what the platform needs, and does nothing that is already done:
# Debian's librdkafka-dev (the development Kafka broker is built on its mock cluster) and the
# libxgboost-dev / libtorch-dev trainers' libraries, the npm workspaces, the TypeScript build, the dev
# broker launcher, the native trainers and the native addon.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt 20 ]; then
  echo "Node.js 20 or newer is required (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

# Debian package => a file it installs.
declare -A debs=(
  [librdkafka-dev]=/usr/include/librdkafka/rdkafka_mock.h
  [libxgboost-dev]=/usr/include/xgboost/c_api.h
  [libtorch-dev]=/usr/include/torch/csrc/api/include/torch/torch.h
  # libtorch's BLAS: without it Debian falls back to the reference BLAS, about 5× slower to train.
  [libopenblas0-openmp]=/usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3
)
missing=()
for deb in "${!debs[@]}"; do [ -f "${debs[$deb]}" ] || missing+=("$deb"); done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]} (Debian): the development Kafka broker and the model trainers"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages"
  npm ci --no-audit --no-fund
fi

say "building TypeScript"
npm run --silent build
say "building the development Kafka broker"
make -s -C libs/devstack/native
say "building the model trainers"
make -s -C libs/core-ml/native
say "building the native addon"
npm run --silent build -w @vigil/native-gpu
