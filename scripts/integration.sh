#!/usr/bin/env bash
# Integration tests: builds or finds the toolchain, starts a throwaway control plane on loopback,
# runs test/integration with the real pulumi CLI, and stops everything it started.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
eval "$(bash scripts/toolchain.sh)"
bash scripts/control-plane.sh run -- mocha --config .mocharc.integration.json
