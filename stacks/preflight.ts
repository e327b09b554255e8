// What `npm run preflight` finds: the live cluster, read once, held against the stack's settings.
// Each check names what on a k3s homelab would make the stack misbehave, and what to do about it.
// Pure: cli/preflight.ts reads the cluster into a ClusterSnapshot and prints the findings.

import { IpRange, parseAddressOrCidr, parseCidr } from "../lib/addresses/ip";
import { formatAddressRange, rangeCovers, rangeIntersection } from "../lib/addresses/ranges";
import { jsonObject, metadataOf, objectName } from "../lib/kubernetes/objectMetadata";
import { readPoolEntry } from "../lib/metallb/poolEntry";
import { ChartName } from "./sections/charts";
import { pinnedVersion, stackReleaseOf } from "./releaseAdoption";
import { StackSettings } from "./settings";

type Json = Record<string, unknown>;

/** The checks, in the order they are reported. */
export const preflightChecks = [
    "servicelb",
    "traefik",
    "calico-cidrs",
    "cluster-dns",
    "nodes-outside-pools",
    "node-addresses",
    "versions",
    "network-policy",
    "egress-destinations",
] as const;
export type PreflightCheck = (typeof preflightChecks)[number];

/**
 * `blocks`: the stack would misbehave (exit status 1). `warns`: worth a look before `pulumi up`.
 * `ok`: checked and fine, said so that a report also shows what was looked at.
 */
export type FindingLevel = "blocks" | "warns" | "ok";

export interface Finding {
    check: PreflightCheck;
    level: FindingLevel;
    /** The object or setting the finding is about: `kube-system/svclb-traefik-1a2b3c4d`, `network.podCidr`. */
    subject: string;
    message: string;
    /** What to do; absent for `ok`. */
    fix?: string;
}

/** A read the identity was refused: what it could not see, and which check goes without it. */
export interface UnreadObjects {
    check: PreflightCheck;
    /** `apps/v1 DaemonSets`, `core/v1 ConfigMaps in seldon-system`. */
    what: string;
    reason: string;
}

/** What preflight reads of the cluster, objects as the API server serves them. */
export interface ClusterSnapshot {
    nodes: Json[];
    daemonSets: Json[];
    deployments: Json[];
    services: Json[];
    /** EndpointSlices of `kube-system/kube-dns`. */
    dnsEndpointSlices: Json[];
    /** `kube-system/coredns-custom`, k3s' place for CoreDNS overrides, when it exists. */
    corednsCustom?: Json;
    ingressClasses: Json[];
    /** Calico IPPools, from `crd.projectcalico.org/v1` or Calico's API server (`projectcalico.org/v3`). */
    calicoPools: Json[];
    /** The Tigera operator's `Installation` objects. */
    calicoInstallations: Json[];
    /** MetalLB IPAddressPools as they are now. */
    metallbPools: Json[];
    /** ConfigMaps and Pods of the governed namespaces, whose settings and env name the Services they reach. */
    governedConfigMaps: Json[];
    governedPods: Json[];
    unread: UnreadObjects[];
}

function list(value: unknown): unknown[] {
    return Array.isArray(value) ? value : [];
}

/** A MetalLB pool's ranges, by name: the ones the settings plan and the ones the cluster has. */
interface NamedRange {
    owner: string;
    range: IpRange;
}

function settingsPools(settings: StackSettings): NamedRange[] {
    const reading = readPoolEntry(settings.metallb.generalRange);
    const pools: NamedRange[] = [];
    if (reading.accepted && reading.range) {
        pools.push({ owner: `metallb.generalPool (${settings.metallb.generalRange})`, range: reading.range });
    }
    for (const reservation of settings.metallb.reservations) {
        const range = parseAddressOrCidr(reservation.address);
        if (range) {
            pools.push({ owner: `reservation ${reservation.pool} (${reservation.address})`, range });
        }
    }
    return pools;
}

function livePools(snapshot: ClusterSnapshot): NamedRange[] {
    const pools: NamedRange[] = [];
    for (const pool of snapshot.metallbPools) {
        for (const entry of list(jsonObject(pool.spec).addresses)) {
            const reading = readPoolEntry(String(entry));
            if (reading.accepted && reading.range) {
                pools.push({
                    owner: `IPAddressPool ${objectName(pool)} (${String(entry)})`,
                    range: reading.range,
                });
            }
        }
    }
    return pools;
}

/** k3s records the arguments it started with on each node (`k3s.io/node-args`, a JSON array). */
function k3sArguments(node: Json): string[] | undefined {
    const text = metadataOf(node).annotations["k3s.io/node-args"];
    if (typeof text !== "string") {
        return undefined;
    }
    try {
        const parsed: unknown = JSON.parse(text);
        return Array.isArray(parsed) ? parsed.map(String) : undefined;
    } catch {
        return undefined;
    }
}

/** What `--disable` names across k3s' arguments (`--disable=traefik,servicelb`, `--disable servicelb`). */
function k3sDisabled(args: string[]): Set<string> {
    const disabled = new Set<string>();
    args.forEach((arg, index) => {
        const [flag, inline] = arg.split(/=(.*)/s, 2);
        if (flag === "--disable") {
            for (const name of (inline ?? args[index + 1] ?? "").split(",")) {
                disabled.add(name.trim());
            }
        }
    });
    return disabled;
}

function k3sNodes(snapshot: ClusterSnapshot): { node: string; args: string[] }[] {
    return snapshot.nodes.flatMap((node) => {
        const args = k3sArguments(node);
        return args ? [{ node: metadataOf(node).name, args }] : [];
    });
}

const k3sConfig = "/etc/rancher/k3s/config.yaml";

function checkServiceLb(snapshot: ClusterSnapshot): Finding[] {
    const findings: Finding[] = [];
    const fix =
        `start k3s with --disable=servicelb (\`disable: [servicelb]\` in ${k3sConfig} on every server) and restart it; ` +
        "k3s then removes its svclb DaemonSets and MetalLB alone answers for LoadBalancer Services";
    for (const daemonSet of snapshot.daemonSets) {
        const { name, labels } = metadataOf(daemonSet);
        if (name.startsWith("svclb-") || labels["svccontroller.k3s.cattle.io/svcname"] !== undefined) {
            findings.push({
                check: "servicelb",
                level: "blocks",
                subject: objectName(daemonSet),
                message:
                    "k3s ServiceLB (klipper-lb) runs for a LoadBalancer Service: it and MetalLB both answer for it, " +
                    "each with other addresses",
                fix,
            });
        }
    }
    const daemonSetsFound = findings.length > 0;
    for (const { node, args } of k3sNodes(snapshot)) {
        if (!daemonSetsFound && !k3sDisabled(args).has("servicelb")) {
            findings.push({
                check: "servicelb",
                level: "blocks",
                subject: `node ${node}`,
                message:
                    "k3s runs with ServiceLB enabled (no --disable=servicelb in k3s.io/node-args): the first LoadBalancer " +
                    "Service gets a klipper-lb DaemonSet beside MetalLB's address",
                fix,
            });
        }
    }
    if (findings.length === 0) {
        findings.push({
            check: "servicelb",
            level: "ok",
            subject: "cluster",
            message: "no k3s ServiceLB DaemonSet (svclb-*), and no k3s node runs with it enabled",
        });
    }
    return findings;
}

function isTraefik(item: Json): boolean {
    const { name, labels } = metadataOf(item);
    return name === "traefik" || labels["app.kubernetes.io/name"] === "traefik";
}

function loadBalancerAddresses(service: Json): string[] {
    return list(jsonObject(jsonObject(service.status).loadBalancer).ingress)
        .map((entry) => String(jsonObject(entry).ip ?? ""))
        .filter((ip) => ip !== "");
}

function checkTraefik(snapshot: ClusterSnapshot, settings: StackSettings): Finding[] {
    const findings: Finding[] = [];
    const disableFix = `start k3s with --disable=traefik (\`disable: [traefik]\` in ${k3sConfig}) and restart it`;
    for (const service of snapshot.services.filter(isTraefik)) {
        if (jsonObject(service.spec).type !== "LoadBalancer") {
            continue;
        }
        const addresses = loadBalancerAddresses(service);
        findings.push({
            check: "traefik",
            level: "blocks",
            subject: `Service ${objectName(service)}`,
            message:
                "k3s' bundled Traefik has a LoadBalancer Service, which takes an address from MetalLB's pools" +
                (addresses.length > 0 ? ` (it holds ${addresses.join(", ")})` : ""),
            fix: disableFix,
        });
    }
    const ours = settings.ingress.ingressClassName;
    for (const ingressClass of snapshot.ingressClasses) {
        const { name, annotations } = metadataOf(ingressClass);
        if (name !== ours && annotations["ingressclass.kubernetes.io/is-default-class"] === "true") {
            findings.push({
                check: "traefik",
                level: "warns",
                subject: `IngressClass ${name}`,
                message:
                    `IngressClass ${name} is marked the cluster's default, as the stack's ${ours} will be: ` +
                    "with two defaults the API server refuses new Ingresses that name no class",
                fix:
                    (isTraefik(ingressClass) ? `${disableFix}, or ` : "") +
                    `remove the annotation: kubectl annotate ingressclass ${name} ingressclass.kubernetes.io/is-default-class-`,
            });
        }
    }
    const traefikFound = findings.length > 0;
    for (const { node, args } of k3sNodes(snapshot)) {
        if (!traefikFound && !k3sDisabled(args).has("traefik")) {
            findings.push({
                check: "traefik",
                level: "warns",
                subject: `node ${node}`,
                message:
                    "k3s runs with its bundled Traefik enabled (no --disable=traefik in k3s.io/node-args)",
                fix: disableFix,
            });
        }
    }
    if (findings.length === 0) {
        findings.push({
            check: "traefik",
            level: "ok",
            subject: "cluster",
            message: `no Traefik LoadBalancer Service, and no default IngressClass but ${ours}`,
        });
    }
    return findings;
}

/** Every pod CIDR Calico has: its IPPools, and the pools the operator's Installation asks for. */
function calicoCidrs(snapshot: ClusterSnapshot): { source: string; cidr: string }[] {
    const cidrs: { source: string; cidr: string }[] = [];
    for (const pool of snapshot.calicoPools) {
        const spec = jsonObject(pool.spec);
        if (typeof spec.cidr === "string" && spec.disabled !== true) {
            cidrs.push({ source: `IPPool ${objectName(pool)}`, cidr: spec.cidr });
        }
    }
    for (const installation of snapshot.calicoInstallations) {
        list(jsonObject(jsonObject(installation.spec).calicoNetwork).ipPools).forEach((entry, index) => {
            const cidr = jsonObject(entry).cidr;
            if (typeof cidr === "string") {
                cidrs.push({
                    source: `Installation ${objectName(installation)} spec.calicoNetwork.ipPools[${index}]`,
                    cidr,
                });
            }
        });
    }
    return cidrs;
}

function checkCalicoCidrs(snapshot: ClusterSnapshot, settings: StackSettings): Finding[] {
    const findings: Finding[] = [];
    const { lanCidr, podCidr } = settings.network;
    const lan = parseCidr(lanCidr);
    const pods = parseCidr(podCidr);
    const pools = [...settingsPools(settings), ...livePools(snapshot)];
    const cidrs = calicoCidrs(snapshot);
    for (const { source, cidr } of cidrs) {
        const range = parseCidr(cidr);
        if (!range) {
            continue;
        }
        const clashes: string[] = [];
        if (lan && rangeIntersection(range, lan)) {
            clashes.push(`the LAN (network.lanCidr ${lanCidr})`);
        }
        for (const pool of pools) {
            const shared = rangeIntersection(range, pool.range);
            if (shared) {
                clashes.push(`MetalLB's ${pool.owner}, at ${formatAddressRange(shared)}`);
            }
        }
        if (clashes.length > 0) {
            findings.push({
                check: "calico-cidrs",
                level: "blocks",
                subject: source,
                message: `Calico gives pods addresses from ${cidr}, which overlaps ${clashes.join("; ")}`,
                fix:
                    `move Calico's pod pool to network.podCidr (${podCidr}): a new IPPool, then disable ${cidr} and ` +
                    'restart the pods on it (Calico\'s guide "Migrate from one IP pool to another")',
            });
        } else if (pods && !(range.family === pods.family && rangeCovers(pods, range))) {
            findings.push({
                check: "calico-cidrs",
                level: "warns",
                subject: source,
                message:
                    `Calico gives pods addresses from ${cidr}, outside network.podCidr (${podCidr}): the egress rules ` +
                    "and the pack's address checks take pods to be in network.podCidr",
                fix: `set network.podCidr to the cluster's pod range (${cidr}), or move Calico's pool into ${podCidr}`,
            });
        }
    }
    if (findings.length === 0) {
        findings.push({
            check: "calico-cidrs",
            level: "ok",
            subject: "network.podCidr",
            message:
                cidrs.length === 0
                    ? "no Calico IPPool or Installation: nothing to hold against the LAN and the pools"
                    : `Calico's pools (${cidrs.map((entry) => entry.cidr).join(", ")}) lie in ${podCidr}, clear of the LAN and the pools`,
        });
    }
    return findings;
}

/** k3s' `--cluster-dns` unless given: the tenth address of the service range (10.43.0.10). */
export function clusterDnsAddress(serviceCidr: string): string | undefined {
    const range = parseCidr(serviceCidr);
    if (!range || range.family !== 4) {
        return undefined;
    }
    const value = range.first + 10n;
    return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join(".");
}

/** The `forward` lines of CoreDNS server blocks, by the ConfigMap key they are in. */
function forwards(configMap: Json): { key: string; line: string }[] {
    return Object.entries(jsonObject(configMap.data)).flatMap(([key, text]) =>
        String(text)
            .split("\n")
            .map((line) => line.trim())
            .filter((line) => /^forward\s/.test(line))
            .map((line) => ({ key, line })),
    );
}

function checkClusterDns(snapshot: ClusterSnapshot, settings: StackSettings): Finding[] {
    const findings: Finding[] = [];
    const expected = clusterDnsAddress(settings.network.serviceCidr);
    const service = snapshot.services.find((item) => objectName(item) === "kube-system/kube-dns");
    if (!service) {
        findings.push({
            check: "cluster-dns",
            level: "blocks",
            subject: "Service kube-system/kube-dns",
            message:
                "there is no kube-dns Service: pods cannot resolve Service names, and the DNS probe fails",
            fix: "k3s deploys CoreDNS unless started with --disable=coredns: remove that, or install CoreDNS behind kube-system/kube-dns",
        });
        return findings;
    }
    const clusterIp = String(jsonObject(service.spec).clusterIP ?? "");
    if (expected !== undefined && clusterIp !== expected) {
        findings.push({
            check: "cluster-dns",
            level: "blocks",
            subject: "Service kube-system/kube-dns",
            message:
                `kube-dns is at ${clusterIp}, not at ${expected} (the tenth address of network.serviceCidr ${settings.network.serviceCidr}, ` +
                "k3s' default --cluster-dns): the settings describe another cluster than this one",
            fix: `set network.serviceCidr to the cluster's service range (k3s --service-cidr)`,
        });
    }
    const ready = snapshot.dnsEndpointSlices.flatMap((slice) =>
        list(slice.endpoints).filter(
            (endpoint) => jsonObject(jsonObject(endpoint).conditions).ready === true,
        ),
    );
    if (ready.length === 0) {
        findings.push({
            check: "cluster-dns",
            level: "blocks",
            subject: "Service kube-system/kube-dns",
            message: "kube-dns has no ready endpoint: no CoreDNS pod answers",
            fix: "kubectl -n kube-system get pods -l k8s-app=kube-dns, and read the failing pod's events and log",
        });
    }
    if (snapshot.corednsCustom) {
        for (const { key, line } of forwards(snapshot.corednsCustom)) {
            findings.push({
                check: "cluster-dns",
                level: "warns",
                subject: `ConfigMap kube-system/coredns-custom, key ${key}`,
                message:
                    `CoreDNS is told to "${line}"` +
                    (key.endsWith(".override")
                        ? ": names outside the cluster are resolved there, for every pod"
                        : ": that zone's names are resolved there") +
                    "; pods of the governed namespaces reach only kube-dns, so the upstream must answer CoreDNS",
                fix: "check that upstream from a pod (the stack's DNS probe Job logs its lookups)",
            });
        }
    }
    if (findings.length === 0) {
        findings.push({
            check: "cluster-dns",
            level: "ok",
            subject: "Service kube-system/kube-dns",
            message: `kube-dns is at ${clusterIp} with ${ready.length} ready endpoint${ready.length === 1 ? "" : "s"}`,
        });
    }
    return findings;
}

function checkNodes(snapshot: ClusterSnapshot, settings: StackSettings): Finding[] {
    const findings: Finding[] = [];
    const pools = [...settingsPools(settings), ...livePools(snapshot)];
    for (const node of snapshot.nodes) {
        for (const entry of list(jsonObject(node.status).addresses)) {
            const { type, address } = jsonObject(entry);
            if (type !== "InternalIP" && type !== "ExternalIP") {
                continue;
            }
            const ip = parseAddressOrCidr(String(address));
            const pool = ip && pools.find((candidate) => rangeIntersection(candidate.range, ip));
            if (pool) {
                findings.push({
                    check: "nodes-outside-pools",
                    level: "blocks",
                    subject: `node ${metadataOf(node).name}`,
                    message:
                        `the node's ${type} ${String(address)} lies in ${pool.owner}: MetalLB would hand a node's own ` +
                        "address to a Service, and both would answer ARP for it",
                    fix: "give the node a fixed address outside the pools (DHCP reservation), or shrink metallb.generalPool.addresses",
                });
            }
        }
    }
    if (findings.length === 0) {
        findings.push({
            check: "nodes-outside-pools",
            level: "ok",
            subject: "nodes",
            message: `no address of the ${snapshot.nodes.length} node${snapshot.nodes.length === 1 ? "" : "s"} lies in a MetalLB pool`,
        });
    }
    return findings;
}

/** Node addresses that `network.nodeAddresses` does not hold: the egress rules leave them open. */
function checkNodeAddresses(snapshot: ClusterSnapshot, settings: StackSettings): Finding[] {
    const closed = settings.network.nodeAddresses.flatMap((text) => {
        const range = parseAddressOrCidr(text);
        return range ? [range] : [];
    });
    const open: string[] = [];
    const all: string[] = [];
    for (const node of snapshot.nodes) {
        for (const entry of list(jsonObject(node.status).addresses)) {
            const { type, address } = jsonObject(entry);
            const ip =
                type === "InternalIP" || type === "ExternalIP"
                    ? parseAddressOrCidr(String(address))
                    : undefined;
            if (!ip) {
                continue;
            }
            all.push(String(address));
            if (!closed.some((range) => rangeCovers(range, ip))) {
                open.push(`${metadataOf(node).name} ${String(address)}`);
            }
        }
    }
    if (open.length === 0) {
        return [
            {
                check: "node-addresses",
                level: "ok",
                subject: "network.nodeAddresses",
                message: `holds every node address (${all.join(", ") || "none"}): the egress rules close them but for the API server's port${settings.network.nodePorts.length > 0 ? ` and ${settings.network.nodePorts.join(", ")}` : ""}`,
            },
        ];
    }
    return [
        {
            check: "node-addresses",
            level: "warns",
            subject: "network.nodeAddresses",
            message:
                `does not hold ${open.join(", ")}: pods of the governed namespaces reach ` +
                `${open.length === 1 ? "that address" : "those addresses"} on every port, the kubelet's 10250 among them`,
            fix: `set network.nodeAddresses to [${[...new Set(all)].join(", ")}] (and network.nodePorts to any port pods need there)`,
        },
    ];
}

/** The charts the stack installs, by the settings. */
function stackCharts(settings: StackSettings): ChartName[] {
    return ["metallb", settings.ingress.controller, "argo-workflows"];
}

/** An installation of a chart, from the `helm.sh/chart` label its workloads carry (Helm's and the stack's alike). */
interface Installation {
    namespace: string;
    release: string;
    version: string;
    workloads: string[];
}

function installationsOf(snapshot: ClusterSnapshot, chart: string): Installation[] {
    const found = new Map<string, Installation>();
    for (const workload of [...snapshot.deployments, ...snapshot.daemonSets]) {
        const { namespace, labels } = metadataOf(workload);
        const label = String(labels["helm.sh/chart"] ?? "");
        const match = /^(.*)-(v?[0-9]+\.[0-9]+\.[0-9]+.*)$/.exec(label);
        if (!match || match[1] !== chart) {
            continue;
        }
        const release = String(labels["app.kubernetes.io/instance"] ?? labels.release ?? "");
        const key = `${namespace}/${release}/${match[2]}`;
        const installation = found.get(key) ?? {
            namespace: namespace ?? "",
            release,
            version: match[2],
            workloads: [],
        };
        installation.workloads.push(objectName(workload));
        found.set(key, installation);
    }
    return [...found.values()];
}

function checkVersions(
    snapshot: ClusterSnapshot,
    settings: StackSettings,
    projectDirectory: string,
): Finding[] {
    const findings: Finding[] = [];
    for (const chart of stackCharts(settings)) {
        const stack = stackReleaseOf(chart, settings);
        if (typeof stack === "string") {
            continue;
        }
        const pinned = pinnedVersion(stack.source, projectDirectory);
        const installations = installationsOf(snapshot, chart);
        if (installations.length === 0) {
            findings.push({
                check: "versions",
                level: "ok",
                subject: `chart ${chart}`,
                message: `not installed: pulumi up installs ${chart}${pinned ? ` ${pinned}` : ""} as ${stack.namespace}/${stack.name}`,
            });
            continue;
        }
        for (const installation of installations) {
            const where = `${installation.namespace}/${installation.release}`;
            const subject = `${chart} ${installation.version} in ${where} (${installation.workloads.join(", ")})`;
            if (installation.namespace !== stack.namespace || installation.release !== stack.name) {
                findings.push({
                    check: "versions",
                    level: "blocks",
                    subject,
                    message:
                        `${chart} runs as ${where}, but the stack installs it as ${stack.namespace}/${stack.name} ` +
                        `(${stack.section}.namespace and ${stack.section}.releaseName): two controllers would run side by side`,
                    fix:
                        `set ${stack.section}.namespace and ${stack.section}.releaseName to ${installation.namespace} and ` +
                        `${installation.release} and adopt it (npm run adopt-helm-releases), or uninstall it first`,
                });
            } else if (pinned !== undefined && pinned !== installation.version) {
                findings.push({
                    check: "versions",
                    level: "warns",
                    subject,
                    message: `pulumi up moves ${chart} from ${installation.version} to ${pinned} (charts.${chart})`,
                    fix: `read ${chart}'s upgrade notes between ${installation.version} and ${pinned}, or pin charts.${chart}.version to ${installation.version}`,
                });
            } else {
                findings.push({
                    check: "versions",
                    level: "ok",
                    subject,
                    message: `the stack's release, at the pinned ${installation.version}`,
                });
            }
        }
    }
    return findings;
}

/** NetworkPolicy engines, by the DaemonSet that runs them. */
const enforcingDaemonSets: Record<string, string> = {
    "calico-node": "Calico",
    cilium: "Cilium",
    "kube-router": "kube-router",
    "antrea-agent": "Antrea",
    "weave-net": "Weave Net",
};

function checkNetworkPolicy(snapshot: ClusterSnapshot): Finding[] {
    const enforcers: string[] = [];
    for (const daemonSet of snapshot.daemonSets) {
        const engine = enforcingDaemonSets[metadataOf(daemonSet).name];
        if (engine) {
            enforcers.push(`${engine} (DaemonSet ${objectName(daemonSet)})`);
        }
    }
    if (snapshot.calicoInstallations.length > 0 && !enforcers.some((entry) => entry.startsWith("Calico"))) {
        enforcers.push(`Calico (Installation ${objectName(snapshot.calicoInstallations[0])})`);
    }
    const embedded = k3sNodes(snapshot).filter(({ args }) => !args.includes("--disable-network-policy"));
    if (embedded.length > 0) {
        enforcers.push(
            `k3s' embedded policy controller (on ${embedded.map((entry) => entry.node).join(", ")})`,
        );
    }
    if (enforcers.length > 0) {
        return [
            {
                check: "network-policy",
                level: "ok",
                subject: "NetworkPolicy",
                message: `enforced by ${enforcers.join(", ")}`,
            },
        ];
    }
    return [
        {
            check: "network-policy",
            level: "warns",
            subject: "NetworkPolicy",
            message:
                "nothing this identity can see enforces NetworkPolicy (no Calico, Cilium, kube-router, Antrea or Weave " +
                "DaemonSet, no Calico Installation, no k3s node without --disable-network-policy): the stack's egress " +
                "rules would be written and never applied",
            fix:
                "run k3s without --disable-network-policy, or a CNI that enforces policy; an engine that runs outside " +
                "the API's view (a process on the node) is not seen here",
        },
    ];
}

/** A Service's cluster-DNS name in free text: `minio.storage.svc`, `minio.storage.svc.cluster.local`. */
const serviceNamePattern = /\b([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc\b/g;

/** Texts a governed namespace's pods are given: ConfigMap values and container env values. */
function textsOf(snapshot: ClusterSnapshot, namespace: string): { where: string; text: string }[] {
    const texts: { where: string; text: string }[] = [];
    for (const configMap of snapshot.governedConfigMaps.filter(
        (item) => metadataOf(item).namespace === namespace,
    )) {
        for (const [key, value] of Object.entries(jsonObject(configMap.data))) {
            texts.push({ where: `ConfigMap ${objectName(configMap)} key ${key}`, text: String(value) });
        }
    }
    for (const pod of snapshot.governedPods.filter((item) => metadataOf(item).namespace === namespace)) {
        const spec = jsonObject(pod.spec);
        for (const container of [...list(spec.initContainers), ...list(spec.containers)]) {
            for (const variable of list(jsonObject(container).env)) {
                const { name, value } = jsonObject(variable);
                if (typeof value === "string") {
                    texts.push({ where: `Pod ${objectName(pod)} env ${String(name)}`, text: value });
                }
            }
        }
    }
    return texts;
}

function checkEgressDestinations(snapshot: ClusterSnapshot, settings: StackSettings): Finding[] {
    const findings: Finding[] = [];
    const services = new Set(snapshot.services.map(objectName));
    /** Reached without a setting: the API server (its own rule) and kube-dns (the DNS rule). */
    const alwaysAllowed = new Set(["default/kubernetes", "kube-system/kube-dns"]);
    for (const governed of settings.namespaces) {
        const allowed = new Map(
            settings.services
                .filter((service) => governed.egressServices.includes(service.key))
                .map((service) => [`${service.namespace}/${service.service}`, service.key]),
        );
        const seen = new Map<string, string[]>();
        for (const { where, text } of textsOf(snapshot, governed.name)) {
            for (const match of text.matchAll(serviceNamePattern)) {
                const target = `${match[3]}/${match[1]}`;
                if (match[3] === governed.name || !services.has(target) || alwaysAllowed.has(target)) {
                    continue;
                }
                seen.set(target, [...(seen.get(target) ?? []), where]);
            }
        }
        for (const [target, places] of seen) {
            const key = allowed.get(target);
            const [namespace, name] = target.split("/");
            findings.push(
                key
                    ? {
                          check: "egress-destinations",
                          level: "ok",
                          subject: `namespace ${governed.name}`,
                          message: `reaches Service ${target} (${places.join("; ")}), allowed as services.${key}`,
                      }
                    : {
                          check: "egress-destinations",
                          level: "warns",
                          subject: `namespace ${governed.name}`,
                          message:
                              `pods are told to reach Service ${target} (${places.join("; ")}), which the stack's ` +
                              "egress rules do not allow: after pulumi up their connections time out",
                          fix:
                              `add it to services (namespace: ${namespace}, service: ${name}, its port and scheme) and its key ` +
                              `to namespaces.${governed.name}.egressServices`,
                      },
            );
        }
    }
    if (findings.length === 0) {
        findings.push({
            check: "egress-destinations",
            level: "ok",
            subject: "governed namespaces",
            message: "their ConfigMaps and pods' env name no in-cluster Service of another namespace",
        });
    }
    return findings;
}

function checkUnread(snapshot: ClusterSnapshot): Finding[] {
    return snapshot.unread.map(({ check, what, reason }) => ({
        check,
        level: "warns" as const,
        subject: what,
        message: `not read (${reason}): this check went without it`,
        fix: "run preflight with an identity that may list it (cli/preflight-rbac.yaml lists what it reads)",
    }));
}

/** Every finding, in the order of `preflightChecks`. */
export function preflightFindings(
    snapshot: ClusterSnapshot,
    settings: StackSettings,
    projectDirectory: string,
): Finding[] {
    const findings = [
        ...checkServiceLb(snapshot),
        ...checkTraefik(snapshot, settings),
        ...checkCalicoCidrs(snapshot, settings),
        ...checkClusterDns(snapshot, settings),
        ...checkNodes(snapshot, settings),
        ...checkNodeAddresses(snapshot, settings),
        ...checkVersions(snapshot, settings, projectDirectory),
        ...checkNetworkPolicy(snapshot),
        ...checkEgressDestinations(snapshot, settings),
        ...checkUnread(snapshot),
    ];
    return preflightChecks.flatMap((check) => findings.filter((finding) => finding.check === check));
}

const marks: Record<FindingLevel, string> = { blocks: "✗", warns: "!", ok: "✓" };

/** The report a person reads: each check, its findings, and what to do. */
export function renderPreflight(server: string, findings: Finding[]): string {
    const lines = [`Preflight of ${server}`];
    for (const check of preflightChecks) {
        const own = findings.filter((finding) => finding.check === check);
        if (own.length === 0) {
            continue;
        }
        lines.push("", `${check}:`);
        for (const finding of own) {
            lines.push(`  ${marks[finding.level]} [${finding.level}] ${finding.subject}: ${finding.message}`);
            if (finding.fix) {
                lines.push(`      what to do: ${finding.fix}`);
            }
        }
    }
    const blocking = findings.filter((finding) => finding.level === "blocks").length;
    const warning = findings.filter((finding) => finding.level === "warns").length;
    lines.push(
        "",
        `${blocking} blocking, ${warning} warning${warning === 1 ? "" : "s"}` +
            (blocking > 0 ? ": fix what blocks before the first pulumi up" : ""),
    );
    return `${lines.join("\n")}\n`;
}
