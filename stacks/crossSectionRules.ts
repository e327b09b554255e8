// Rules between sections of the settings: the cluster's ranges against the pools, the ingress
// reservation, the services a namespace names, and a workflow pod against its namespace's
// LimitRange and quota. The section readers (stacks/sections/) check what lies within one section.

import type { GovernedNamespace } from "../components/namespaceGovernance";
import type { ArgoWorkflowsSettings } from "../components/argo";
import type { IngressSettings } from "../components/ingress";
import { IpRange, parseIp } from "../lib/addresses/ip";
import { rangesOverlap } from "../lib/addresses/ranges";
import { workflowPodQuotaExcess } from "../lib/argo/workflowPod";
import { valuesAboveMaximum } from "../lib/kubernetes/limitRanger";
import { containerQuotaKeys } from "../lib/kubernetes/quotaAdmission";
import { formatQuantity, parseQuantity } from "../lib/kubernetes/quantity";
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
