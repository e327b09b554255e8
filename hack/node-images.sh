#!/usr/bin/env bash
# Builds the container images the local cluster's node runs, as docker-archive tarballs that
# `ctr -n k8s.io images import` loads into containerd: one layer holding the binaries (built by
# hack/toolchain.sh from the upstream modules at the versions the charts pin), an image config
# with the upstream image's entrypoint, and the image name the charts render. No registry is
# involved; pods use them with imagePullPolicy IfNotPresent or Never.
#
# Usage: node-images.sh OUT_DIR NAME=BINARY...   (binaries by name: pause busybox coredns
#   metallb-controller metallb-speaker workflow-controller argoexec argo nginx-ingress-controller
#   kube-webhook-certgen)
# Writes OUT_DIR/<image>.tar for every image and OUT_DIR/images.txt (one image name a line).
set -euo pipefail

out=$1
shift
declare -A binary=()
for argument in "$@"; do binary[${argument%%=*}]=${argument#*=}; done

# Image names: the upstream names the charts render at the pinned versions, and the stand-ins'
# own names (the local stack's chart values point at them).
PAUSE_IMAGE=registry.k8s.io/pause:3.10
BUSYBOX_IMAGE=docker.io/library/busybox:1.35.0
# The image workflow steps of the tests run: a copy of busybox under a name no registry has, as a
# homelab's own training image would be.
TRAINING_IMAGE=homelab/training-pipeline:2025.07
COREDNS_IMAGE=registry.k8s.io/coredns/coredns:${COREDNS_TAG:?}
METALLB_CONTROLLER_IMAGE=quay.io/metallb/controller:${METALLB_TAG:?}
METALLB_SPEAKER_IMAGE=quay.io/metallb/speaker:$METALLB_TAG
WORKFLOW_CONTROLLER_IMAGE=quay.io/argoproj/workflow-controller:${ARGO_TAG:?}
ARGOEXEC_IMAGE=quay.io/argoproj/argoexec:$ARGO_TAG
ARGOCLI_IMAGE=quay.io/argoproj/argocli:$ARGO_TAG
INGRESS_CONTROLLER_STAND_IN_IMAGE=localhost/homelab-stand-in/ingress-nginx-controller:v1.15.1
CERTGEN_STAND_IN_IMAGE=localhost/homelab-stand-in/kube-webhook-certgen:v1.6.9

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# make_image NAME FILE ROOTFS ENTRYPOINT_JSON CMD_JSON [USER]: a one-layer docker-archive
# tarball. Timestamps and owners are fixed, so the same inputs give the same bytes.
make_image() {
  local name=$1 file=$2 rootfs=$3 entrypoint=$4 cmd=$5 user=${6:-} tmp layer_sha config_sha
  tmp=$(mktemp -d "$work/image.XXXXXX")
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$rootfs" -cf "$tmp/layer.tar" .
  layer_sha=$(sha256sum "$tmp/layer.tar" | cut -d' ' -f1)
  mkdir "$tmp/$layer_sha"
  mv "$tmp/layer.tar" "$tmp/$layer_sha/layer.tar"
  cat >"$tmp/config.json" <<JSON
{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z",
 "config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
           "Entrypoint":$entrypoint,"Cmd":$cmd,"WorkingDir":"/","User":"$user"},
 "rootfs":{"type":"layers","diff_ids":["sha256:$layer_sha"]},
 "history":[{"created":"1970-01-01T00:00:00Z","created_by":"hack/node-images.sh"}]}
JSON
  config_sha=$(sha256sum "$tmp/config.json" | cut -d' ' -f1)
  mv "$tmp/config.json" "$tmp/$config_sha.json"
  printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s/layer.tar"]}]\n' \
    "$config_sha" "$name" "$layer_sha" >"$tmp/manifest.json"
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$tmp" -cf "$out/$file.tar.tmp" \
    manifest.json "$config_sha.json" "$layer_sha"
  mv -f "$out/$file.tar.tmp" "$out/$file.tar"
  printf '%s\n' "$name" >>"$out/images.txt.tmp"
}

# rootfs FILE...: a fresh root with /tmp, /etc and the given binaries copied to their paths
# (DEST=SOURCE).
new_rootfs() {
  local root entry
  root=$(mktemp -d "$work/rootfs.XXXXXX")
  mkdir -p "$root/etc" "$root/tmp" "$root/bin"
  chmod 1777 "$root/tmp"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  for entry in "$@"; do
    install -D -m 0755 "${entry#*=}" "$root${entry%%=*}"
  done
  printf '%s\n' "$root"
}

mkdir -p "$out"
rm -f "$out/images.txt.tmp"

make_image "$PAUSE_IMAGE" pause "$(new_rootfs "/pause=${binary[pause]}")" '["/pause"]' null

# busybox: every applet as a link; static glibc resolves names through nsswitch.conf.
busybox_root=$(new_rootfs "/bin/busybox=${binary[busybox]}")
for applet in $("${binary[busybox]}" --list); do
  [[ $applet == busybox ]] || ln -s busybox "$busybox_root/bin/$applet"
done
printf 'hosts: files dns\n' >"$busybox_root/etc/nsswitch.conf"
mkdir -p "$busybox_root/root" "$busybox_root/var/www"
make_image "$BUSYBOX_IMAGE" busybox "$busybox_root" null '["sh"]'
make_image "$TRAINING_IMAGE" training-pipeline "$busybox_root" null '["sh"]'

# Upstream images' entrypoints: coredns/Dockerfile, metallb's controller.Dockerfile and
# speaker.Dockerfile, argo-workflows' Dockerfile (binaries in /bin, started by name, as user
# 8737).
make_image "$COREDNS_IMAGE" coredns "$(new_rootfs "/coredns=${binary[coredns]}")" '["/coredns"]' null
make_image "$METALLB_CONTROLLER_IMAGE" metallb-controller \
  "$(new_rootfs "/controller=${binary[metallb-controller]}")" '["/controller"]' null
make_image "$METALLB_SPEAKER_IMAGE" metallb-speaker \
  "$(new_rootfs "/speaker=${binary[metallb-speaker]}")" '["/speaker"]' null
make_image "$WORKFLOW_CONTROLLER_IMAGE" workflow-controller \
  "$(new_rootfs "/bin/workflow-controller=${binary[workflow-controller]}")" '["workflow-controller"]' null 8737
argoexec_root=$(new_rootfs "/bin/argoexec=${binary[argoexec]}")
printf '8737:x:8737:8737:argo:/home/argo:/bin/false\n' >>"$argoexec_root/etc/passwd"
make_image "$ARGOEXEC_IMAGE" argoexec "$argoexec_root" '["argoexec"]' null 8737
# The Argo Server runs from the CLI's image (`argo server`).
make_image "$ARGOCLI_IMAGE" argocli "$(new_rootfs "/bin/argo=${binary[argo]}")" '["argo"]' null 8737

# The stand-ins (hack/stand-ins), at the paths the charts start the real images by.
make_image "$INGRESS_CONTROLLER_STAND_IN_IMAGE" ingress-nginx-controller-stand-in \
  "$(new_rootfs "/nginx-ingress-controller=${binary[nginx-ingress-controller]}")" null null
make_image "$CERTGEN_STAND_IN_IMAGE" kube-webhook-certgen-stand-in \
  "$(new_rootfs "/kube-webhook-certgen=${binary[kube-webhook-certgen]}")" '["/kube-webhook-certgen"]' null

mv -f "$out/images.txt.tmp" "$out/images.txt"
