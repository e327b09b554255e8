#!/usr/bin/env bash
# Integration tests: builds or finds the toolchain, then runs each suite on a throwaway cluster of
# its own (hack/control-plane.sh: a control plane and a real node inside private network,
# mount and PID namespaces) with the real pulumi CLI:
#   fresh-cluster   bad settings, `pulumi up` from nothing, idempotence, the policy pack, drift,
#                   the admission guard, the audit, destroy, killed updates
#   seed-migration  the seed's cluster made with Helm, its debts reproduced on the real node, then
#                   the migration, and DNS, quota and the reserved address observed end to end
# Every suite runs even when an earlier one fails; then, outside every namespace, host.test.ts
# checks that the host is as it was before the first cluster started. The exit status is the
# first failure's.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
eval "$(bash hack/toolchain.sh)"
HOMELAB_HOST_STATE_BEFORE=$(mktemp)
export HOMELAB_HOST_STATE_BEFORE
trap 'rm -f "$HOMELAB_HOST_STATE_BEFORE"' EXIT
ts-node test/integration/hostState.ts >"$HOMELAB_HOST_STATE_BEFORE"
status=0
for suite in "${@:-fresh-cluster seed-migration}"; do
  for name in $suite; do
    printf '\n== integration suite %s, on a cluster of its own (%s)\n' "$name" "$(date +%T)"
    code=0
    bash hack/control-plane.sh run -- mocha --config "test/integration/.mocharc.$name.json" || code=$?
    if ((code)); then
      # A line test.sh counts: a suite whose cluster did not start reports no mocha figures.
      printf 'integration suite %s FAILED (exit %s)\n' "$name" "$code"
      ((status)) || status=$code
    fi
  done
done
printf '\n== the host, after the clusters (%s)\n' "$(date +%T)"
code=0
mocha --config test/integration/.mocharc.host.json || code=$?
((status)) || status=$code
exit "$status"
