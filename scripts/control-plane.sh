#!/usr/bin/env bash
# A throwaway Kubernetes control plane on loopback for integration tests: etcd, kube-apiserver
# and kube-controller-manager (no kubelet, so pods are admitted but never run).
#
# It is close enough to k3s for what the tests check: RBAC, the default admission plugins
# (LimitRanger, ServiceAccount, ResourceQuota, ...) and the controllers that fill
# ResourceQuota status, create the `default` ServiceAccount and delete namespaces.
#
# Usage:
#   control-plane.sh run [--] COMMAND [ARG...]
#       Start everything in a temporary folder, run COMMAND with KUBECONFIG set, stop
#       everything and remove the folder. Exits with COMMAND's status.
#   control-plane.sh start DIR
#       Start everything with its state, logs and pids in DIR (created; must be empty) and
#       print `export KUBECONFIG=...` on stdout, for `eval "$(control-plane.sh start DIR)"`.
#   control-plane.sh stop DIR
#       Stop what `start DIR` started. DIR (logs included) is left in place.
#
# Binaries come from $HOMELAB_TOOLCHAIN_BIN, else PATH, else scripts/toolchain.sh provides
# them. CONTROL_PLANE_START_TIMEOUT (seconds, default 180) bounds the start-up.
set -euo pipefail

SERVICE_CIDR=10.43.0.0/16  # k3s default
SERVICE_IP=10.43.0.1       # first address: the `kubernetes` Service
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
  for name in etcd kube-apiserver kube-controller-manager; do
    if ! type -P "$name" >/dev/null; then
      log "$name not found; asking scripts/toolchain.sh for it"
      eval "$(bash "$SCRIPT_DIR/toolchain.sh")"
      break
    fi
  done
  ETCD=$(type -P etcd) || die "etcd not found"
  KUBE_APISERVER=$(type -P kube-apiserver) || die "kube-apiserver not found"
  KUBE_CONTROLLER_MANAGER=$(type -P kube-controller-manager) || die "kube-controller-manager not found"
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
  # The user RBAC's bootstrap policy grants the controller manager's own rights to.
  new_cert controller-manager "/CN=system:kube-controller-manager" \
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
  write_kubeconfig "$DIR/kubeconfig" admin
  write_kubeconfig "$DIR/controller-manager.kubeconfig" controller-manager

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
  # plugin stays on (a controller manager creates the accounts here) and client certificates
  # come from our CA.
  launch kube-apiserver "$KUBE_APISERVER" \
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
  log "ready: https://127.0.0.1:$APISERVER_PORT (state and logs in $DIR)"
}

# ---------------------------------------------------------------------------------------------
# Commands

STARTED=false
COMMAND_PID=""

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

  DIR=$(mktemp -d "${TMPDIR:-/tmp}/control-plane.XXXXXX")
  trap cleanup_run EXIT
  trap 'log "interrupted; stopping"; exit 130' INT
  trap 'log "terminated; stopping"; exit 143' TERM

  start_in "$DIR"
  STARTED=true

  export KUBECONFIG="$DIR/kubeconfig" HOMELAB_CONTROL_PLANE_DIR="$DIR"
  # In the background so a signal to this script is handled at once; stdin is passed on
  # explicitly (background jobs otherwise read /dev/null).
  "$@" <&0 &
  COMMAND_PID=$!
  local status=0
  wait "$COMMAND_PID" || status=$?
  COMMAND_PID=""
  exit "$status"
}

# On a failed `start`, stop what did start but keep the folder for its logs.
cleanup_failed_start() {
  trap - EXIT INT TERM
  show_logs
  stop_all "$DIR"
  log "start-up failed (logs kept in $DIR/logs)"
}

cmd_start() {
  [[ -n ${1:-} ]] || { usage; exit 2; }
  mkdir -p "$1"
  DIR=$(cd "$1" && pwd)
  [[ -z $(ls -A "$DIR") ]] || die "$DIR is not empty"
  trap cleanup_failed_start EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  start_in "$DIR"
  trap - EXIT INT TERM
  printf 'export KUBECONFIG=%q\n' "$DIR/kubeconfig"
}

cmd_stop() {
  [[ -n ${1:-} && -d $1 ]] || { usage; exit 2; }
  local dir
  dir=$(cd "$1" && pwd)
  [[ -f $dir/pids ]] || die "nothing recorded as running in $dir"
  stop_all "$dir"
  log "stopped (logs kept in $dir/logs)"
}

case "${1:-}" in
  run) shift; cmd_run "$@" ;;
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  -h|--help|help) usage ;;
  *) usage; exit 2 ;;
esac
