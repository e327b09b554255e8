// Per-namespace governance: quota, container defaults and the egress rules of workload namespaces.

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { formatIp, parseCidr, parseIp } from "../lib/addresses/ip";
import { limitRangeName, resourceQuotaName } from "../lib/kubernetes/governedObjects";
import { ResourceValues } from "../lib/kubernetes/resources";

/** The LimitRange of a governed namespace: one item of type Container. */
export interface LimitRangeSettings {
    /** Limits of a container that declares none. */
    default: ResourceValues;
    /** Requests of a container that declares none. */
    defaultRequest: ResourceValues;
    /** The most a container may ask for. */
    max: ResourceValues;
}

export interface GovernedNamespace {
    name: string;
    /** ResourceQuota `spec.hard`, e.g. `{ "requests.cpu": "4", "limits.memory": "16Gi", pods: "50" }`. */
    quota: Record<string, string>;
    limitRange: LimitRangeSettings;
    /** Keys of `services` that pods here may reach; DNS egress is always allowed. */
    egressServices: string[];
}

/** An in-cluster service pods may be allowed to reach: its namespace and its pods' port. */
export interface EgressService {
    key: string;
    namespace: string;
    port: number;
}

/** The cluster's own addresses: k3s `--cluster-cidr` and `--service-cidr`, and the nodes'. */
export interface ClusterNetwork {
    podCidr: string;
    serviceCidr: string;
    /**
     * The nodes' own addresses (IPs or CIDRs): closed to the governed namespaces' pods, but for the
     * API server's port and `nodePorts`. Defaults to none (they are then reached as any LAN address).
     */
    nodeAddresses?: string[];
    /** The port the API server listens on at the nodes' addresses. Defaults to 6443 (k3s). */
    apiServerPort?: number;
    /** Ports of the nodes' addresses that pods may reach. Defaults to none. */
    nodePorts?: number[];
}

export interface NamespaceGovernanceArgs {
    /** The namespaces to govern, with quota, LimitRange and egress services. */
    namespaces: GovernedNamespace[];
    /** The services `egressServices` entries name, by key. */
    services: EgressService[];
    /** Pod and service CIDRs, which the off-cluster egress rule leaves out. */
    network: ClusterNetwork;
}

/**
 * The quota, LimitRange and egress policies are the stack's alone: an edit by anyone else (a
 * `kubectl edit`, another tool) is drift, and the next `pulumi up` takes the fields back rather
 * than failing on the other field manager's claim.
 */
const ownedOutright = { "pulumi.com/patchForce": "true" };

/** The NetworkPolicy label that names a namespace; the API server sets it on every namespace. */
const namespaceNameLabel = "kubernetes.io/metadata.name";

/** Egress to the cluster DNS service's pods (CoreDNS on k3s), over UDP and TCP. */
export const dnsEgressRule: k8s.types.input.networking.v1.NetworkPolicyEgressRule = {
    to: [
        {
            namespaceSelector: { matchLabels: { [namespaceNameLabel]: "kube-system" } },
            podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
        },
    ],
    ports: [
        { port: 53, protocol: "UDP" },
        { port: 53, protocol: "TCP" },
    ],
};

/** A node address as an ipBlock CIDR: a bare address becomes its /32 or /128. */
function nodeCidr(address: string): string {
    if (address.includes("/")) {
        return address;
    }
    return `${address}/${parseIp(address)?.family === 6 ? 128 : 32}`;
}

/** The nodes' addresses as the peers of an egress rule. */
function nodePeers(nodes: string[]): k8s.types.input.networking.v1.NetworkPolicyPeer[] {
    return nodes.map((address) => ({ ipBlock: { cidr: nodeCidr(address) } }));
}

/** The `kubernetes` Service's ClusterIP: the first address after the service range's network address. */
export function apiServiceAddress(serviceCidr: string): string | undefined {
    const range = parseCidr(serviceCidr);
    return range && formatIp(range.family, range.first + 1n);
}

/**
 * The API server, which the executor's `wait` container writes each step's results to, by both
 * addresses a policy engine may see: the `kubernetes` Service's ClusterIP on 443 (an engine that
 * matches before kube-proxy's DNAT) and the nodes' addresses on the API server's port (one that
 * matches after it, as kube-router and Calico's iptables data plane do). Without node addresses
 * the second is left to the off-cluster rule, which does not close them.
 */
export function apiServerEgressRules(
    network: ClusterNetwork,
): k8s.types.input.networking.v1.NetworkPolicyEgressRule[] {
    const serviceAddress = apiServiceAddress(network.serviceCidr);
    const rules: k8s.types.input.networking.v1.NetworkPolicyEgressRule[] = [];
    if (serviceAddress) {
        rules.push({
            to: [{ ipBlock: { cidr: nodeCidr(serviceAddress) } }],
            ports: [{ port: 443, protocol: "TCP" }],
        });
    }
    const nodes = network.nodeAddresses ?? [];
    if (nodes.length > 0) {
        rules.push({
            to: nodePeers(nodes),
            ports: [{ port: network.apiServerPort ?? 6443, protocol: "TCP" }],
        });
    }
    return rules;
}

/** The nodes' ports that `nodePorts` opens, when there are node addresses and ports. */
export function nodePortsEgressRule(
    network: ClusterNetwork,
): k8s.types.input.networking.v1.NetworkPolicyEgressRule | undefined {
    const nodes = network.nodeAddresses ?? [];
    const ports = network.nodePorts ?? [];
    if (nodes.length === 0 || ports.length === 0) {
        return undefined;
    }
    return {
        to: nodePeers(nodes),
        ports: ports.map((port) => ({ port, protocol: "TCP" })),
    };
}

/**
 * Everything outside the pod and service ranges and the nodes' own addresses, per address family:
 * the LAN and the internet.
 */
export function offClusterEgressRule(
    network: ClusterNetwork,
): k8s.types.input.networking.v1.NetworkPolicyEgressRule {
    const clusterRanges = [
        network.podCidr,
        network.serviceCidr,
        ...(network.nodeAddresses ?? []).map(nodeCidr),
    ];
    const families = [
        { family: 4, everything: "0.0.0.0/0" },
        { family: 6, everything: "::/0" },
    ];
    const blocks = families
        .map(({ family, everything }) => ({
            cidr: everything,
            except: clusterRanges.filter((cidr) => parseCidr(cidr)?.family === family),
        }))
        .filter((block, index) => index === 0 || block.except.length > 0);
    return { to: blocks.map((ipBlock) => ({ ipBlock })) };
}

/**
 * For each namespace: the Namespace (adopted if it exists), a ResourceQuota, a LimitRange whose
 * defaults fill in containers that declare nothing, and egress NetworkPolicies.
 *
 * Together the policies restrict in-cluster egress to DNS and the listed services, while the LAN
 * and the internet stay reachable. A namespace with egress policies but no DNS rule makes every
 * lookup time out ("Temporary failure in name resolution"), so the DNS rule is always there.
 */
export class NamespaceGovernance extends pulumi.ComponentResource {
    /** Governed Namespaces, keyed by name. */
    readonly namespaces: Record<string, k8s.core.v1.Namespace>;
    readonly resourceQuotas: Record<string, k8s.core.v1.ResourceQuota>;
    readonly limitRanges: Record<string, k8s.core.v1.LimitRange>;
    /** Each namespace's egress NetworkPolicies. */
    readonly networkPolicies: Record<string, k8s.networking.v1.NetworkPolicy[]>;

    constructor(name: string, args: NamespaceGovernanceArgs, opts?: pulumi.ComponentResourceOptions) {
        const servicesByKey = new Map(args.services.map((service) => [service.key, service]));
        const egressEndpoints = args.namespaces.map((governed, index) =>
            governed.egressServices.map((key) => {
                const endpoint = servicesByKey.get(key);
                if (!endpoint) {
                    throw new Error(
                        `NamespaceGovernance ${name}: namespaces[${index}].egressServices: "${key}" is not a key of services`,
                    );
                }
                return endpoint;
            }),
        );
        super("homelab:platform:NamespaceGovernance", name, args, opts);

        this.namespaces = {};
        this.resourceQuotas = {};
        this.limitRanges = {};
        this.networkPolicies = {};
        for (const [index, governed] of args.namespaces.entries()) {
            const namespaceName = governed.name;
            const childName = `${name}-${namespaceName}`;
            // The namespace already holds workloads this stack does not own: destroying the stack
            // must not delete them with it.
            const namespace = new k8s.core.v1.Namespace(
                `${childName}-namespace`,
                { metadata: { name: namespaceName } },
                { parent: this, retainOnDelete: true },
            );
            const inNamespace = { parent: this, dependsOn: [namespace] };

            this.resourceQuotas[namespaceName] = new k8s.core.v1.ResourceQuota(
                `${childName}-quota`,
                {
                    metadata: {
                        name: resourceQuotaName(namespaceName),
                        namespace: namespaceName,
                        annotations: ownedOutright,
                    },
                    spec: { hard: governed.quota },
                },
                inNamespace,
            );

            // Quota admission demands cpu and memory on every container once the quota names them;
            // the LimitRanger fills in containers that declare nothing (such as Argo's init and wait)
            // from these defaults before quota admission runs.
            this.limitRanges[namespaceName] = new k8s.core.v1.LimitRange(
                `${childName}-limits`,
                {
                    metadata: {
                        name: limitRangeName(namespaceName),
                        namespace: namespaceName,
                        annotations: ownedOutright,
                    },
                    spec: {
                        limits: [
                            {
                                type: "Container",
                                default: governed.limitRange.default,
                                defaultRequest: governed.limitRange.defaultRequest,
                                max: governed.limitRange.max,
                            },
                        ],
                    },
                },
                inNamespace,
            );

            const egressPolicy = (
                policyName: string,
                ...egress: k8s.types.input.networking.v1.NetworkPolicyEgressRule[]
            ) =>
                new k8s.networking.v1.NetworkPolicy(
                    `${childName}-${policyName}`,
                    {
                        metadata: { name: policyName, namespace: namespaceName, annotations: ownedOutright },
                        spec: { podSelector: {}, policyTypes: ["Egress"], egress },
                    },
                    inNamespace,
                );
            // A NetworkPolicy's port is the destination pod's port, after the Service's DNAT: the
            // service's `port` here must be the port its pods listen on.
            const serviceRules = egressEndpoints[index].map((endpoint) =>
                egressPolicy(`allow-${endpoint.key}-egress`, {
                    to: [
                        { namespaceSelector: { matchLabels: { [namespaceNameLabel]: endpoint.namespace } } },
                    ],
                    ports: [{ port: endpoint.port, protocol: "TCP" }],
                }),
            );
            const nodePorts = nodePortsEgressRule(args.network);
            this.networkPolicies[namespaceName] = [
                egressPolicy("allow-dns-egress", dnsEgressRule),
                egressPolicy("allow-api-server-egress", ...apiServerEgressRules(args.network)),
                ...serviceRules,
                ...(nodePorts ? [egressPolicy("allow-node-ports-egress", nodePorts)] : []),
                egressPolicy("allow-off-cluster-egress", offClusterEgressRule(args.network)),
            ];
            this.namespaces[namespaceName] = namespace;
        }

        this.registerOutputs({
            namespaces: this.namespaces,
            resourceQuotas: this.resourceQuotas,
            limitRanges: this.limitRanges,
            networkPolicies: this.networkPolicies,
        });
    }
}
