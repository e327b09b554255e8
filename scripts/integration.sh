#!/usr/bin/env bash
# Integration tests: builds or finds the toolchain, then runs each suite on a throwaway cluster of
# its own (scripts/control-plane.sh, inside a private network namespace) with the real pulumi CLI:
#   fresh-cluster   bad settings, `pulumi up` from nothing, idempotence, the policy pack
#   seed-migration  the seed's cluster made with Helm, its debts reproduced, then `pulumi up`
# Every suite runs even when an earlier one fails; the exit status is the first failure's.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
eval "$(bash scripts/toolchain.sh)"
status=0
for suite in "${@:-fresh-cluster seed-migration}"; do
  for name in $suite; do
    printf '\n== integration suite %s, on a cluster of its own\n' "$name"
    code=0
    bash scripts/control-plane.sh run -- mocha --config "test/integration/.mocharc.$name.json" || code=$?
    if ((code)); then
      # A line test.sh counts: a suite whose cluster did not start reports no mocha figures.
      printf 'integration suite %s FAILED (exit %s)\n' "$name" "$code"
      ((status)) || status=$code
    fi
  done
done
exit "$status"
