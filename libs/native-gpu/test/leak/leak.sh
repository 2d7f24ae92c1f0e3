#!/usr/bin/env bash
# leak.sh: valgrind (memcheck) over the CPU unit specs, in the spirit of sharp's test/leak/leak.sh.
#
# Runs jest in-band under valgrind with the large inputs scaled down (NATIVE_GPU_TEST_SCALE), then
# fails if any definite/indirect leak or memory error has a frame in this addon's own code (vigil::).
# No suppressions file: a suppression matching V8 frames would also hide our leaks (every binding
# call has V8 frames below it). Records without our frames (V8, Node, the statically linked CUDA
# runtime) are counted and reported, never fatal. Needs the Release addon (npm run build).
set -euo pipefail

cd "$(dirname "$0")/../.."
repo_root="$(cd ../.. && pwd)"
log_dir="build/leak"
log="$log_dir/valgrind.log"
mkdir -p "$log_dir"

if ! command -v valgrind >/dev/null; then
  echo "test:leak: valgrind is not installed (apt-get install valgrind)" >&2
  exit 1
fi

echo "test:leak: running the CPU specs under valgrind (several minutes); log: $(pwd)/$log"
started=$(date +%s)
status=0
NATIVE_GPU_VALGRIND=1 NATIVE_GPU_TEST_SCALE="${NATIVE_GPU_TEST_SCALE:-0.05}" valgrind \
  --tool=memcheck \
  --leak-check=full \
  --show-leak-kinds=definite,indirect \
  --errors-for-leak-kinds=definite,indirect \
  --num-callers=40 \
  --log-file="$log" \
  node "$repo_root/node_modules/jest/bin/jest.js" -c jest.config.js --runInBand --ci --watchman=false "$@" || status=$?
echo "test:leak: valgrind run finished in $(( $(date +%s) - started )) s (jest exit $status)"

node test/leak/check-valgrind-log.js "$log"
exit "$status"
