#!/usr/bin/env bash
# `npm run bench`: the policy pack over 1k/10k/100k synthetic resources, the local cluster's start
# (until CoreDNS is ready) and memory over three starts, then the engine figures (pulumi up,
# no-op previews of the stack and of a trivial program, with and without the policy pack, and
# where a preview's time goes) on a local cluster.
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
eval "$(bash hack/toolchain.sh)"
echo
echo "local cluster (hack/control-plane.sh), three starts: seconds from the start until each stage, memory once CoreDNS is ready"
starts=$(mktemp)
trap 'rm -f "$starts"' EXIT
for _ in 1 2 3; do
  bash hack/control-plane.sh run -- ts-node test/bench/cluster.bench.ts 2>/dev/null | tail -n 1 >>"$starts"
done
node -e '
  const runs = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((line) => JSON.parse(line));
  for (const key of ["control_plane_ready_s", "node_ready_s", "coredns_ready_s", "rss_mib"]) {
    const values = runs.map((run) => run[key]).sort((a, b) => a - b);
    console.log(`  ${key.padEnd(22)} min ${values[0]}  median ${values[Math.floor(values.length / 2)]}  max ${values[values.length - 1]}`);
  }
  console.log(`  largest (MiB, last start): ${runs[runs.length - 1].largest_mib}`);
' "$starts"
bash hack/control-plane.sh run -- ts-node test/bench/engine.bench.ts
