#!/usr/bin/env bash
# `npm run bench`: the policy pack over 1k/10k/100k synthetic resources, then the engine figures
# (pulumi up, no-op previews of the stack and of a trivial program, with and without the policy
# pack, and where a preview's time goes) on a local control plane.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sm), node $(node --version), $(date -u +%Y-%m-%d)"
echo "load average before the run: $(cut -d" " -f1-3 /proc/loadavg) (other work on the machine inflates every figure)"
# The pack's bench runs compiled, as the pack ships (no ts-node in the measured processes).
node -e '
  const path = require("path");
  require("./policy/build").bundle({
    entry: path.resolve("test/bench/policy.bench.ts"),
    outfile: path.resolve("bin/bench/policy.bench.js"),
    packages: "external",
  }).buildIfStale();'
node --expose-gc bin/bench/policy.bench.js
eval "$(bash scripts/toolchain.sh)"
bash scripts/control-plane.sh run -- ts-node test/bench/engine.bench.ts
