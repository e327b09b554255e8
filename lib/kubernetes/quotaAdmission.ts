// What ResourceQuota admission demands of a pod and counts for it (kubernetes v1.34
// pkg/quota/v1/evaluator/core/pods.go: Constraints, enforcePodContainerConstraints,
// podComputeUsageHelper, PodUsageFunc).

import { admittedContainer, LimitRangeItem } from "./limitRanger";
import { parseQuantity } from "./quantity";
import { ContainerResources, ResourceName, ResourceSide } from "./resources";

/**
 * The quota keys that make quota admission demand a value of every container and init container
 * (pods.go validationSet), and the value each one demands: `cpu` is the cpu request.
 */
export const containerQuotaKeys: Readonly<Record<string, { resource: ResourceName; side: ResourceSide }>> = {
    cpu: { resource: "cpu", side: "requests" },
    memory: { resource: "memory", side: "requests" },
    "requests.cpu": { resource: "cpu", side: "requests" },
    "requests.memory": { resource: "memory", side: "requests" },
    "limits.cpu": { resource: "cpu", side: "limits" },
    "limits.memory": { resource: "memory", side: "limits" },
};

/** The keys of a quota's `spec.hard` that every container must satisfy, in the order given. */
export function containerConstrainedKeys(hardKeys: readonly string[]): string[] {
    return hardKeys.filter((key) => Object.hasOwn(containerQuotaKeys, key));
}

/** The LimitRange field that fills a quota key in: `default` for a limit, `defaultRequest` for a request. */
export function defaultingField(key: string): "default" | "defaultRequest" {
    return containerQuotaKeys[key].side === "limits" ? "default" : "defaultRequest";
}

/** The quota keys a container (after admission) leaves without a value: quota admission refuses its pod. */
export function unsatisfiedQuotaKeys(container: ContainerResources, quotaKeys: readonly string[]): string[] {
    return containerConstrainedKeys(quotaKeys).filter((key) => {
        const { resource, side } = containerQuotaKeys[key];
        return container[side][resource] === undefined;
    });
}

/**
 * The quota keys that a container declaring nothing (Argo's init and wait without executor
 * resources, say) still lacks once the namespace's LimitRanges have filled it in: what quota
 * admission refuses such a container for.
 */
export function quotaKeysLeftUndefaulted(
    quotaKeys: readonly string[],
    limitRanges: readonly (readonly LimitRangeItem[])[],
): string[] {
    return unsatisfiedQuotaKeys(admittedContainer({ requests: {}, limits: {} }, limitRanges), quotaKeys);
}

/** The containers of a pod, after admission, as quota counts them. */
export interface PodContainers {
    initContainers: ContainerResources[];
    containers: ContainerResources[];
}

/**
 * What quota counts for a pod under one container key, in nano-units: the larger of the sum over
 * its containers and the largest init container (init containers run one at a time, before the
 * others). A container without the value counts nothing.
 */
export function podQuotaUsage(pod: PodContainers, key: string): bigint {
    const { resource, side } = containerQuotaKeys[key];
    const amount = (container: ContainerResources): bigint => {
        const value = container[side][resource];
        return value === undefined ? 0n : (parseQuantity(value) ?? 0n);
    };
    const running = pod.containers.reduce((sum, container) => sum + amount(container), 0n);
    return pod.initContainers.reduce((largest, container) => {
        const init = amount(container);
        return init > largest ? init : largest;
    }, running);
}
