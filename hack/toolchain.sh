#!/usr/bin/env bash
# Provides the binaries the integration tests need: the Pulumi CLI, its Node.js language host,
# the Kubernetes resource plugin, etcd, the control plane (kube-apiserver,
# kube-controller-manager, kube-scheduler), the node (kubelet, kube-proxy, kubectl, containerd,
# runc and the CNI plugins, CoreDNS, kube-router's NetworkPolicy controller), the images the
# node runs (built here from the upstream modules: pause, busybox, CoreDNS, MetalLB's controller
# and speaker, Argo's workflow-controller, argoexec and argo CLI; and the two stand-ins of
# hack/stand-ins), the Helm CLI, and the two linters of the repository's CI files
# (actionlint for .github/workflows, Renovate's config validator for renovate.json).
#
# A Pulumi CLI already on PATH (v3.250 or newer) is used as it is, with the language host that
# ships beside it and the user's own plugin folder; the kubernetes plugin is then installed the
# normal way (`pulumi plugin install`), and built here only when that download fails. etcd and
# the Kubernetes binaries are taken from $KUBEBUILDER_ASSETS or PATH when their versions fit.
# Everything else is built from its Go module with the ordinary `go` client, once, into a cache
# outside the repository (one folder per component and version). Later runs find the finished
# binaries and return in well under a second.
#
# Usage:
#   eval "$(bash hack/toolchain.sh)"   # build what is missing, then export the environment
#   eval "$(bash hack/toolchain.sh actionlint renovate-config-validator)"   # only these
#   bash hack/toolchain.sh --check     # only report what is missing (exit 1 if anything is)
#
# Tools by name: etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy
# kubectl coredns kube-router node-packages (containerd, runc, CNI plugins, iptables, busybox,
# from Debian's packages) node-images helm actionlint renovate-config-validator pulumi (the
# CLI, its language host and the kubernetes plugin).
#
# Each `# renovate:` comment names the module (or package) of the pin below it, for the update
# bot (renovate.json); test/unit/renovate.test.ts checks that every pin has one.
#
# stdout carries nothing but `export` lines; progress and errors go to stderr.
set -euo pipefail

# renovate: datasource=go depName=github.com/pulumi/pulumi/pkg/v3
PULUMI_VERSION=v3.274.1
# The Node.js language host is published as its own module only at commits, and the Go module
# proxy reachable here serves none of them. Until v3.68.0 it was a package inside
# github.com/pulumi/pulumi/sdk/v3, which is served: that is the newest host we can build. The
# CLI still runs programs through it (it falls back when a host lacks newer RPCs), and the host
# starts the project's own @pulumi/pulumi (`node_modules/@pulumi/pulumi/cmd/run`). It lacks
# RunPlugin, which starts policy packs: build_nodejs_host compiles ours in. (renovate.json keeps
# this pin still: newer tags of the module no longer hold the host.)
# renovate: datasource=go depName=github.com/pulumi/pulumi/sdk/v3
NODEJS_HOST_SDK_VERSION=v3.68.0
# @pulumi/kubernetes 4.25.0 asks the engine for this plugin version, so it follows the npm
# package (renovate.json groups the two). The provider module is only published as a
# pseudo-version of the tag's commit: K8S_PROVIDER_MODULE_VERSION is updated by hand with it
# (`go list -m github.com/pulumi/pulumi-kubernetes/provider/v4@<commit>`).
# renovate: datasource=npm depName=@pulumi/kubernetes
K8S_PROVIDER_VERSION=4.25.0
K8S_PROVIDER_MODULE_VERSION=v4.0.0-20260115033456-f47bc2d6f199
# Stands in for the provider module's `replace .../sdk/v4 => ../sdk`.
# renovate: datasource=go depName=github.com/pulumi/pulumi-kubernetes/sdk/v4
K8S_PROVIDER_SDK_VERSION=v4.25.0
# renovate: datasource=go depName=go.etcd.io/etcd/server/v3
ETCD_VERSION=v3.6.16
# The homelab's Kubernetes minor (k3s v1.33): control plane and node alike.
# renovate: datasource=go depName=k8s.io/kubernetes
KUBERNETES_VERSION=v1.33.13
# The CoreDNS k3s v1.33 ships.
# renovate: datasource=go depName=github.com/coredns/coredns
COREDNS_VERSION=v1.12.1
# kube-router's NetworkPolicy controller enforces the stack's egress rules on the test node. The
# proxy serves no other v2 release; security reports exist against it, so it runs only here,
# inside the private namespace, and never reaches anything outside it.
# renovate: datasource=go depName=github.com/cloudnativelabs/kube-router/v2
KUBE_ROUTER_VERSION=v2.1.0
# The controllers the integration tests run for real, at the versions the stack pins.
# renovate: datasource=go depName=go.universe.tf/metallb
METALLB_VERSION=v0.15.2
# renovate: datasource=go depName=github.com/argoproj/argo-workflows/v3
ARGO_WORKFLOWS_VERSION=v3.6.10
# renovate: datasource=go depName=helm.sh/helm/v3
HELM_VERSION=v3.22.0
# The workflow linter that hack/test.sh runs on .github/workflows.
# renovate: datasource=go depName=github.com/rhysd/actionlint
ACTIONLINT_VERSION=v1.7.12

# Versions accepted from $KUBEBUILDER_ASSETS or PATH instead of building (extended regexes
# matched against the version the binary prints).
ETCD_ACCEPT='^3\.(5|6)\.'
KUBERNETES_ACCEPT='^v1\.33\.'
# A Pulumi CLI on PATH is used from this version on: older ones lack what the tests use
# (policy packs started through the language host, `pulumi policy analyze`).
PULUMI_ACCEPT='^v3\.(2[5-9][0-9]|[3-9][0-9][0-9])\.'

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${HOMELAB_TOOLCHAIN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/homelab-platform/toolchain}
PULUMI_HOME_DIR="$CACHE/pulumi-home"

PULUMI_DIR="$CACHE/pulumi-$PULUMI_VERSION"
NODEJS_HOST_DIR="$CACHE/pulumi-language-nodejs-sdk-$NODEJS_HOST_SDK_VERSION-runplugin-$(cat "$SCRIPT_DIR"/toolchain/nodejs_*.go | cksum | cut -d" " -f1)"
K8S_PROVIDER_DIR="$CACHE/pulumi-resource-kubernetes-v$K8S_PROVIDER_VERSION"
ETCD_DIR="$CACHE/etcd-$ETCD_VERSION"
KUBERNETES_DIR="$CACHE/kubernetes-$KUBERNETES_VERSION"
METALLB_DIR="$CACHE/metallb-$METALLB_VERSION"
ARGO_DIR="$CACHE/argo-workflows-$ARGO_WORKFLOWS_VERSION"
HELM_DIR="$CACHE/helm-$HELM_VERSION"
ACTIONLINT_DIR="$CACHE/actionlint-$ACTIONLINT_VERSION"
# Renovate's validator is an npm package with its own lockfile (and its own Node.js: it needs
# Node 24), kept out of the project's dependencies because it is large. Keyed by the lockfile.
RENOVATE_SOURCE="$SCRIPT_DIR/toolchain/renovate"
RENOVATE_DIR="$CACHE/renovate-config-validator-$(cat "$RENOVATE_SOURCE"/package.json "$RENOVATE_SOURCE"/package-lock.json | cksum | cut -d" " -f1)"
COREDNS_DIR="$CACHE/coredns-$COREDNS_VERSION"
KUBE_ROUTER_DIR="$CACHE/kube-router-$KUBE_ROUTER_VERSION"
PAUSE_DIR="$CACHE/pause-$KUBERNETES_VERSION"
# The stand-ins are this repository's own Go module, keyed by the sources' checksum.
STAND_INS_SOURCE="$SCRIPT_DIR/stand-ins"
stand_ins_sum=$(find "$STAND_INS_SOURCE" -type f \( -name '*.go' -o -name 'go.*' \) | sort | xargs cat | cksum | cut -d" " -f1)
STAND_INS_DIR="$CACHE/stand-ins-$stand_ins_sum"
# The links put on PATH, one folder per toolchain definition (this script and the stand-ins'
# sources): checkouts that pin other versions, sharing the cache, never relink each other's
# binaries under a running cluster.
BIN="$CACHE/bin-$(cat "${BASH_SOURCE[0]}" "$SCRIPT_DIR/node-images.sh" | cksum | cut -d" " -f1)-$stand_ins_sum"
K8S_PLUGIN_MARKER="$PULUMI_HOME_DIR/plugins/resource-kubernetes-v$K8S_PROVIDER_VERSION/pulumi-resource-kubernetes"

# Builds must not pick up a newer Go toolchain, VCS stamping or a workspace from the caller.
export GOTOOLCHAIN=local GOFLAGS=-buildvcs=false GOWORK=off CGO_ENABLED=0

log() { printf 'toolchain: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

known_tools=(etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl
  coredns kube-router node-packages node-images helm actionlint renovate-config-validator pulumi)
# The binaries of k8s.io/kubernetes, built together (they share most of their packages).
kubernetes_commands=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl)
check_only=false
wanted_tools=()
for argument in "$@"; do
  case $argument in
    --check) check_only=true ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2; exit 0 ;;
    -*) die "unknown argument: $argument (try --help)" ;;
    *)
      [[ " ${known_tools[*]} " == *" $argument "* ]] || die "unknown tool: $argument (known: ${known_tools[*]})"
      wanted_tools+=("$argument")
      ;;
  esac
done

# True when the caller asked for this tool, or named none (everything).
wanted() {
  ((${#wanted_tools[@]} == 0)) || [[ " ${wanted_tools[*]} " == *" $1 "* ]]
}

# ---------------------------------------------------------------------------------------------
# Finding usable binaries that are already installed.

# Prints the path of an installed binary whose version matches $2, searching
# $KUBEBUILDER_ASSETS (the envtest convention) first, then PATH. Our own bin/ is skipped: it
# only holds links to what an earlier run chose.
find_installed() {
  local name=$1 accept=$2 candidate version
  for candidate in ${KUBEBUILDER_ASSETS:+"$KUBEBUILDER_ASSETS/$name"} "$(type -P "$name" || true)"; do
    [[ -n $candidate && -x $candidate ]] || continue
    # Resolved, so that bin/ never links to itself.
    candidate=$(readlink -f "$candidate")
    [[ $candidate == "$CACHE"/* ]] && continue
    version=$(installed_version "$name" "$candidate") || continue
    if [[ $version =~ $accept ]]; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  return 1
}

installed_version() {
  local name=$1 path=$2
  case $name in
    etcd) timeout 10 "$path" --version 2>/dev/null | sed -n 's/^etcd Version: //p' ;;
    kube-*) timeout 10 "$path" --version 2>/dev/null | sed -n 's/^Kubernetes //p' ;;
    pulumi) PULUMI_SKIP_UPDATE_CHECK=true timeout 10 "$path" version 2>/dev/null ;;
  esac
}

# ---------------------------------------------------------------------------------------------
# Building from the Go module proxy.

# Prints the local path of a module's go.mod, downloading it (only the .mod) if needed.
module_gomod() {
  go mod download -json "$1" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p'
}

module_dir() {
  go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p'
}

# The `go` line for a wrapper: the upstream module's own, but at least 1.24 (needed for the
# `tool` directive). A matching `godebug default=` keeps the upstream runtime defaults.
wrapper_go_lines() {
  local gomod=$1 version minor
  version=$(sed -n 's/^go \([0-9.]*\).*/\1/p' "$gomod" | head -n1)
  minor=$(cut -d. -f2 <<<"$version")
  if ((minor < 24)); then
    printf 'go 1.24.0\n\ngodebug default=go1.%s\n' "$minor"
  else
    printf 'go %s\n\ngodebug default=go1.%s\n' "$version" "$minor"
  fi
}

# `replace` lines of a go.mod that point at other modules (not at folders of its repository).
# A dependency's replaces are ignored by Go, so a wrapper has to repeat them.
nonlocal_replaces() {
  awk '
    /^replace \($/ { block = 1; next }
    block && /^\)/ { block = 0; next }
    block { line = $0 }
    !block && /^replace / { line = substr($0, 9) }
    line != "" {
      split(line, parts, "=>")
      target = parts[2]; gsub(/^[ \t]+/, "", target)
      if (index(line, "=>") && target !~ /^\.\.?\//) print "\t" line
      line = ""
    }
  ' "$1" | sed 's/^\t[[:space:]]*/\t/'
}

# Writes a wrapper module into $1 (go.mod from stdin), resolves it and builds its `tool`
# packages into $2 with extra linker flags $3. A binary appears in $2 only once complete.
build_wrapper() {
  local build=$1 out=$2 ldflags=$3
  shift 3
  mkdir -p "$build" "$out"
  cat >"$build/go.mod"
  (
    cd "$build"
    go mod tidy >&2
    tmp=$(mktemp -d "$out/.build.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    # One `go build` for all packages, so shared dependencies are compiled once.
    if (($# == 1)); then
      go build -trimpath -tags osusergo,grpcnotrace -ldflags "-s -w $ldflags" \
        -o "$tmp/$(binary_name "$1")" "$1" >&2
    else
      go build -trimpath -tags osusergo,grpcnotrace -ldflags "-s -w $ldflags" -o "$tmp/" "$@" >&2
    fi
    local pkg built
    for pkg in "$@"; do
      built=$(binary_name "$pkg")
      (($# == 1)) || built=${pkg##*/}
      mv -f "$tmp/$built" "$out/$(binary_name "$pkg")"
    done
  )
}

# Binary name of a main package (etcd's main package is the module root).
binary_name() {
  case $1 in
    go.etcd.io/etcd/server/v3) echo etcd ;;
    go.universe.tf/metallb/controller) echo metallb-controller ;;
    go.universe.tf/metallb/speaker) echo metallb-speaker ;;
    *) echo "${1##*/}" ;;
  esac
}

timed() {
  local label=$1 start=$SECONDS
  shift
  "$@"
  log "$label done in $((SECONDS - start))s"
}

build_pulumi() {
  log "building pulumi $PULUMI_VERSION (cold builds take several minutes)..."
  local pkg_mod
  pkg_mod=$(module_gomod "github.com/pulumi/pulumi/pkg/v3@$PULUMI_VERSION")
  {
    printf 'module homelab.local/toolchain/pulumi\n\n'
    wrapper_go_lines "$pkg_mod"
    printf '\nrequire (\n\tgithub.com/pulumi/pulumi/pkg/v3 %s\n\tgithub.com/pulumi/pulumi/sdk/v3 %s\n)\n' \
      "$PULUMI_VERSION" "$PULUMI_VERSION"
    # pkg/v3 replaces github.com/atotto/clipboard with a fork; its API differs, so it is needed.
    printf '\nreplace (\n%s\n)\n' "$(nonlocal_replaces "$pkg_mod")"
    printf '\ntool github.com/pulumi/pulumi/pkg/v3/cmd/pulumi\n'
  } | build_wrapper "$PULUMI_DIR/build" "$PULUMI_DIR" \
    "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" \
    github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
}

# The host is built from a copy of its package with our RunPlugin (hack/toolchain/
# nodejs_run_plugin.go) in place of the "not supported" stub, so `--policy-pack ./policy` works,
# and reading Pulumi.yaml's `typescript` option from the request, where current CLIs send it
# (nodejs_program_options.go), instead of from a flag they no longer pass.
build_nodejs_host() {
  log "building pulumi-language-nodejs (sdk $NODEJS_HOST_SDK_VERSION, with RunPlugin)..."
  local sdk_mod sdk_dir host="$NODEJS_HOST_DIR/build/pulumi-language-nodejs"
  sdk_mod=$(module_gomod "github.com/pulumi/pulumi/sdk/v3@$NODEJS_HOST_SDK_VERSION")
  sdk_dir=$(module_dir "github.com/pulumi/pulumi/sdk/v3@$NODEJS_HOST_SDK_VERSION")
  rm -rf "$host"
  mkdir -p "$host"
  for file in "$sdk_dir"/nodejs/cmd/pulumi-language-nodejs/*.go; do
    [[ $file == *_test.go ]] && continue
    cp "$file" "$host/"
  done
  chmod -R u+w "$host"
  awk '/^func \(host \*nodeLanguageHost\) RunPlugin\(/ { skip = 1 }
       !skip { print }
       skip && /^}/ { skip = 0 }' "$host/main.go" >"$host/main.go.new"
  mv "$host/main.go.new" "$host/main.go"
  sed -i 's/if host\.typescript {/if programUsesTypeScript(req, host.typescript) {/' "$host/main.go"
  grep -q 'programUsesTypeScript(req' "$host/main.go" ||
    die "pulumi-language-nodejs $NODEJS_HOST_SDK_VERSION no longer reads host.typescript where toolchain.sh expects"
  cp "$SCRIPT_DIR"/toolchain/nodejs_*.go "$host/"
  {
    printf 'module homelab.local/toolchain/nodejs-host\n\n'
    wrapper_go_lines "$sdk_mod"
    printf '\nrequire github.com/pulumi/pulumi/sdk/v3 %s\n' "$NODEJS_HOST_SDK_VERSION"
    printf '\nreplace (\n%s\n)\n' "$(nonlocal_replaces "$sdk_mod")"
  } | build_wrapper "$NODEJS_HOST_DIR/build" "$NODEJS_HOST_DIR" \
    "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$NODEJS_HOST_SDK_VERSION" \
    homelab.local/toolchain/nodejs-host/pulumi-language-nodejs
}

# The provider's main package go:embeds schema-embed.json and terraform-mapping-embed.json,
# which upstream's `go generate` (cmd/pulumi-resource-kubernetes/generate.go) derives from
# schema.json (stamping the version into it) and terraform-mapping.json. So the module is
# built from a writable copy of its source, where that generator is run first.
build_k8s_provider() {
  log "building pulumi-resource-kubernetes v$K8S_PROVIDER_VERSION (cold builds take several minutes)..."
  local src="$K8S_PROVIDER_DIR/build/provider" module_src
  module_src=$(module_dir "github.com/pulumi/pulumi-kubernetes/provider/v4@$K8S_PROVIDER_MODULE_VERSION")
  rm -rf "$src"
  mkdir -p "$src"
  cp -R "$module_src/." "$src/"
  chmod -R u+w "$src"
  (
    cd "$src"
    # The module replaces its SDK with the repository folder ../sdk; use the published SDK of
    # the same release instead.
    go mod edit -replace "github.com/pulumi/pulumi-kubernetes/sdk/v4=github.com/pulumi/pulumi-kubernetes/sdk/v4@$K8S_PROVIDER_SDK_VERSION"
    # -mod=mod records checksums for just what the build needs (tidy would also chase the
    # test-only dependencies of every package).
    (cd cmd/pulumi-resource-kubernetes && VERSION=$K8S_PROVIDER_VERSION go run -mod=mod ./generate.go)
    tmp=$(mktemp "$K8S_PROVIDER_DIR/.pulumi-resource-kubernetes.XXXXXX")
    trap 'rm -f "$tmp"' EXIT
    go build -mod=mod -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$K8S_PROVIDER_VERSION" \
      -o "$tmp" ./cmd/pulumi-resource-kubernetes >&2
    mv -f "$tmp" "$K8S_PROVIDER_DIR/pulumi-resource-kubernetes"
  )
}

build_etcd() {
  log "building etcd $ETCD_VERSION (cold builds take a few minutes)..."
  local server_mod
  server_mod=$(module_gomod "go.etcd.io/etcd/server/v3@$ETCD_VERSION")
  {
    printf 'module homelab.local/toolchain/etcd\n\n'
    wrapper_go_lines "$server_mod"
    printf '\nrequire go.etcd.io/etcd/server/v3 %s\n' "$ETCD_VERSION"
    # The server module replaces its sibling modules with repository folders; the published
    # modules of the same release are the same code.
    printf '\nreplace (\n'
    local sibling
    for sibling in api/v3 client/pkg/v3 client/v3 pkg/v3; do
      printf '\tgo.etcd.io/etcd/%s => go.etcd.io/etcd/%s %s\n' "$sibling" "$sibling" "$ETCD_VERSION"
    done
    printf ')\n\ntool go.etcd.io/etcd/server/v3\n'
  } | build_wrapper "$ETCD_DIR/build" "$ETCD_DIR" "" go.etcd.io/etcd/server/v3
}

build_kubernetes() {
  log "building ${kubernetes_commands[*]} $KUBERNETES_VERSION (cold builds take about ten minutes)..."
  local k8s_mod staging_version minor ldflags="" pkg
  k8s_mod=$(module_gomod "k8s.io/kubernetes@$KUBERNETES_VERSION")
  # k8s.io/kubernetes requires its staging modules at v0.0.0 and replaces them with
  # ./staging/src/k8s.io/<name>; each is published as k8s.io/<name> v0.<minor>.<patch>.
  staging_version="v0.${KUBERNETES_VERSION#v1.}"
  minor=$(cut -d. -f2 <<<"$KUBERNETES_VERSION")
  # Without these the binaries report a placeholder version, which clients and the
  # apiserver's own compatibility checks read.
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  {
    printf 'module homelab.local/toolchain/kubernetes\n\n'
    wrapper_go_lines "$k8s_mod"
    printf '\nrequire k8s.io/kubernetes %s\n\nreplace (\n' "$KUBERNETES_VERSION"
    awk -v v="$staging_version" '$1 ~ /^k8s\.io\// && $2 == "v0.0.0" { print "\t" $1 " => " $1 " " v }' "$k8s_mod"
    printf ')\n\ntool (\n'
    printf '\tk8s.io/kubernetes/cmd/%s\n' "${kubernetes_commands[@]}"
    printf ')\n'
  } | build_wrapper "$KUBERNETES_DIR/build" "$KUBERNETES_DIR" "$ldflags" \
    "${kubernetes_commands[@]/#/k8s.io/kubernetes/cmd/}"
}

# A wrapper module around one upstream module at a tag, repeating the upstream go.mod's
# non-local replaces (and any extra `replace` line given in $EXTRA_REPLACE), that builds the
# given main packages.
# build_upstream MODULE VERSION DIR LDFLAGS PACKAGE...
build_upstream() {
  local module=$1 version=$2 dir=$3 ldflags=$4 gomod name
  shift 4
  name=$(basename "$dir")
  gomod=$(module_gomod "$module@$version")
  {
    printf 'module homelab.local/toolchain/%s\n\n' "$name"
    wrapper_go_lines "$gomod"
    printf '\nrequire %s %s\n' "$module" "$version"
    local replaces
    replaces=$(nonlocal_replaces "$gomod")
    [[ -n ${EXTRA_REPLACE:-} ]] && replaces+=$'\n\t'"$EXTRA_REPLACE"
    [[ -n $replaces ]] && printf '\nreplace (\n%s\n)\n' "$replaces"
    printf '\ntool (\n'
    printf '\t%s\n' "$@"
    printf ')\n'
  } | build_wrapper "$dir/build" "$dir" "$ldflags" "$@"
}

build_metallb() {
  log "building MetalLB's controller and speaker $METALLB_VERSION (a few minutes)..."
  # go.universe.tf/metallb is the module's own name; the proxy refuses the GitHub path.
  build_upstream go.universe.tf/metallb "$METALLB_VERSION" "$METALLB_DIR" "" \
    go.universe.tf/metallb/controller go.universe.tf/metallb/speaker
}

# Upstream's workflow/executor/os-specific/signal_linux.go is a symlink to signal_darwin.go, and
# module zips drop symlinks: as served, argoexec does not build on Linux ("undefined: Setpgid").
# Both commands are built from a copy of the module with that one file put back as upstream's
# symlink resolves it.
build_argo() {
  log "building Argo Workflows' workflow-controller, argoexec and argo $ARGO_WORKFLOWS_VERSION (a few minutes)..."
  local pkg=github.com/argoproj/argo-workflows/v3 source="$ARGO_DIR/build/module"
  rm -rf "$source"
  mkdir -p "$ARGO_DIR/build"
  cp -R "$(module_dir "$pkg@$ARGO_WORKFLOWS_VERSION")" "$source"
  chmod -R u+w "$source"
  local signal="$source/workflow/executor/os-specific"
  [[ -f $signal/signal_linux.go ]] || cp "$signal/signal_darwin.go" "$signal/signal_linux.go"
  EXTRA_REPLACE="$pkg => ./module" build_upstream "$pkg" "$ARGO_WORKFLOWS_VERSION" "$ARGO_DIR" \
    "-X $pkg.version=$ARGO_WORKFLOWS_VERSION -X $pkg.gitTag=$ARGO_WORKFLOWS_VERSION -X $pkg.gitTreeState=clean" \
    "$pkg/cmd/workflow-controller" "$pkg/cmd/argoexec" "$pkg/cmd/argo"
}

build_coredns() {
  log "building CoreDNS $COREDNS_VERSION (about five minutes)..."
  build_upstream github.com/coredns/coredns "$COREDNS_VERSION" "$COREDNS_DIR" \
    "-X github.com/coredns/coredns/coremain.GitCommit=$COREDNS_VERSION" github.com/coredns/coredns
}

build_kube_router() {
  log "building kube-router $KUBE_ROUTER_VERSION (about eight minutes)..."
  local pkg=github.com/cloudnativelabs/kube-router/v2
  build_upstream "$pkg" "$KUBE_ROUTER_VERSION" "$KUBE_ROUTER_DIR" \
    "-X $pkg/pkg/version.Version=$KUBE_ROUTER_VERSION" "$pkg/cmd/kube-router"
}

# The pod sandbox's process, compiled from the C source k8s.io/kubernetes ships
# (build/pause/linux/pause.c), the way its Makefile does.
build_pause() {
  log "building pause from k8s.io/kubernetes $KUBERNETES_VERSION (seconds)..."
  local source tmp
  source="$(module_dir "k8s.io/kubernetes@$KUBERNETES_VERSION")/build/pause/linux/pause.c"
  mkdir -p "$PAUSE_DIR"
  tmp=$(mktemp "$PAUSE_DIR/.pause.XXXXXX")
  gcc -Os -Wall -Werror -static -DVERSION="$KUBERNETES_VERSION" -o "$tmp" "$source" >&2 ||
    { rm -f "$tmp"; return 1; }
  strip "$tmp"
  mv -f "$tmp" "$PAUSE_DIR/pause"
}

# The stand-ins are this repository's own module; its go.sum pins their dependencies.
build_stand_ins() {
  log "building the stand-ins (hack/stand-ins)..."
  mkdir -p "$STAND_INS_DIR"
  local tmp
  tmp=$(mktemp -d "$STAND_INS_DIR/.build.XXXXXX")
  (cd "$STAND_INS_SOURCE" && go build -mod=readonly -trimpath -ldflags "-s -w" -o "$tmp/" ./...) >&2 ||
    { rm -rf "$tmp"; return 1; }
  mv -f "$tmp"/* "$STAND_INS_DIR/"
  rmdir "$tmp"
}

# containerd, runc, the CNI plugins, iptables, conntrack, ipset and a static busybox come from
# Debian's packages: installed here when missing (as root, with apt-get).
node_packages=(containerd runc containernetworking-plugins iptables conntrack ipset busybox-static)
node_package_files=(/usr/bin/containerd /usr/sbin/runc /usr/lib/cni/bridge /usr/sbin/iptables
  /usr/sbin/conntrack /usr/sbin/ipset /bin/busybox)
missing_node_packages() {
  local i
  for i in "${!node_packages[@]}"; do
    [[ -x ${node_package_files[$i]} ]] || printf '%s\n' "${node_packages[$i]}"
  done
  # busybox-static, not the dynamic busybox: the image has no libc.
  [[ $(dpkg-query -W -f='${Status}' busybox-static 2>/dev/null) == "install ok installed" ]] ||
    echo busybox-static
}
install_node_packages() {
  local missing
  mapfile -t missing < <(missing_node_packages | sort -u)
  ((${#missing[@]})) || return 0
  ((EUID == 0)) || die "Debian packages missing: ${missing[*]} (run as root, or apt-get install them)"
  log "installing Debian packages: ${missing[*]}..."
  apt-get update >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2
}

build_helm() {
  log "building helm $HELM_VERSION (a few minutes)..."
  build_upstream helm.sh/helm/v3 "$HELM_VERSION" "$HELM_DIR" \
    "-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" helm.sh/helm/v3/cmd/helm
}

build_actionlint() {
  log "building actionlint $ACTIONLINT_VERSION (seconds)..."
  build_upstream github.com/rhysd/actionlint "$ACTIONLINT_VERSION" "$ACTIONLINT_DIR" \
    "-X github.com/rhysd/actionlint.version=$ACTIONLINT_VERSION" github.com/rhysd/actionlint/cmd/actionlint
}

# `npm ci` of hack/toolchain/renovate into the cache, and a launcher that puts that package's
# own Node.js first on PATH.
install_renovate_validator() {
  log "installing Renovate's config validator (npm, about 550 MB, under a minute)..."
  mkdir -p "$RENOVATE_DIR"
  local tmp
  tmp=$(mktemp -d "$RENOVATE_DIR/.install.XXXXXX")
  cp "$RENOVATE_SOURCE"/package.json "$RENOVATE_SOURCE"/package-lock.json "$tmp/"
  # Install scripts are skipped except the `node` package's (it links its binary): the others
  # build native modules such as re2, which needs Node 24's headers from the internet.
  (cd "$tmp" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && npm rebuild node) >&2 ||
    { rm -rf "$tmp"; return 1; }
  rm -rf "$RENOVATE_DIR/package"
  mv "$tmp" "$RENOVATE_DIR/package"
  # Without re2, Renovate checks the regexes with JavaScript's RegExp; RENOVATE_X_IGNORE_RE2 says
  # so up front instead of a warning with a stack trace (test/unit/renovate.test.ts keeps the
  # patterns within what RE2 accepts).
  printf '#!/usr/bin/env bash\nPATH=%q:"$PATH" RENOVATE_X_IGNORE_RE2=true exec renovate-config-validator "$@"\n' \
    "$RENOVATE_DIR/package/node_modules/.bin" >"$RENOVATE_DIR/.launcher"
  chmod +x "$RENOVATE_DIR/.launcher"
  mv -f "$RENOVATE_DIR/.launcher" "$RENOVATE_DIR/renovate-config-validator"
}

# Registers the provider binary as the plugin @pulumi/kubernetes asks for, so the engine never
# tries to download it.
install_k8s_plugin() {
  log "installing the kubernetes v$K8S_PROVIDER_VERSION plugin into $PULUMI_HOME_DIR"
  PULUMI_HOME=$PULUMI_HOME_DIR PULUMI_SKIP_UPDATE_CHECK=true \
    "$PULUMI_DIR/pulumi" plugin install resource kubernetes "v$K8S_PROVIDER_VERSION" \
    --file "$K8S_PROVIDER_DIR/pulumi-resource-kubernetes" >&2
}

# ---------------------------------------------------------------------------------------------
# Deciding what to use.

# Each entry: link name in bin/ -> where the binary comes from.
declare -A source_of=()
missing=()

# Use an installed binary if its version fits, else the cached build (building it if allowed).
resolve() {
  local name=$1 accept=$2 cached=$3 builder=$4 found
  if [[ -n $accept ]] && found=$(find_installed "$name" "$accept"); then
    source_of[$name]=$found
    return
  fi
  if [[ ! -x $cached ]]; then
    if $check_only; then
      missing+=("$name (would build into ${cached%/*})")
      return
    fi
    timed "$name" "$builder"
    [[ -x $cached ]] || die "$builder did not produce $cached"
  fi
  source_of[$name]=$cached
}

mkdir -p "$CACHE"
# Module queries below must not be read as commands on whatever Go module the caller is in.
cd "$CACHE"
if ! $check_only; then
  # One build at a time per cache; a second caller waits and then finds the binaries.
  exec 9>"$CACHE/.lock"
  if ! flock -n 9; then
    log "waiting for another build in $CACHE..."
    flock 9
  fi
fi

if wanted node-packages || wanted node-images; then
  if $check_only; then
    mapfile -t packages < <(missing_node_packages | sort -u)
    ((${#packages[@]} == 0)) || missing+=("Debian packages: ${packages[*]}")
  else
    install_node_packages
  fi
fi
if wanted etcd; then resolve etcd "$ETCD_ACCEPT" "$ETCD_DIR/etcd" build_etcd; fi
for name in kube-apiserver kube-controller-manager kube-scheduler; do
  if wanted "$name"; then resolve "$name" "$KUBERNETES_ACCEPT" "$KUBERNETES_DIR/$name" build_kubernetes; fi
done
# The node's binaries come from the same build as the control plane, never from PATH.
for name in kubelet kube-proxy kubectl; do
  if wanted "$name"; then resolve "$name" "" "$KUBERNETES_DIR/$name" build_kubernetes; fi
done
if wanted coredns || wanted node-images; then resolve coredns "" "$COREDNS_DIR/coredns" build_coredns; fi
if wanted kube-router; then resolve kube-router "" "$KUBE_ROUTER_DIR/kube-router" build_kube_router; fi
if wanted helm; then resolve helm "" "$HELM_DIR/helm" build_helm; fi

# The images the node runs, rebuilt whenever a binary in them or hack/node-images.sh changes.
if wanted node-images; then
  resolve pause "" "$PAUSE_DIR/pause" build_pause
  resolve metallb-controller "" "$METALLB_DIR/metallb-controller" build_metallb
  resolve metallb-speaker "" "$METALLB_DIR/metallb-speaker" build_metallb
  resolve workflow-controller "" "$ARGO_DIR/workflow-controller" build_argo
  resolve argoexec "" "$ARGO_DIR/argoexec" build_argo
  resolve argo "" "$ARGO_DIR/argo" build_argo
  resolve nginx-ingress-controller "" "$STAND_INS_DIR/ingress-nginx-controller" build_stand_ins
  resolve kube-webhook-certgen "" "$STAND_INS_DIR/kube-webhook-certgen" build_stand_ins
  source_of[busybox]=/bin/busybox
  image_inputs=()
  for name in pause busybox coredns metallb-controller metallb-speaker workflow-controller argoexec \
    argo nginx-ingress-controller kube-webhook-certgen; do
    image_inputs+=("$name=${source_of[$name]:-}")
  done
  # Keyed by the script, and each binary's size and modification time (a rebuilt binary changes
  # them; hashing ~400 MB on every call would not be quick). A check with binaries still missing
  # only says the images would be built.
  absent_inputs=0
  for input in "${image_inputs[@]}"; do
    [[ -e ${input#*=} ]] || absent_inputs=$((absent_inputs + 1))
  done
  if $check_only && ((absent_inputs > 0)); then
    missing+=("node images (built once their $absent_inputs missing binaries are)")
  else
    NODE_IMAGES_DIR="$CACHE/node-images-$( (cat "$SCRIPT_DIR/node-images.sh"; for input in "${image_inputs[@]}"; do printf '%s %s\n' "${input%%=*}" "$(stat -L -c '%s %Y' "${input#*=}")"; done) | cksum | cut -d" " -f1)"
    if [[ ! -f $NODE_IMAGES_DIR/images.txt ]]; then
      if $check_only; then
        missing+=("node images (would build into $NODE_IMAGES_DIR)")
      else
        log "building the node's images into $NODE_IMAGES_DIR..."
        COREDNS_TAG=$COREDNS_VERSION METALLB_TAG=$METALLB_VERSION ARGO_TAG=$ARGO_WORKFLOWS_VERSION \
          bash "$SCRIPT_DIR/node-images.sh" "$NODE_IMAGES_DIR" "${image_inputs[@]}" >&2
      fi
    fi
  fi
fi
if wanted actionlint; then resolve actionlint "" "$ACTIONLINT_DIR/actionlint" build_actionlint; fi
if wanted renovate-config-validator; then
  resolve renovate-config-validator "" "$RENOVATE_DIR/renovate-config-validator" install_renovate_validator
fi

# The Pulumi CLI: the user's own when it is recent enough, else ours.
installed_pulumi=""
if ! wanted pulumi; then
  :
elif installed_pulumi=$(find_installed pulumi "$PULUMI_ACCEPT") &&
  [[ -x $(dirname "$installed_pulumi")/pulumi-language-nodejs ]]; then
  log "using the Pulumi CLI at $installed_pulumi ($(installed_version pulumi "$installed_pulumi"))"
  plugin_home=${PULUMI_HOME:-$HOME/.pulumi}
  if ! PULUMI_SKIP_UPDATE_CHECK=true "$installed_pulumi" plugin ls --json 2>/dev/null |
    grep -q "\"version\": \"$K8S_PROVIDER_VERSION\""; then
    if $check_only; then
      missing+=("kubernetes v$K8S_PROVIDER_VERSION plugin in $plugin_home")
    else
      log "installing the kubernetes v$K8S_PROVIDER_VERSION plugin the normal way..."
      if ! PULUMI_SKIP_UPDATE_CHECK=true timeout 300 "$installed_pulumi" plugin install resource kubernetes \
        "v$K8S_PROVIDER_VERSION" >&2; then
        log "the download failed (offline?); building the plugin from the Go module proxy instead"
        resolve pulumi-resource-kubernetes "" "$K8S_PROVIDER_DIR/pulumi-resource-kubernetes" build_k8s_provider
        PULUMI_SKIP_UPDATE_CHECK=true "$installed_pulumi" plugin install resource kubernetes \
          "v$K8S_PROVIDER_VERSION" --file "$K8S_PROVIDER_DIR/pulumi-resource-kubernetes" >&2
      fi
    fi
  fi
else
  installed_pulumi=""
  # The Pulumi pieces come from the cache together: the plugin must be this exact version and
  # the language host has to sit next to the CLI that uses it.
  resolve pulumi "" "$PULUMI_DIR/pulumi" build_pulumi
  resolve pulumi-language-nodejs "" "$NODEJS_HOST_DIR/pulumi-language-nodejs" build_nodejs_host
  resolve pulumi-resource-kubernetes "" "$K8S_PROVIDER_DIR/pulumi-resource-kubernetes" build_k8s_provider
  if [[ ! -x $K8S_PLUGIN_MARKER ]]; then
    if $check_only; then
      missing+=("kubernetes v$K8S_PROVIDER_VERSION plugin in $PULUMI_HOME_DIR")
    elif [[ -n ${source_of[pulumi]:-} && -n ${source_of[pulumi-resource-kubernetes]:-} ]]; then
      install_k8s_plugin
      [[ -x $K8S_PLUGIN_MARKER ]] || die "plugin install did not create $K8S_PLUGIN_MARKER"
    fi
  fi
fi

if $check_only; then
  if ((${#missing[@]})); then
    log "missing:"
    printf '  %s\n' "${missing[@]}" >&2
    exit 1
  fi
  log "everything is in place under $CACHE"
  exit 0
fi

# bin/ holds one link per binary, replaced atomically so a concurrent reader never sees a gap.
link() {
  local target=$1 name=$2
  [[ $(readlink "$name" 2>/dev/null) == "$target" ]] && return
  ln -sfn "$target" "$name.tmp.$$"
  mv -fT "$name.tmp.$$" "$name"
}
mkdir -p "$BIN"
for name in etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl \
  coredns kube-router helm actionlint renovate-config-validator; do
  if [[ -n ${source_of[$name]:-} ]]; then link "${source_of[$name]}" "$BIN/$name"; fi
done

if ! wanted pulumi; then
  :
elif [[ -z $installed_pulumi ]]; then
  # The CLI expects its language host next to its own (resolved) executable, and warns when the
  # one on PATH resolves to another file. So the host is hard-linked into the CLI's folder and
  # bin/ points at that copy.
  host_next_to_cli="$PULUMI_DIR/pulumi-language-nodejs"
  if [[ -L $host_next_to_cli || ! $host_next_to_cli -ef ${source_of[pulumi-language-nodejs]} ]]; then
    ln -f "${source_of[pulumi-language-nodejs]}" "$host_next_to_cli.tmp.$$" 2>/dev/null ||
      cp "${source_of[pulumi-language-nodejs]}" "$host_next_to_cli.tmp.$$"
    mv -f "$host_next_to_cli.tmp.$$" "$host_next_to_cli"
  fi
  link "${source_of[pulumi]}" "$BIN/pulumi"
  link "$host_next_to_cli" "$BIN/pulumi-language-nodejs"
else
  # The user's CLI comes first on PATH, not a build left here by an earlier run.
  rm -f "$BIN/pulumi" "$BIN/pulumi-language-nodejs"
fi

quote() { printf '%q' "$1"; }
cat <<EOF
export PATH=$(quote "$BIN"):"\$PATH"
export HOMELAB_TOOLCHAIN_BIN=$(quote "$BIN")
$(wanted node-images && printf 'export HOMELAB_NODE_IMAGES=%q' "$NODE_IMAGES_DIR")
$(wanted pulumi && [[ -z $installed_pulumi ]] && printf 'export PULUMI_HOME=%q' "$PULUMI_HOME_DIR")
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK=true
EOF
