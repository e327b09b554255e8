// The pod Argo Workflows (v3.6) runs for a step, as quota and LimitRange admission see it: its
// `init` and `wait` containers are built from the controller's `executor` settings, its `main`
// container from the step's template over the controller's `mainContainer` settings.

import { admittedContainer, LimitRangeItem } from "../kubernetes/limitRanger";
import { parseQuantity } from "../kubernetes/quantity";
import { containerConstrainedKeys, podQuotaUsage } from "../kubernetes/quotaAdmission";
import { ContainerResources } from "../kubernetes/resources";

export interface WorkflowPodResources {
    /** The controller's `executor.resources`: the `init` and `wait` containers. */
    executor: ContainerResources;
    /** The controller's `mainContainer.resources`: the `main` container of a template that sets none. */
    mainContainer: ContainerResources;
}

export interface QuotaExcess {
    /** The quota key, e.g. `requests.cpu`. */
    key: string;
    /** What one workflow pod counts under it, in nano-units. */
    needed: bigint;
    /** The quota's `spec.hard` value, as written. */
    hard: string;
}

/**
 * The keys of a quota's `spec.hard` that one workflow pod alone exceeds once the namespace's
 * LimitRanges have filled in its containers (the executor-fits-quota check): quota admission
 * refuses every workflow pod there. Keys in the quota's order.
 */
export function workflowPodQuotaExcess(
    resources: WorkflowPodResources,
    hard: Readonly<Record<string, string>>,
    limitRanges: readonly (readonly LimitRangeItem[])[],
): QuotaExcess[] {
    const executor = admittedContainer(resources.executor, limitRanges);
    const main = admittedContainer(resources.mainContainer, limitRanges);
    const pod = { initContainers: [executor], containers: [executor, main] };
    return containerConstrainedKeys(Object.keys(hard)).flatMap((key) => {
        const needed = podQuotaUsage(pod, key);
        const allowed = parseQuantity(hard[key]);
        return allowed !== undefined && needed > allowed ? [{ key, needed, hard: hard[key] }] : [];
    });
}
