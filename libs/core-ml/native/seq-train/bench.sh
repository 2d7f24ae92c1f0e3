#!/usr/bin/env bash
# Training speed of seq-train at production shape: N random sequences of K=16 steps × D=26 channels
# (the risk encoder's), lengths 1..16, d=32, 2 heads, FFN 64. Speed does not depend on the values.
# The BLAS libtorch calls decides most of it: Debian's reference libblas3 is 5-10x slower than OpenBLAS
# (apt install libopenblas0-openmp switches libblas.so.3 to it).
# Usage (repository root, after make -C libs/core-ml/native):
#   libs/core-ml/native/seq-train/bench.sh [N=100000] [EPOCHS=1] [THREADS=2] [BATCH=256]
set -euo pipefail
N=${1:-100000} EPOCHS=${2:-1} THREADS=${3:-2} BATCH=${4:-256}
BIN="$(dirname "$0")/../../build/seq-train"
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
node -e '
const fs = require("fs");
const [n, dir] = [Number(process.argv[1]), process.argv[2]];
const K = 16, D = 26;
let s = 12345;
const r = () => ((s = (s * 16807) % 2147483647) / 2147483647);
const x = new Float32Array(n * K * D), y = new Float32Array(n);
for (let i = 0; i < n; i++) {
  const len = 1 + Math.floor(r() * K);
  for (let k = K - len; k < K; k++) { x[(i * K + k) * D] = 1; for (let c = 1; c < D; c++) x[(i * K + k) * D + c] = r(); }
  y[i] = r() < 0.1 ? 1 : 0;
}
fs.writeFileSync(dir + "/x.bin", x); fs.writeFileSync(dir + "/y.bin", y);
' "$N" "$DIR"
echo "seq-train bench: N=$N K=16 D=26 d=32 heads=2 ffn=64 batch=$BATCH epochs=$EPOCHS threads=$THREADS on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE} "$BIN" --data "$DIR/x.bin" --labels "$DIR/y.bin" --out "$DIR" --n "$N" --steps 16 --channels 26 \
  --epochs "$EPOCHS" --batch "$BATCH" --threads "$THREADS" --pos-weight 9 | tail -n 2
