import { StackValidationPolicy } from "@pulumi/policy";
import { admittedContainer, LimitRangeItem, limitRangeDefaults } from "../../lib/kubernetes/limitRanger";
import { ContainerResources, requestsAboveLimits } from "../../lib/kubernetes/resources";
import { containerResources, readControllers } from "../support/argoController";
import { groupBy } from "../support/grouping";
import { readHelmInstalls } from "../support/helmCharts";
import { collectObjects, describe, kinds, KubernetesObject, objectsOf } from "../support/kubernetes";
import { isUnknown } from "../support/plainValues";
import { LimitRange, readLimitRanges } from "../support/quotas";
import {
    NamedContainer,
    podContainers,
    podSpecOf,
    workflowContainers,
    workflowKinds,
    workloadKinds,
} from "../support/workloads";

const name = "container-requests-fit-their-limits";

/** Argo's main containers: a template's `container`, `script` and containerSet containers, not its init containers or sidecars. */
function isMainContainer(label: string): boolean {
    return !/ (init container|sidecar) [^ ]+$/.test(label);
}

/**
 * The template's container over the controller's `mainContainer`, per side and resource, as
 * Argo's workflow controller merges them (v3.6 workflow/controller/workflowpod.go: a strategic
 * merge patch of the template's container onto `mainContainer`, which merges the resource maps).
 */
function overMainContainer(container: ContainerResources, defaults: ContainerResources): ContainerResources {
    return {
        requests: { ...defaults.requests, ...container.requests },
        limits: { ...defaults.limits, ...container.limits },
    };
}

/**
 * container-requests-fit-their-limits (mandatory, severity medium)
 *
 * A container that requests more than its limit is refused by the API server ("must be less than
 * or equal to memory limit of 256Mi"). The limit need not be its own: one that sets only requests
 * gets its namespace's LimitRange `default` as its limit (the LimitRanger admission plugin), and
 * an Argo step gets the controller's `mainContainer` limits first. So a step that asks for 512Mi
 * and no limit, in a namespace whose LimitRange defaults limits to 256Mi, never starts. Checks
 * workloads and Argo workflows in namespaces whose LimitRanges the stack declares.
 */
export const containerRequestsFitTheirLimits: StackValidationPolicy = {
    name,
    description:
        "A container's requests must not exceed its limits, counting the LimitRange default limit and Argo's mainContainer limits it would get.",
    enforcementLevel: "mandatory",
    severity: "medium",
    validateStack: (args, reportViolation) => {
        const byKind = collectObjects(args.resources, [
            kinds.limitRange,
            kinds.configMap,
            kinds.helmRelease,
            kinds.helmChart,
            ...workloadKinds,
            ...workflowKinds,
        ]);
        const limitRanges = readLimitRanges(objectsOf(byKind, kinds.limitRange));
        if (
            limitRanges.some((limitRange) => isUnknown(limitRange.namespace) || isUnknown(limitRange.items))
        ) {
            return;
        }
        const byNamespace = groupBy(limitRanges, (limitRange) => limitRange.namespace as string);
        const controllers = readControllers(
            objectsOf(byKind, kinds.configMap),
            readHelmInstalls(objectsOf(byKind, kinds.helmRelease, kinds.helmChart), args.resources),
        );
        const mainContainer = controllers.length === 1 ? controllers[0].mainContainer : undefined;

        const check = (object: KubernetesObject, containers: NamedContainer[], workflow: boolean): void => {
            const namespace = object.namespace;
            const inNamespace: LimitRange[] =
                typeof namespace === "string" ? (byNamespace.get(namespace) ?? []) : [];
            if (inNamespace.length === 0) {
                return;
            }
            const items = inNamespace.map((limitRange) => limitRange.items as LimitRangeItem[]);
            for (const { label, container } of containers) {
                const own = containerResources(container);
                if (isUnknown(own)) {
                    continue;
                }
                const argoDefaults = workflow && isMainContainer(label) ? mainContainer : undefined;
                if (isUnknown(argoDefaults)) {
                    continue;
                }
                const declared = argoDefaults ? overMainContainer(own, argoDefaults) : own;
                const admitted = admittedContainer(declared, items);
                for (const { resource, request, limit } of requestsAboveLimits(admitted)) {
                    const source =
                        declared.limits[resource] !== undefined
                            ? own.limits[resource] !== undefined
                                ? "its own limit"
                                : `the limit Argo's mainContainer gives it (${controllers[0].description})`
                            : `the default limit of ${inNamespace
                                  .filter(
                                      (limitRange) =>
                                          limitRangeDefaults(limitRange.items as LimitRangeItem[]).limits[
                                              resource
                                          ] === limit,
                                  )
                                  .map((limitRange) => limitRange.description)
                                  .join(", ")}, since it sets none of its own`;
                    reportViolation(
                        `${describe(object)} ${label} requests ${resource} ${request}, above ${limit}, ${source}: the API ` +
                            `server refuses its pod ("must be less than or equal to ${resource} limit of ${limit}"). ` +
                            `Set limits.${resource} on the container (at least the request, within the LimitRange max), ` +
                            "or lower the request.",
                        object.resource.urn,
                    );
                }
            }
        };
        for (const object of objectsOf(byKind, ...workloadKinds)) {
            check(object, podContainers(podSpecOf(object)), false);
        }
        for (const object of objectsOf(byKind, ...workflowKinds)) {
            check(object, workflowContainers(object), true);
        }
    },
};
