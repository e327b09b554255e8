#!/usr/bin/env bash
# Lints what CI and the update bot read, so that a broken workflow or Renovate config cannot land:
# .github/workflows with actionlint (syntax, expressions, action inputs, runner labels from
# .github/actionlint.yaml) and renovate.json with Renovate's own validator. Both come from the
# toolchain cache (hack/toolchain.sh), built or installed on first use.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
eval "$(bash hack/toolchain.sh actionlint renovate-config-validator)"
# Without shellcheck and pyflakes, whether or not a machine has them: the result must not depend
# on what happens to be installed. The `run:` scripts are a few lines; hack/ and cli/ hold the logic.
actionlint -shellcheck= -pyflakes=
renovate-config-validator --strict --no-global renovate.json
