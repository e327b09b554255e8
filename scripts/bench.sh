#!/usr/bin/env bash
# `npm run bench`: the policy pack over 1k/10k/100k synthetic resources, then the engine figures
# (pulumi up from empty, no-op preview with and without the policy pack) on a local control plane.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sm), node $(node --version)"
node --expose-gc -r ts-node/register test/bench/policy.bench.ts
eval "$(bash scripts/toolchain.sh)"
bash scripts/control-plane.sh run -- ts-node test/bench/engine.bench.ts
