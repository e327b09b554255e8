#!/usr/bin/env bash
# Integration tests: builds or finds the toolchain, then runs each suite on a throwaway cluster of
# its own (hack/control-plane.sh: a control plane and a real node inside private network,
# mount and PID namespaces) with the real pulumi CLI:
#   fresh-cluster   `pulumi up` from nothing, idempotence, preflight, the admission guard, the
#                   audit, drift, recovery, the policy pack, destroy, killed updates
#   seed-migration  the seed's cluster made with Helm, its debts reproduced on the real node, then
#                   the migration, and DNS, quota and the reserved address observed end to end
#   bare-cluster    a cluster the platform never reaches: its network's isolation, the toolchain
#                   beside an installed Pulumi CLI, its language host and Pulumi.yaml's runtime
#                   options, and bad settings refused with nothing created
# The suites run side by side (one suite alone leaves the cores idle while it waits on controllers
# and readiness; side by side the run is bound by CPU, docs/benchmarks.md), each writing to a log
# of its own that is printed whole as the suite ends; HOMELAB_SUITES_AT_ONCE=1 runs them one after
# the other. Every suite runs even when another fails; then, outside every namespace,
# host.test.ts checks that the host is as it was before the first cluster started. The exit
# status is the first failure's, in the order the suites are listed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
eval "$(bash hack/toolchain.sh)"
suites=("$@")
((${#suites[@]})) || suites=(fresh-cluster seed-migration bare-cluster)
at_once=${HOMELAB_SUITES_AT_ONCE:-${#suites[@]}}
[[ $at_once =~ ^[1-9][0-9]*$ ]] || {
  echo "HOMELAB_SUITES_AT_ONCE must be a whole number of at least 1, not \"$at_once\"" >&2
  exit 2
}
work=$(mktemp -d)
export HOMELAB_HOST_STATE_BEFORE="$work/host-state"
# Node.js keeps the code it compiles here and reuses it: every `pulumi` run starts Node.js for the
# program (and the policy pack), and compiling @pulumi/pulumi's modules anew was a quarter of the
# CPU a program spends before its first resource.
export NODE_COMPILE_CACHE="$work/node-compile-cache"
trap 'rm -rf "$work"' EXIT
ts-node test/integration/hostState.ts >"$HOMELAB_HOST_STATE_BEFORE"

# run_suite NAME: the suite on a cluster of its own, its output in $work/NAME.log and its exit
# status in $work/NAME.status.
run_suite() {
  local code=0
  bash hack/control-plane.sh run -- mocha --config "test/integration/.mocharc.$1.json" \
    >"$work/$1.log" 2>&1 </dev/null || code=$?
  echo "$code" >"$work/$1.status"
}

# show_suite NAME: its log, then (a line test.sh counts: a suite whose cluster did not start
# reports no mocha figures) whether it failed.
show_suite() {
  local code
  code=$(<"$work/$1.status")
  printf '\n== integration suite %s, ended %s\n' "$1" "$(date +%T)"
  cat "$work/$1.log"
  if ((code)); then printf 'integration suite %s FAILED (exit %s)\n' "$1" "$code"; fi
}

# Suites running now: pid -> name.
declare -A running=()

# show_ended: waits for a suite to end, then shows every suite that has.
show_ended() {
  local pid
  wait -n "${!running[@]}" || true
  for pid in "${!running[@]}"; do
    if [[ -e $work/${running[$pid]}.status ]]; then
      show_suite "${running[$pid]}"
      unset "running[$pid]"
    fi
  done
}

for name in "${suites[@]}"; do
  while ((${#running[@]} >= at_once)); do show_ended; done
  printf '\n== integration suite %s starts, on a cluster of its own (%s)\n' "$name" "$(date +%T)"
  run_suite "$name" &
  running[$!]=$name
done
while ((${#running[@]})); do show_ended; done

status=0
for name in "${suites[@]}"; do
  code=$(<"$work/$name.status")
  ((status)) || status=$code
done
printf '\n== the host, after the clusters (%s)\n' "$(date +%T)"
code=0
mocha --config test/integration/.mocharc.host.json || code=$?
((status)) || status=$code
exit "$status"
