#!/usr/bin/env bash
# `npm run demo`: builds or finds the toolchain, starts a throwaway cluster with a real node in
# private namespaces, runs hack/demo.ts against it, and tears everything down. It never touches the cluster in
# your KUBECONFIG: for that, run `pulumi up -s homelab` (see the README).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
eval "$(bash hack/toolchain.sh)"
bash hack/control-plane.sh run -- ts-node hack/demo.ts
