#!/usr/bin/env bash
# A throwaway one-node Kubernetes cluster for the integration tests, the demo and the benchmark,
# on the homelab's Kubernetes minor: etcd, kube-apiserver, kube-controller-manager and
# kube-scheduler, and a real node: containerd and runc, bridge + host-local CNI for the pod
# range, kubelet, kube-proxy (iptables), CoreDNS behind `kube-dns`, and kube-router's
# NetworkPolicy controller beside kubelet (as k3s runs its own). The charts' Deployments and
# DaemonSets run as pods from images hack/node-images.sh built from the upstream modules.
#
# Nothing started here can reach an address off this machine, by construction: `run` enters new
# network, mount and PID namespaces (`unshare`), refuses to start unless the network namespace
# holds nothing but loopback, and then adds only:
#   - the node's LAN interface lan0, 192.168.1.10/24, one end of a veth pair whose other end is
#     in a second network namespace, the "LAN host" (192.168.1.20/24), which is connected to
#     nothing else: MetalLB's speaker answers ARP there, and tests reach 192.168.1.249 from it;
#   - the pod bridge cni0 with the pod range.
# There is no default route and no upstream resolver (CoreDNS forwards nowhere), and the API
# server calls webhooks at their endpoints (--enable-aggregator-routing), never through a
# resolver. The script is PID 1 of its PID namespace, so nothing it started outlives it.
#
# The host is left as found: every file is written under the cluster's folder (containerd's
# root, kubelet's root, CNI state, logs) or into private mounts (a tmpfs on /run; overlays on
# /etc, /opt, /var/lib and /usr/libexec whose writes land in the folder; /var/log bound to the
# folder); every pod cgroup sits under one parent per cluster, removed at the end; and the
# host-wide sysctls kubelet changes at start (kernel.panic, kernel.panic_on_oops,
# vm.overcommit_memory, ...) are saved first and put back as soon as the node is Ready, and
# again at the end. Needs root (kubelet manages cgroups and mounts).
#
# Usage:
#   control-plane.sh run [--] COMMAND [ARG...]
#       Start everything in a temporary folder, run COMMAND inside the namespaces with
#       KUBECONFIG set, stop everything by PID, restore the host and remove the folder. Exits
#       with COMMAND's status. For COMMAND: $HOMELAB_CONTROL_PLANE_DIR is the folder (logs/ holds
#       the servers' logs, varlog/pods each container's), $HOMELAB_LAN_HOST_NETNS the LAN host's
#       network namespace (`ip netns exec "$HOMELAB_LAN_HOST_NETNS" ...`).
#
# Binaries come from $HOMELAB_TOOLCHAIN_BIN, else PATH, and the images from $HOMELAB_NODE_IMAGES
# (hack/toolchain.sh provides both). CONTROL_PLANE_START_TIMEOUT (seconds, default 240)
# bounds the start-up.
set -euo pipefail

SERVICE_CIDR=10.43.0.0/16  # k3s default
SERVICE_IP=10.43.0.1       # first address: the `kubernetes` Service
DNS_IP=10.43.0.10          # k3s' cluster DNS address
POD_CIDR=10.42.0.0/16      # k3s default; the node takes the first /24
NODE_POD_CIDR=10.42.0.0/24
NODE_NAME=homelab-node
NODE_IP=192.168.1.10       # a homelab node's LAN address, outside the MetalLB pools
LAN_PREFIX=24
LAN_HOST_IP=192.168.1.20   # the one other host on the LAN
LAN_HOST_NETNS=lan-host
APISERVER_PORT=6443
IMPORTED_IMAGE=homelab/training-pipeline:2025.07
START_TIMEOUT=${CONTROL_PLANE_START_TIMEOUT:-240}
# The kernel settings kubelet sets at start that are not namespaced (the host's own).
HOST_SYSCTLS=(kernel.panic kernel.panic_on_oops vm.overcommit_memory vm.panic_on_oom
  kernel.keys.root_maxkeys kernel.keys.root_maxbytes)
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

log() { printf 'control-plane: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# The comment block at the top of this file.
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}" >&2; }

# ---------------------------------------------------------------------------------------------
# Binaries and images

NODE_BINARIES=(etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl
  kube-router containerd containerd-shim-runc-v2 runc ctr iptables)

find_binaries() {
  local name
  if [[ -n ${HOMELAB_TOOLCHAIN_BIN:-} ]]; then
    PATH="$HOMELAB_TOOLCHAIN_BIN:$PATH"
  fi
  PATH="$PATH:/usr/sbin:/sbin"
  for name in "${NODE_BINARIES[@]}"; do
    type -P "$name" >/dev/null ||
      die "$name not found: run \`eval \"\$(bash hack/toolchain.sh)\"\` first (it needs the Go module proxy and Debian's packages, which this network namespace cannot reach)"
  done
  [[ -n ${HOMELAB_NODE_IMAGES:-} && -f $HOMELAB_NODE_IMAGES/images.txt ]] ||
    die "the node's images are missing: run \`eval \"\$(bash hack/toolchain.sh)\"\` first"
  [[ -x /usr/lib/cni/bridge && -x /usr/lib/cni/host-local ]] || die "CNI plugins missing in /usr/lib/cni"
}

# ---------------------------------------------------------------------------------------------
# The host side: cgroups and kernel settings, the only things outside the folder

# The folder's own cgroup parent: in every cgroup v1 hierarchy, or once in the unified (v2) one.
cgroup_dirs() {
  local hierarchy
  if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
    printf '/sys/fs/cgroup/%s\n' "$CGROUP_PARENT"
    return
  fi
  for hierarchy in /sys/fs/cgroup/*/; do
    if [[ -d $hierarchy && ! -L ${hierarchy%/} ]]; then printf '%s%s\n' "$hierarchy" "$CGROUP_PARENT"; fi
  done
}

make_cgroups() {
  local dir
  while read -r dir; do mkdir -p "$dir"; done < <(cgroup_dirs)
  # cgroup v2: the pods' cgroups below get the controllers the root hands down.
  if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
    sed 's/\([a-z_]*\)/+\1/g' /sys/fs/cgroup/cgroup.subtree_control >"/sys/fs/cgroup/$CGROUP_PARENT/cgroup.subtree_control"
  fi
  # A new cpuset cgroup has no CPUs or memory nodes until given its parent's.
  if [[ -d /sys/fs/cgroup/cpuset/$CGROUP_PARENT ]]; then
    cat /sys/fs/cgroup/cpuset/cpuset.cpus >"/sys/fs/cgroup/cpuset/$CGROUP_PARENT/cpuset.cpus"
    cat /sys/fs/cgroup/cpuset/cpuset.mems >"/sys/fs/cgroup/cpuset/$CGROUP_PARENT/cpuset.mems"
  fi
}

# Every process in them is gone once the PID namespace is: the empty tree is removed bottom-up.
remove_cgroups() {
  local dir
  while read -r dir; do
    [[ -d $dir ]] || continue
    find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null || true
    if [[ -d $dir ]]; then log "warning: cgroup $dir is still there"; fi
  done < <(cgroup_dirs)
}

save_sysctls() { sysctl "${HOST_SYSCTLS[@]}" | sed 's/ = /=/' >"$1"; }
restore_sysctls() { if [[ -s $1 ]]; then xargs -r sysctl -q -w <"$1" >/dev/null; fi; }

# ---------------------------------------------------------------------------------------------
# Inside: the private network and mounts

# True when this process sits in a network namespace whose only interface is loopback.
in_private_network() {
  local interfaces
  interfaces=$(ip -o link show 2>/dev/null | awk -F': ' '{ print $2 }' | sed 's/@.*//')
  [[ $interfaces == lo ]]
}

setup_private_mounts() {
  # containerd's state, shim sockets, network namespace files and the xtables lock.
  mount -t tmpfs -o mode=755 tmpfs /run
  # kubelet writes container logs to /var/log/pods and /var/log/containers, whatever it is told.
  mkdir -p "$DIR/varlog"
  mount --bind "$DIR/varlog" /var/log
  # Paths hard-coded in the node's software (kubelet's /var/lib/kubelet/device-plugins, libcni's
  # /var/lib/cni cache, containerd's /opt/containerd, controller-manager's flex volume folder...):
  # an overlay whose upper layer is in the folder takes every write, the host's copies stay as
  # they are.
  local path layer
  for path in /etc /opt /var/lib /usr/libexec; do
    layer="$DIR/overlay/${path//\//_}"
    mkdir -p "$layer/upper" "$layer/work"
    mount -t overlay overlay -o "lowerdir=$path,upperdir=$layer/upper,workdir=$layer/work" "$path"
  done
}

setup_private_network() {
  in_private_network || die "refusing to start: this network namespace has interfaces other than lo"
  ip link set lo up
  # The LAN: the node's interface and the LAN host's, a veth pair and nothing else.
  ip netns add "$LAN_HOST_NETNS"
  ip link add lan0 type veth peer name lan-host0
  ip link set lan-host0 netns "$LAN_HOST_NETNS"
  ip -n "$LAN_HOST_NETNS" link set lo up
  ip -n "$LAN_HOST_NETNS" link set lan-host0 name eth0
  ip -n "$LAN_HOST_NETNS" addr add "$LAN_HOST_IP/$LAN_PREFIX" dev eth0
  ip -n "$LAN_HOST_NETNS" link set eth0 up
  ip addr add "$NODE_IP/$LAN_PREFIX" dev lan0
  ip link set lan0 up
  # Service addresses must be routable for kube-proxy's DNAT to see the node's own connections to
  # them; what no rule rewrites goes to the LAN host, which forwards nothing.
  ip route add "$SERVICE_CIDR" dev lan0
  sysctl -qw net.ipv4.ip_forward=1
  sysctl -qw net.bridge.bridge-nf-call-iptables=1
  sysctl -qw net.bridge.bridge-nf-call-ip6tables=1
}

# ---------------------------------------------------------------------------------------------
# Certificates and configuration

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
client_cert() { new_cert "$1" "$2" "extendedKeyUsage=clientAuth" "basicConstraints=critical,CA:FALSE"; }

make_pki() {
  PKI="$DIR/pki"
  mkdir -p "$PKI"
  new_key "$PKI/ca.key"
  openssl req -new -x509 -key "$PKI/ca.key" -subj "/CN=homelab-test-ca" -days 30 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$PKI/ca.crt" 2>/dev/null
  # Pods reach the apiserver through the `kubernetes` Service, which leads to the node's address.
  new_cert apiserver "/CN=kube-apiserver" \
    "subjectAltName=IP:127.0.0.1,IP:$SERVICE_IP,IP:$NODE_IP,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local" \
    "extendedKeyUsage=serverAuth" "basicConstraints=critical,CA:FALSE"
  new_cert kubelet-serving "/CN=$NODE_NAME" "subjectAltName=IP:$NODE_IP,DNS:$NODE_NAME" \
    "extendedKeyUsage=serverAuth" "basicConstraints=critical,CA:FALSE"
  # Group system:masters: full access, without depending on any RBAC object.
  client_cert admin "/O=system:masters/CN=homelab-admin"
  client_cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client"
  # The users RBAC's bootstrap policy (and the Node authorizer) grant their rights to.
  client_cert controller-manager "/CN=system:kube-controller-manager"
  client_cert scheduler "/CN=system:kube-scheduler"
  client_cert kubelet "/O=system:nodes/CN=system:node:$NODE_NAME"
  client_cert kube-proxy "/CN=system:kube-proxy"
  client_cert kube-router "/CN=system:kube-router"
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

CONTAINERD_SOCKET=/run/containerd/containerd.sock

write_node_configs() {
  mkdir -p "$DIR/cni/net.d" "$DIR/cni/ipam" "$DIR/kubelet" "$DIR/manifests" "$DIR/volume-plugins"
  cat >"$DIR/containerd.toml" <<EOF
version = 2
root = "$DIR/containerd"
state = "/run/containerd"
[grpc]
  address = "$CONTAINERD_SOCKET"
[ttrpc]
  address = "/run/containerd/containerd.sock.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$DIR/containerd-opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/pause:3.10"
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  # root here may lack CAP_SYS_RESOURCE, so runc could not lower a sandbox's oom_score_adj below
  # containerd's own: clamp it to that instead of failing every sandbox.
  restrict_oom_score_adj = true
  # The ingress controller binds :80 and :443 as user 101; the real image gets that right from
  # file capabilities on its nginx binary, the stand-in from the pod's sysctl.
  enable_unprivileged_ports = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$DIR/cni/net.d"
EOF

  cat >"$DIR/cni/net.d/10-homelab.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "homelab",
  "plugins": [
    {"type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": false, "hairpinMode": true,
     "ipam": {"type": "host-local", "dataDir": "$DIR/cni/ipam",
              "ranges": [[{"subnet": "$NODE_POD_CIDR", "gateway": "${NODE_POD_CIDR%.*}.1"}]],
              "routes": [{"dst": "0.0.0.0/0"}]}},
    {"type": "portmap", "capabilities": {"portMappings": true}},
    {"type": "loopback"}
  ]
}
EOF

  # cgroup v1 is what this machine has; kubelet 1.33 still accepts it. Eviction thresholds are
  # low and image garbage collection is off: the images cannot be pulled again.
  cat >"$DIR/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
containerRuntimeEndpoint: unix://$CONTAINERD_SOCKET
cgroupDriver: cgroupfs
cgroupRoot: /$CGROUP_PARENT
cgroupsPerQOS: true
failSwapOn: false
failCgroupV1: false
protectKernelDefaults: false
clusterDNS: [$DNS_IP]
clusterDomain: cluster.local
resolvConf: $DIR/resolv.conf
staticPodPath: $DIR/manifests
volumePluginDir: $DIR/volume-plugins
syncFrequency: ${HOMELAB_NODE_SYNC_FREQUENCY:-2s}
tlsCertFile: $PKI/kubelet-serving.crt
tlsPrivateKeyFile: $PKI/kubelet-serving.key
rotateCertificates: false
serverTLSBootstrap: false
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $PKI/ca.crt}
authorization: {mode: Webhook}
evictionHard: {memory.available: "50Mi", nodefs.available: "1%", imagefs.available: "1%", nodefs.inodesFree: "1%"}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
serializeImagePulls: false
EOF
  # What pods with dnsPolicy Default (CoreDNS itself) get: no resolver outside the cluster.
  printf 'nameserver %s\n' "$DNS_IP" >"$DIR/resolv.conf"

  cat >"$DIR/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: $DIR/kube-proxy.kubeconfig}
mode: iptables
clusterCIDR: $POD_CIDR
hostnameOverride: $NODE_NAME
bindAddress: $NODE_IP
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
# 0 leaves the kernel's conntrack table size alone: it is host-wide.
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
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
  setsid "$@" </dev/null >"$DIR/logs/$name.log" 2>&1 8<&- &
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

pid_of() { awk -v name="$1" '$1 == name { print $2 }' "$DIR/pids" 2>/dev/null; }

# The pods' containers go first, through containerd, so that runc removes their cgroups and
# mounts: kubelet is stopped (it would start them again), then every task is killed and deleted.
stop_containers() {
  local kubelet task
  kubelet=$(pid_of kubelet)
  if [[ -n $kubelet ]] && kill -TERM "$kubelet" 2>/dev/null; then wait "$kubelet" 2>/dev/null || true; fi
  [[ -S $CONTAINERD_SOCKET ]] || return 0
  local ctr=(ctr -a "$CONTAINERD_SOCKET" -n k8s.io)
  for task in $("${ctr[@]}" tasks ls -q 2>/dev/null); do "${ctr[@]}" tasks kill -s KILL "$task" 2>/dev/null || true; done
  for task in $("${ctr[@]}" tasks ls -q 2>/dev/null); do "${ctr[@]}" tasks delete -f "$task" >/dev/null 2>&1 || true; done
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

kubectl_admin() { kubectl --kubeconfig "$DIR/kubeconfig" "$@"; }

node_ready() {
  [[ $(kubectl_admin get node "$NODE_NAME" \
    -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null) == True ]]
}

start_control_plane() {
  # --unsafe-no-fsync: the data is thrown away, and fsync dominates write latency.
  launch etcd "$(type -P etcd)" \
    --name=default --data-dir="$DIR/etcd" \
    --listen-client-urls=http://127.0.0.1:2379 --advertise-client-urls=http://127.0.0.1:2379 \
    --listen-peer-urls=http://127.0.0.1:2380 --initial-advertise-peer-urls=http://127.0.0.1:2380 \
    --initial-cluster=default=http://127.0.0.1:2380 \
    --unsafe-no-fsync=true --log-level=warn
  wait_for etcd curl -sf --max-time 2 http://127.0.0.1:2379/health

  # Service-referenced webhooks are called at their endpoints (pod addresses on cni0), so a
  # webhook call never goes through a resolver.
  launch kube-apiserver "$(type -P kube-apiserver)" \
    --enable-aggregator-routing=true \
    --etcd-servers=http://127.0.0.1:2379 \
    --bind-address=0.0.0.0 --advertise-address="$NODE_IP" --secure-port="$APISERVER_PORT" \
    --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
    --client-ca-file="$PKI/ca.crt" \
    --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" \
    --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
    --kubelet-preferred-address-types=InternalIP \
    --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$PKI/service-account.pub" \
    --service-account-signing-key-file="$PKI/service-account.key" \
    --allow-privileged=true
  wait_for "kube-apiserver /readyz" api_get /readyz
  wait_for "namespaces default and kube-system" \
    eval 'api_get /api/v1/namespaces/default && api_get /api/v1/namespaces/kube-system'

  launch kube-controller-manager "$(type -P kube-controller-manager)" \
    --kubeconfig="$DIR/controller-manager.kubeconfig" \
    --authentication-kubeconfig="$DIR/controller-manager.kubeconfig" \
    --authorization-kubeconfig="$DIR/controller-manager.kubeconfig" \
    --bind-address=127.0.0.1 --cert-dir="$DIR/controller-manager-certs" \
    --service-account-private-key-file="$PKI/service-account.key" \
    --root-ca-file="$PKI/ca.crt" \
    --use-service-account-credentials=true \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --cluster-cidr="$POD_CIDR" --allocate-node-cidrs=true --node-cidr-mask-size=24 \
    --flex-volume-plugin-dir="$DIR/volume-plugins" \
    --leader-elect=false \
    --controllers='*'
  launch kube-scheduler "$(type -P kube-scheduler)" \
    --kubeconfig="$DIR/scheduler.kubeconfig" \
    --authentication-kubeconfig="$DIR/scheduler.kubeconfig" \
    --authorization-kubeconfig="$DIR/scheduler.kubeconfig" \
    --bind-address=127.0.0.1 --leader-elect=false
  wait_for "kube-controller-manager /healthz" curl -sfk --max-time 2 https://127.0.0.1:10257/healthz
  wait_for "kube-scheduler /healthz" curl -sfk --max-time 2 https://127.0.0.1:10259/healthz
  # The `default` ServiceAccount appears once the controllers really run; pods are rejected
  # by the ServiceAccount admission plugin until then.
  wait_for "ServiceAccount default/default" api_get /api/v1/namespaces/default/serviceaccounts/default
}

start_node() {
  launch containerd "$(type -P containerd)" --config "$DIR/containerd.toml"
  wait_for containerd ctr -a "$CONTAINERD_SOCKET" version
  local image
  local -a imports=()
  for image in "$HOMELAB_NODE_IMAGES"/*.tar; do
    ctr -a "$CONTAINERD_SOCKET" -n k8s.io images import "$image" >/dev/null &
    imports+=($!)
  done
  for image in "${imports[@]}"; do wait "$image" || die "importing an image into containerd failed"; done

  launch kubelet "$(type -P kubelet)" --config="$DIR/kubelet.yaml" \
    --kubeconfig="$DIR/kubelet.kubeconfig" --root-dir="$DIR/kubelet" \
    --node-ip="$NODE_IP" --hostname-override="$NODE_NAME" --v=1
  launch kube-proxy "$(type -P kube-proxy)" --config="$DIR/kube-proxy.yaml"
  wait_for "node $NODE_NAME to be Ready" node_ready
  mark node_ready_s
  # kubelet set its host-wide kernel settings at start and does not look at them again: put the
  # host's back, and let another cluster save them.
  restore_sysctls "$DIR/host-sysctls"
  exec 8<&-

  # NetworkPolicy: kube-router's policy controller alone (no routing, no service proxy, no CNI),
  # a process beside kubelet as k3s runs its embedded one.
  kubectl_admin apply -f "$SCRIPT_DIR/local-cluster/node-rbac.yaml" >/dev/null
  launch kube-router "$(type -P kube-router)" --kubeconfig="$DIR/kube-router.kubeconfig" \
    --run-firewall=true --run-router=false --run-service-proxy=false --run-loadbalancer=false \
    --enable-cni=false --enable-ibgp=false --enable-overlay=false --enable-pod-egress=false \
    --hostname-override="$NODE_NAME" --service-cluster-ip-range="$SERVICE_CIDR" \
    --health-port=0 --metrics-port=0 --iptables-sync-period=1m -v=1

  DNS_IP=$DNS_IP COREDNS_IMAGE=$(grep '/coredns:' "$HOMELAB_NODE_IMAGES/images.txt") \
    NODE_HOSTS="$NODE_IP $NODE_NAME" envsubst '${DNS_IP} ${COREDNS_IMAGE} ${NODE_HOSTS}' \
    <"$SCRIPT_DIR/local-cluster/coredns.yaml" | kubectl_admin apply -f - >/dev/null
  wait_for "CoreDNS to be ready" kubectl_admin -n kube-system rollout status deployment/coredns --timeout=2s
}

# Seconds since the start, with milliseconds, into $DIR/timings (the bench reads them).
mark() { printf '%s %s\n' "$1" "$(awk -v start="$STARTED_AT" -v now="$(date +%s.%N)" 'BEGIN { printf "%.2f", now - start }')" >>"$DIR/timings"; }

# Starts everything in $DIR and waits until CoreDNS answers. Any failure exits the script; the
# EXIT trap set by the caller then shows the logs and stops whatever did start.
start_in() {
  DIR=$1
  mkdir -p "$DIR/logs" "$DIR/controller-manager-certs"
  mkdir -m 700 "$DIR/etcd"
  START_DEADLINE=$((SECONDS + START_TIMEOUT))
  local started=$SECONDS
  STARTED_AT=$(date +%s.%N)
  make_pki
  write_kubeconfig "$DIR/kubeconfig" admin
  local user
  for user in controller-manager scheduler kubelet kube-proxy kube-router; do
    write_kubeconfig "$DIR/$user.kubeconfig" "$user"
  done
  write_node_configs
  start_control_plane
  mark control_plane_ready_s
  start_node
  mark coredns_ready_s
  log "ready after $((SECONDS - started))s: https://127.0.0.1:$APISERVER_PORT, node $NODE_NAME (state and logs in $DIR)"
}

# ---------------------------------------------------------------------------------------------
# Commands

STARTED=false
COMMAND_PID=""
UNSHARE_PID=""

forward_signal() {
  local child
  child=$(cat "/proc/$UNSHARE_PID/task/$UNSHARE_PID/children" 2>/dev/null) || return 0
  if [[ -n $child ]]; then kill "-$1" $child 2>/dev/null || true; fi
}

# Runs on every exit of the namespaces' first process: stops the command, the containers and the
# servers.
cleanup_inside() {
  trap - EXIT INT TERM
  if [[ -n $COMMAND_PID ]]; then kill -TERM "$COMMAND_PID" 2>/dev/null || true; fi
  $STARTED || show_logs
  stop_containers || true
  stop_all "$DIR"
}

# Runs on every exit of `run` on the host: once the namespaces are gone, removes the cgroups,
# puts the kernel settings back and removes the folder.
cleanup_host() {
  trap - EXIT
  remove_cgroups
  restore_sysctls "$DIR/host-sysctls"
  if grep -qF " $DIR/" /proc/self/mountinfo; then
    log "warning: mounts under $DIR are left on the host:"
    grep -F " $DIR/" /proc/self/mountinfo >&2
  else
    rm -rf "$DIR"
  fi
}

run_outside() {
  find_binaries
  ((EUID == 0)) || die "the local cluster's node needs root (kubelet manages cgroups and mounts)"
  DIR=$(mktemp -d "${TMPDIR:-/tmp}/control-plane.XXXXXX")
  CGROUP_PARENT="homelab-${DIR##*.}"
  trap cleanup_host EXIT
  make_cgroups
  # The script runs again as the first process of new network, mount and PID namespaces. As PID
  # 1 of its own PID namespace, its end (even by SIGKILL) ends everything started under it. The
  # signal that ends `unshare` reaches it as SIGTERM.
  HOMELAB_CONTROL_PLANE_NETNS=entered HOMELAB_CONTROL_PLANE_DIR=$DIR HOMELAB_CGROUP_PARENT=$CGROUP_PARENT \
    unshare --net --mount --pid --fork --mount-proc --propagation private --kill-child=TERM -- \
    bash "${BASH_SOURCE[0]}" run -- "$@" <&0 &
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
}

run_inside() {
  DIR=$HOMELAB_CONTROL_PLANE_DIR
  CGROUP_PARENT=$HOMELAB_CGROUP_PARENT
  trap cleanup_inside EXIT
  trap 'log "interrupted; stopping"; exit 130' INT
  trap 'log "terminated; stopping"; exit 143' TERM
  # Another cluster starting at the same time must not save the values its kubelet has just set:
  # the lock on this script is held until this cluster's node is Ready and the values are back
  # (start_in). The namespaces' first process holds it, not `unshare`, which lives as long as the
  # cluster does.
  exec 8<"${BASH_SOURCE[0]}"
  flock 8
  save_sysctls "$DIR/host-sysctls"
  setup_private_mounts
  setup_private_network
  start_in "$DIR"
  STARTED=true

  export KUBECONFIG="$DIR/kubeconfig" HOMELAB_IMPORTED_IMAGE="$IMPORTED_IMAGE" \
    HOMELAB_LAN_HOST_NETNS="$LAN_HOST_NETNS" HOMELAB_NODE_IP="$NODE_IP" HOMELAB_LAN_HOST_IP="$LAN_HOST_IP"
  # What the command writes to temporary files (Pulumi workspaces, Helm values, adoption backups)
  # stays in the cluster's folder and goes with it.
  mkdir -p "$DIR/tmp"
  export TMPDIR="$DIR/tmp"
  # In the background so a signal to this script is handled at once; stdin is passed on
  # explicitly (background jobs otherwise read /dev/null).
  "$@" <&0 &
  COMMAND_PID=$!
  local status=0
  wait "$COMMAND_PID" || status=$?
  COMMAND_PID=""
  exit "$status"
}

cmd_run() {
  [[ ${1:-} == -- ]] && shift
  (($#)) || { usage; exit 2; }
  find_binaries
  if [[ ${HOMELAB_CONTROL_PLANE_NETNS:-} == entered ]]; then
    run_inside "$@"
  else
    run_outside "$@"
  fi
}

case "${1:-}" in
  run) shift; cmd_run "$@" ;;
  -h|--help|help) usage ;;
  *) usage; exit 2 ;;
esac
