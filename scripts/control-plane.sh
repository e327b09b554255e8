#!/usr/bin/env bash
# A throwaway one-node Kubernetes cluster for the integration tests, the demo and the benchmark,
# inside a private network namespace: etcd, kube-apiserver, kube-controller-manager and
# kube-scheduler, plus the simulated node (scripts/simulated-node), which plays kubelet and runs
# the MetalLB controller and Argo's workflow-controller for real when their pods start.
#
# It is close enough to k3s for what the tests check: RBAC, the default admission plugins
# (LimitRanger, ServiceAccount, ResourceQuota, ...), the controllers that fill ResourceQuota
# status, run Deployments, Jobs and DaemonSets and publish endpoints, and the scheduler.
#
# Nothing started here can reach an address off this machine, by construction: `run` first
# enters a new network namespace (`unshare --net`) holding only a loopback interface with the
# node's address and the pod range on it, and refuses to start anything if it sees any other
# interface. It is also PID 1 of a new PID namespace, so nothing it started outlives it. kube-apiserver routes Service-referenced webhooks to the Service's endpoints
# (--enable-aggregator-routing), which are pod addresses on that loopback, so a webhook call
# never goes through the machine's resolver.
#
# Usage:
#   control-plane.sh run [--] COMMAND [ARG...]
#       Start everything in a temporary folder, run COMMAND inside the namespace with KUBECONFIG
#       set, stop everything by PID and remove the folder. Exits with COMMAND's status. The
#       folder is $HOMELAB_CONTROL_PLANE_DIR for COMMAND: logs/ holds the servers' logs and
#       node/logs/ each container's.
#
# Binaries come from $HOMELAB_TOOLCHAIN_BIN, else PATH, else scripts/toolchain.sh provides
# them. CONTROL_PLANE_START_TIMEOUT (seconds, default 180) bounds the start-up.
set -euo pipefail

SERVICE_CIDR=10.43.0.0/16  # k3s default
SERVICE_IP=10.43.0.1       # first address: the `kubernetes` Service
POD_CIDR=10.42.0.0/16      # k3s default; the node takes the first /24
NODE_POD_CIDR=10.42.0.0/24
NODE_NAME=homelab-node
NODE_IP=192.168.1.10       # a homelab node's LAN address, outside the MetalLB pools
# Images the node runs for real, and an image imported into the node that no registry has.
METALLB_CONTROLLER_IMAGE=quay.io/metallb/controller:v0.15.2
WORKFLOW_CONTROLLER_IMAGE=quay.io/argoproj/workflow-controller:v3.6.10
IMPORTED_IMAGE=${HOMELAB_IMPORTED_IMAGE:-homelab/training-pipeline:2025.07}
# How soon a Secret's new contents reach a running container's volume. kubelet takes about a
# minute; the tests shorten it (MetalLB's webhook waits for its certificate to arrive that way).
VOLUME_REFRESH=${HOMELAB_NODE_VOLUME_REFRESH:-2s}
START_TIMEOUT=${CONTROL_PLANE_START_TIMEOUT:-180}
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

log() { printf 'control-plane: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# The comment block at the top of this file.
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}" >&2; }

# ---------------------------------------------------------------------------------------------
# Binaries

find_binaries() {
  local name
  if [[ -n ${HOMELAB_TOOLCHAIN_BIN:-} ]]; then
    PATH="$HOMELAB_TOOLCHAIN_BIN:$PATH"
  fi
  for name in etcd kube-apiserver kube-controller-manager kube-scheduler simulated-node \
    metallb-controller workflow-controller; do
    if ! type -P "$name" >/dev/null; then
      die "$name not found: run \`eval \"\$(bash scripts/toolchain.sh)\"\` first (it needs the Go module proxy, which this network namespace cannot reach)"
    fi
  done
  ETCD=$(type -P etcd)
  KUBE_APISERVER=$(type -P kube-apiserver)
  KUBE_CONTROLLER_MANAGER=$(type -P kube-controller-manager)
  KUBE_SCHEDULER=$(type -P kube-scheduler)
  SIMULATED_NODE=$(type -P simulated-node)
  METALLB_CONTROLLER=$(readlink -f "$(type -P metallb-controller)")
  WORKFLOW_CONTROLLER=$(readlink -f "$(type -P workflow-controller)")
}

# ---------------------------------------------------------------------------------------------
# The private network namespace

# True when this process sits in a network namespace whose only interface is loopback.
in_private_network() {
  local interfaces
  interfaces=$(ip -o link show 2>/dev/null | awk -F': ' '{ print $2 }' | sed 's/@.*//')
  [[ $interfaces == lo ]]
}

# Loopback up, with the node's address and the whole pod range local to it: a pod address
# (a webhook's endpoint) then reaches the process listening on this machine.
setup_private_network() {
  in_private_network || die "refusing to start: this network namespace has interfaces other than lo"
  ip link set lo up
  ip addr add "${POD_CIDR%.*}.1/${POD_CIDR#*/}" dev lo
  ip addr add "$NODE_IP/32" dev lo
}

# ---------------------------------------------------------------------------------------------
# Ports and certificates

declare -A taken_ports=()
# Ports are drawn below the kernel's ephemeral range, which outgoing connections use (a port
# held by one of those cannot be bound either).
read -r EPHEMERAL_LOW _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || EPHEMERAL_LOW=32768
PORT_MIN=10000
PORT_SPAN=$((EPHEMERAL_LOW > PORT_MIN + 1000 ? EPHEMERAL_LOW - PORT_MIN : 20000))

# free_port VAR: sets VAR to a port on 127.0.0.1 that no TCP socket uses now. Another process
# could still take it before our server binds; start-up then fails with the logs shown.
free_port() {
  local port tries
  for tries in $(seq 1 200); do
    port=$((PORT_MIN + (RANDOM * 32768 + RANDOM) % PORT_SPAN))
    [[ -n ${taken_ports[$port]:-} ]] && continue
    if [[ -n $(ss -Hant "sport = :$port" 2>/dev/null) ]] ||
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      continue
    fi
    taken_ports[$port]=1
    printf -v "$1" '%s' "$port"
    return
  done
  die "no free port found on 127.0.0.1"
}

new_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# new_cert NAME SUBJECT EXTENSIONS...: a key and a certificate signed by the test CA.
new_cert() {
  local name=$1 subject=$2 ext
  shift 2
  new_key "$PKI/$name.key"
  local args=()
  for ext in "$@"; do args+=(-addext "$ext"); done
  openssl req -new -x509 -key "$PKI/$name.key" -subj "$subject" -days 30 \
    -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" "${args[@]}" -out "$PKI/$name.crt" 2>/dev/null
}

make_pki() {
  PKI="$DIR/pki"
  mkdir -p "$PKI"
  new_key "$PKI/ca.key"
  openssl req -new -x509 -key "$PKI/ca.key" -subj "/CN=homelab-test-ca" -days 30 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$PKI/ca.crt" 2>/dev/null
  # Pods reach the apiserver through the `kubernetes` Service, so its names go in too.
  new_cert apiserver "/CN=kube-apiserver" \
    "subjectAltName=IP:127.0.0.1,IP:$SERVICE_IP,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local" \
    "extendedKeyUsage=serverAuth" "basicConstraints=critical,CA:FALSE"
  # Group system:masters: full access, without depending on any RBAC object.
  new_cert admin "/O=system:masters/CN=homelab-admin" \
    "extendedKeyUsage=clientAuth" "basicConstraints=critical,CA:FALSE"
  # The users RBAC's bootstrap policy grants the controller manager's and scheduler's rights to.
  new_cert controller-manager "/CN=system:kube-controller-manager" \
    "extendedKeyUsage=clientAuth" "basicConstraints=critical,CA:FALSE"
  new_cert scheduler "/CN=system:kube-scheduler" \
    "extendedKeyUsage=clientAuth" "basicConstraints=critical,CA:FALSE"
  # Service account tokens: the controller manager signs, the apiserver verifies.
  new_key "$PKI/service-account.key"
  openssl pkey -in "$PKI/service-account.key" -pubout -out "$PKI/service-account.pub" 2>/dev/null
}

# write_kubeconfig FILE USER: a kubeconfig for the given client certificate.
write_kubeconfig() {
  local file=$1 user=$2
  cat >"$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: homelab-test
  cluster:
    server: https://127.0.0.1:$APISERVER_PORT
    certificate-authority-data: $(base64 -w0 <"$PKI/ca.crt")
users:
- name: $user
  user:
    client-certificate-data: $(base64 -w0 <"$PKI/$user.crt")
    client-key-data: $(base64 -w0 <"$PKI/$user.key")
contexts:
- name: homelab-test
  context:
    cluster: homelab-test
    user: $user
current-context: homelab-test
EOF
}

# ---------------------------------------------------------------------------------------------
# Processes

# launch NAME COMMAND...: start a server in the background, its output in DIR/logs/NAME.log,
# and record its pid in DIR/pids. setsid keeps it out of the caller's terminal signals; the
# script stops it itself.
launch() {
  local name=$1
  shift
  setsid "$@" </dev/null >"$DIR/logs/$name.log" 2>&1 &
  echo "$name $!" >>"$DIR/pids"
}

# Stops every process listed in DIR/pids, newest first, by pid only; a pid is signalled only
# while its command line still names DIR, so a recycled pid is never hit.
stop_all() {
  local dir=$1 name pid deadline
  [[ -f $dir/pids ]] || return 0
  local -a pids=()
  while read -r name pid; do
    if [[ -r /proc/$pid/cmdline ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$dir/"; then
      pids=("$pid" "${pids[@]}")
    fi
  done <"$dir/pids"
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + 15))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  # Reap our own children so no zombie outlives the script.
  wait 2>/dev/null || true
  rm -f "$dir/pids"
}

show_logs() {
  local file
  for file in "$DIR"/logs/*.log; do
    [[ -f $file ]] || continue
    log "---- last lines of $file ----"
    tail -n 25 "$file" >&2
  done
}

# wait_for WHAT COMMAND...: retry COMMAND until it succeeds, within the start-up deadline;
# fail early if one of our servers has exited.
wait_for() {
  local what=$1 name pid
  shift
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= START_DEADLINE)); then
      log "timed out after ${START_TIMEOUT}s waiting for $what"
      return 1
    fi
    while read -r name pid; do
      kill -0 "$pid" 2>/dev/null || { log "$name exited while waiting for $what"; return 1; }
    done <"$DIR/pids"
    sleep 0.5
  done
}

api_get() {
  curl -sf --max-time 5 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" \
    "https://127.0.0.1:$APISERVER_PORT$1"
}

# Starts the three servers in $DIR and waits until they serve. Any failure exits the script;
# the EXIT trap set by the caller then shows the logs and stops whatever did start.
start_in() {
  DIR=$1
  mkdir -p "$DIR/logs" "$DIR/controller-manager-certs"
  mkdir -m 700 "$DIR/etcd"
  START_DEADLINE=$((SECONDS + START_TIMEOUT))
  find_binaries
  make_pki

  local etcd_port peer_port
  free_port etcd_port
  free_port peer_port
  free_port APISERVER_PORT
  free_port CONTROLLER_MANAGER_PORT
  free_port SCHEDULER_PORT
  write_kubeconfig "$DIR/kubeconfig" admin
  write_kubeconfig "$DIR/controller-manager.kubeconfig" controller-manager
  write_kubeconfig "$DIR/scheduler.kubeconfig" scheduler

  # --unsafe-no-fsync: the data is thrown away, and fsync dominates write latency.
  launch etcd "$ETCD" \
    --name=default --data-dir="$DIR/etcd" \
    --listen-client-urls="http://127.0.0.1:$etcd_port" \
    --advertise-client-urls="http://127.0.0.1:$etcd_port" \
    --listen-peer-urls="http://127.0.0.1:$peer_port" \
    --initial-advertise-peer-urls="http://127.0.0.1:$peer_port" \
    --initial-cluster="default=http://127.0.0.1:$peer_port" \
    --unsafe-no-fsync=true --log-level=warn
  wait_for etcd curl -sf --max-time 2 "http://127.0.0.1:$etcd_port/health"

  # Flags follow controller-runtime's envtest, except that the ServiceAccount admission
  # plugin stays on (a controller manager creates the accounts here), client certificates
  # come from our CA, and Service-referenced webhooks are called at their endpoints.
  launch kube-apiserver "$KUBE_APISERVER" \
    --enable-aggregator-routing=true \
    --etcd-servers="http://127.0.0.1:$etcd_port" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$APISERVER_PORT" \
    --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
    --client-ca-file="$PKI/ca.crt" \
    --authorization-mode=RBAC \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --service-account-issuer="https://kubernetes.default.svc.cluster.local" \
    --service-account-key-file="$PKI/service-account.pub" \
    --service-account-signing-key-file="$PKI/service-account.key" \
    --allow-privileged=true
  wait_for "kube-apiserver /readyz" api_get /readyz
  wait_for "namespaces default and kube-system" \
    eval 'api_get /api/v1/namespaces/default && api_get /api/v1/namespaces/kube-system'

  launch kube-controller-manager "$KUBE_CONTROLLER_MANAGER" \
    --kubeconfig="$DIR/controller-manager.kubeconfig" \
    --authentication-kubeconfig="$DIR/controller-manager.kubeconfig" \
    --authorization-kubeconfig="$DIR/controller-manager.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="$CONTROLLER_MANAGER_PORT" \
    --cert-dir="$DIR/controller-manager-certs" \
    --service-account-private-key-file="$PKI/service-account.key" \
    --root-ca-file="$PKI/ca.crt" \
    --use-service-account-credentials=true \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --leader-elect=false \
    --controllers='*'
  wait_for "kube-controller-manager /healthz" \
    curl -sfk --max-time 2 "https://127.0.0.1:$CONTROLLER_MANAGER_PORT/healthz"
  # The `default` ServiceAccount appears once the controllers really run; pods are rejected
  # by the ServiceAccount admission plugin until then.
  wait_for "ServiceAccount default/default" api_get /api/v1/namespaces/default/serviceaccounts/default

  launch kube-scheduler "$KUBE_SCHEDULER" \
    --kubeconfig="$DIR/scheduler.kubeconfig" \
    --authentication-kubeconfig="$DIR/scheduler.kubeconfig" \
    --authorization-kubeconfig="$DIR/scheduler.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="$SCHEDULER_PORT" \
    --leader-elect=false
  wait_for "kube-scheduler /healthz" curl -sfk --max-time 2 "https://127.0.0.1:$SCHEDULER_PORT/healthz"

  launch simulated-node "$SIMULATED_NODE" \
    --kubeconfig="$DIR/kubeconfig" --state-dir="$DIR/node" \
    --node-name="$NODE_NAME" --node-ip="$NODE_IP" --pod-cidr="$NODE_POD_CIDR" \
    --real-container="$METALLB_CONTROLLER_IMAGE=$METALLB_CONTROLLER" \
    --real-container="$WORKFLOW_CONTROLLER_IMAGE=$WORKFLOW_CONTROLLER" \
    --imported-image="$IMPORTED_IMAGE" \
    --volume-refresh="$VOLUME_REFRESH"
  wait_for "node $NODE_NAME to be Ready" \
    eval "api_get /api/v1/nodes/$NODE_NAME | grep -q '\"KubeletReady\"'"
  log "ready: https://127.0.0.1:$APISERVER_PORT, node $NODE_NAME (state and logs in $DIR)"
}

# ---------------------------------------------------------------------------------------------
# Commands

STARTED=false
COMMAND_PID=""
UNSHARE_PID=""

forward_signal() {
  local child
  child=$(cat "/proc/$UNSHARE_PID/task/$UNSHARE_PID/children" 2>/dev/null) || return 0
  [[ -n $child ]] && kill "-$1" $child 2>/dev/null
}

# Runs on every exit of `run`: stops the command, the servers, and removes the folder.
cleanup_run() {
  trap - EXIT INT TERM
  [[ -n $COMMAND_PID ]] && kill -TERM "$COMMAND_PID" 2>/dev/null
  $STARTED || show_logs
  stop_all "$DIR"
  rm -rf "$DIR"
}

cmd_run() {
  [[ ${1:-} == -- ]] && shift
  (($#)) || { usage; exit 2; }

  # First pass: find the binaries on this side (the toolchain may print PATH changes), then
  # re-run this script as the first process of new network, PID and mount namespaces. As PID 1
  # of its own PID namespace, its end (even by SIGKILL) ends everything started under it: the
  # servers, the containers of the simulated node and whatever the command leaves behind. The
  # signal that ends `unshare` reaches it as SIGTERM. Root can unshare directly; anyone else
  # maps themselves to root in a new user namespace to do it.
  if [[ ${HOMELAB_CONTROL_PLANE_NETNS:-} != entered ]]; then
    find_binaries
    local unshare=(unshare --net --pid --fork --mount-proc --kill-child=TERM)
    ((EUID == 0)) || unshare+=(--user --map-root-user)
    HOMELAB_CONTROL_PLANE_NETNS=entered "${unshare[@]}" -- bash "${BASH_SOURCE[0]}" run -- "$@" <&0 &
    UNSHARE_PID=$!
    # unshare ignores SIGTERM and SIGINT while it waits; pass them on to the namespace's first
    # process (its only child), which stops everything and exits.
    trap 'forward_signal TERM' TERM
    trap 'forward_signal INT' INT
    local status
    while :; do
      status=0
      wait "$UNSHARE_PID" || status=$?
      kill -0 "$UNSHARE_PID" 2>/dev/null || exit "$status"
    done
  fi
  setup_private_network

  DIR=$(mktemp -d "${TMPDIR:-/tmp}/control-plane.XXXXXX")
  trap cleanup_run EXIT
  trap 'log "interrupted; stopping"; exit 130' INT
  trap 'log "terminated; stopping"; exit 143' TERM

  start_in "$DIR"
  STARTED=true

  export KUBECONFIG="$DIR/kubeconfig" HOMELAB_CONTROL_PLANE_DIR="$DIR" HOMELAB_IMPORTED_IMAGE="$IMPORTED_IMAGE"
  # In the background so a signal to this script is handled at once; stdin is passed on
  # explicitly (background jobs otherwise read /dev/null).
  "$@" <&0 &
  COMMAND_PID=$!
  local status=0
  wait "$COMMAND_PID" || status=$?
  COMMAND_PID=""
  exit "$status"
}

case "${1:-}" in
  run) shift; cmd_run "$@" ;;
  -h|--help|help) usage ;;
  *) usage; exit 2 ;;
esac
