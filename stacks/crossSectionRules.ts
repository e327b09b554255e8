// Rules between sections of the settings: the cluster's ranges against the pools, the ingress
// reservation, the services a namespace names, and a workflow pod against its namespace's
// LimitRange and quota. The section readers (stacks/sections/) check what lies within one section.

import type { GovernedNamespace } from "../components/namespaceGovernance";
import { argoChartValues, ArgoWorkflowsSettings } from "../components/argo";
import { ingressChartValues, IngressSettings } from "../components/ingress";
import { IpRange, parseIp } from "../lib/addresses/ip";
import { rangesOverlap } from "../lib/addresses/ranges";
import { workflowPodQuotaExcess } from "../lib/argo/workflowPod";
import { valuesAboveMaximum } from "../lib/kubernetes/limitRanger";
import { containerQuotaKeys } from "../lib/kubernetes/quotaAdmission";
import { formatQuantity, parseQuantity } from "../lib/kubernetes/quantity";
import { mergeChartValues } from "../lib/helm/values";
import { Problems } from "./problems";
import { NetworkRanges } from "./sections/network";
import { MetallbSettings, NetworkSettings, ServiceEndpoint } from "./settings";

/** Pod and service addresses inside the general pool would shadow LoadBalancer IPs. */
export function clusterRangesAvoidGeneralPool(
    problems: Problems,
    network: { settings: NetworkSettings; ranges: NetworkRanges },
    metallb: MetallbSettings,
    generalRange: IpRange | undefined,
): void {
    if (!generalRange) {
        return;
    }
    for (const key of ["podCidr", "serviceCidr"] as const) {
        const range = network.ranges[key];
        if (range && rangesOverlap(range, generalRange)) {
            problems.conflict(
                `network.${key}: "${network.settings[key]}" overlaps metallb.generalPool.addresses "${metallb.generalRange}"`,
            );
        }
    }
    for (const node of network.ranges.nodeAddresses) {
        if (rangesOverlap(node.range, generalRange)) {
            problems.conflict(
                `${node.path}: "${node.text}" overlaps metallb.generalPool.addresses "${metallb.generalRange}": ` +
                    "MetalLB would hand a node's own address to a Service",
            );
        }
    }
}

/**
 * The address of the reservation the ingress names, which must exist and be of the family of the
 * cluster's Services; empty when there is none.
 */
export function ingressReservedAddress(
    problems: Problems,
    ingress: IngressSettings,
    metallb: MetallbSettings,
    network: { settings: NetworkSettings; ranges: NetworkRanges },
): string {
    const reservation = metallb.reservations.find((entry) => entry.pool === ingress.reservation);
    if (ingress.reservation !== "" && !reservation) {
        problems.invalid(
            "ingress.reservation",
            ingress.reservation,
            `is not a pool in metallb.reservations (${metallb.reservations.map((entry) => entry.pool).join(", ") || "none"})`,
        );
    }
    const reservedAddress = reservation?.address ?? "";
    const reservedIp = parseIp(reservedAddress);
    const serviceRange = network.ranges.serviceCidr;
    if (reservedIp && serviceRange && reservedIp.family !== serviceRange.family) {
        problems.invalid(
            "ingress.reservation",
            ingress.reservation,
            `reserves ${reservedAddress}, an IPv${reservedIp.family} address, but the cluster's Services are ` +
                `IPv${serviceRange.family} (network.serviceCidr "${network.settings.serviceCidr}"): the ingress ` +
                `controller's Service cannot take it. Reserve an IPv${serviceRange.family} address for the ingress`,
        );
    }
    return reservedAddress;
}

/** Each entry of a namespace's `egressServices` (at `path`) names a key of `services`. */
export function egressServicesAreKnown(
    problems: Problems,
    path: string,
    egressServices: string[],
    services: ServiceEndpoint[],
): void {
    for (const [index, service] of egressServices.entries()) {
        if (service !== "" && !services.some((endpoint) => endpoint.key === service)) {
            problems.invalid(`${path}[${index}]`, service, "is not a key of services");
        }
    }
}

/** Every namespace that runs workflows is governed: it gets a quota and a LimitRange. */
export function workflowNamespacesAreGoverned(
    problems: Problems,
    argo: ArgoWorkflowsSettings,
    namespaces: GovernedNamespace[],
): void {
    for (const [index, name] of argo.workflowNamespaces.entries()) {
        if (name !== "" && !namespaces.some((namespace) => namespace.name === name)) {
            problems.invalid(
                `argo.workflowNamespaces[${index}]`,
                name,
                "has no entry in namespaces: every namespace that runs workflows needs a quota and LimitRange",
            );
        }
    }
}

/**
 * A workflow pod (init and wait from the executor, main from mainContainer) is admitted in each
 * workflow namespace: room for a pod, every container within the LimitRange max, and the pod
 * within the quota once the LimitRange has filled its containers in.
 */
export function workflowPodsFit(
    problems: Problems,
    argo: ArgoWorkflowsSettings,
    namespaces: GovernedNamespace[],
): void {
    for (const namespace of namespaces.filter((entry) => argo.workflowNamespaces.includes(entry.name))) {
        const pods = namespace.quota.pods;
        if (pods !== undefined && parseQuantity(pods)! < 1_000_000_000n) {
            problems.invalid(
                `namespaces.${namespace.name}.quota.pods`,
                pods,
                "leaves no room for a single pod, in a namespace that runs workflows (argo.workflowNamespaces)",
            );
        }
        const limitRange = [{ type: "Container", ...namespace.limitRange }];
        const containers = [
            ["argo.executorResources", argo.executorResources],
            ["argo.mainContainerResources", argo.mainContainerResources],
        ] as const;
        for (const [path, resources] of containers) {
            for (const { side, resource, value, max } of valuesAboveMaximum(resources, limitRange)) {
                problems.conflict(
                    `${path}.${side}.${resource}: "${value}" is above namespaces.${namespace.name}.limitRange.max.${resource} "${max}": ` +
                        "the LimitRanger admission plugin would reject every workflow pod",
                );
            }
        }
        const excesses = workflowPodQuotaExcess(
            { executor: argo.executorResources, mainContainer: argo.mainContainerResources },
            namespace.quota,
            [limitRange],
        );
        for (const { key, needed, hard } of excesses) {
            problems.conflict(
                `argo: one workflow pod (init, wait, main) needs ${key} ${formatQuantity(needed, containerQuotaKeys[key].resource)}, ` +
                    `more than namespaces.${namespace.name}.quota["${key}"] "${hard}" allows`,
            );
        }
    }
}

/**
 * The chart values the stack sets, by path prefix, and the setting each comes from: the keys the
 * stack governs. The longest matching prefix names the setting.
 */
const governedChartValues: Record<GovernedChart, [string, string][]> = {
    metallb: [],
    ingress: [
        [
            "controller.service",
            "ingress.reservation (the controller's LoadBalancer Service on the reserved address)",
        ],
        ["controller.service.externalTrafficPolicy", "ingress.externalTrafficPolicy"],
        ["controller.ingressClass", "ingress.ingressClassName"],
        ["controller.ingressClassResource", "ingress.ingressClassName"],
    ],
    argo: [
        ["controller.workflowNamespaces", "argo.workflowNamespaces"],
        ["controller.workflowDefaults", "argo.workflowServiceAccount"],
        ["workflow", "argo.workflowServiceAccount"],
        ["executor.image.pullPolicy", "argo.imagePullPolicy.executor"],
        ["executor.resources", "argo.executorResources"],
        ["mainContainer.imagePullPolicy", "argo.imagePullPolicy.mainContainer"],
        ["mainContainer.resources", "argo.mainContainerResources"],
        ["server.enabled", "argo.server.enabled"],
    ],
};

/** Which of the stack's charts: MetalLB's, the ingress controller's (either), Argo's. */
export type GovernedChart = "metallb" | "ingress" | "argo";

/** The setting from which the stack sets a chart value at `path`; undefined for a key it leaves to the user. */
export function governingSetting(chart: GovernedChart, path: string): string | undefined {
    const matches = governedChartValues[chart].filter(
        ([prefix]) => path === prefix || path.startsWith(`${prefix}.`),
    );
    const longest = matches.sort((a, b) => b[0].length - a[0].length)[0];
    return longest?.[1];
}

/**
 * The user's chart values (`charts.<name>.values`) go under the stack's, and a user value at a
 * key the stack governs would be overridden: refused here, naming both paths, rather than
 * dropped silently. Keys the stack does not set pass to the chart, whose schema judges them.
 */
export function chartValuesKeepGovernedKeys(
    problems: Problems,
    ingress: IngressSettings,
    argo: ArgoWorkflowsSettings,
): void {
    const charts = [
        {
            kind: "ingress" as const,
            name: ingress.controller,
            user: ingress.chartValues,
            stack: () => ingressChartValues(ingress),
        },
        {
            kind: "argo" as const,
            name: "argo-workflows",
            user: argo.chartValues,
            stack: () => argoChartValues(argo),
        },
    ];
    for (const chart of charts) {
        if (!chart.user || Object.keys(chart.user).length === 0) {
            continue;
        }
        for (const conflict of mergeChartValues(chart.user, chart.stack()).conflicts) {
            problems.conflict(
                `charts.${chart.name}.values.${conflict.path}: ${JSON.stringify(conflict.user)} contradicts ` +
                    `${JSON.stringify(conflict.stack)}, which the stack sets from ${governingSetting(chart.kind, conflict.path) ?? `the ${chart.kind} settings`}: ` +
                    "change that setting, or leave the key out of the chart values",
            );
        }
    }
}
