#!/usr/bin/env bash
# Runs the whole test suite (unit, integration, e2e) after making sure everything is installed
# and built. Extra arguments go to jest (e.g. a path or --selectProjects unit).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# ts-jest only transpiles; the specs and their helpers are type-checked here.
npx tsc -p tsconfig.jest.json
results=$(mktemp)
trap 'rm -f "$results"' EXIT
status=0
TZ=UTC npx jest --maxWorkers=2 --json --outputFile="$results" "$@" || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
  if (r.numTotalTests === 0) process.exitCode = 1;
' "$results" || status=1
exit $status
