#!/usr/bin/env bash
# The project's one test command (`npm test`): lint (code, CI workflows, Renovate config), format
# check, type checks of the program and the policy pack, unit and policy tests (mocks, no
# cluster), then integration tests with the real pulumi CLI against a local control plane. Stops
# at the first failing step.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

log_dir=$(mktemp -d)
trap 'rm -rf "$log_dir"' EXIT

# Each heading carries the clock, so a log shows what each step took.
step() { printf '\n== %s (%s)\n' "$*" "$(date +%T)"; }

step "lint: eslint"
eslint .
step "lint: workflows (actionlint) and renovate.json (renovate-config-validator)"
bash hack/lint-ci-files.sh
step "format: prettier --check"
prettier --check .
step "types: tsc (program, tests) and tsc (policy pack)"
tsc --noEmit -p tsconfig.json
tsc --noEmit -p policy/tsconfig.json

# Prints "N passed, N failed" over every mocha run so far, as the last line of the run.
summary() {
  awk '/^ +[0-9]+ passing/ { passed += $1 } /^ +[0-9]+ failing/ { failed += $1 }
       /^integration suite .* FAILED/ { suites = suites ", suite " $3 " failed" }
       END { printf "\n%d passed, %d failed%s\n", passed, failed, suites }' "$log_dir"/*.log
}

step "unit and policy tests: mocha"
if ! mocha 2>&1 | tee "$log_dir/unit.log"; then
  summary
  exit 1
fi

step "integration tests: pulumi CLI + local control plane"
status=0
bash hack/integration.sh 2>&1 | tee "$log_dir/integration.log" || status=$?
step "done"
summary
exit "$status"
