import { StackValidationPolicy } from "@pulumi/policy";
import { workflowPodQuotaExcess } from "../../lib/argo/workflowPod";
import { LimitRangeItem, valuesAboveMaximum } from "../../lib/kubernetes/limitRanger";
import { formatQuantity, parseQuantity } from "../../lib/kubernetes/quantity";
import { containerQuotaKeys } from "../../lib/kubernetes/quotaAdmission";
import {
    computeResources,
    requestsAboveLimits,
    ResourceName,
    resourceSides,
} from "../../lib/kubernetes/resources";
import { ContainerResources } from "../../lib/kubernetes/resources";
import { ControllerConfig, readControllers } from "../support/argoController";
import { groupBy } from "../support/grouping";
import { readHelmInstalls } from "../support/helmCharts";
import { collectObjects, describe, kinds, objectsOf } from "../support/kubernetes";
import { isUnknown } from "../support/plainValues";
import { configSchemaOf, readPackConfig } from "../support/policyConfig";
import { LimitRange, Quota, readLimitRanges, readQuotas } from "../support/quotas";
import { workflowKinds } from "../support/workloads";

const name = "argo-executor-resources-satisfy-quota";
const configKeys = ["workflowNamespaces"] as const;

/** The tightest LimitRange max a value of the executor exceeds. */
interface Maximum {
    value: string;
    max: string;
    amount: bigint;
    limitRange: LimitRange;
}

function workflowNamespacesOf(
    configured: string[],
    controllers: ControllerConfig[],
    workflows: { namespace: string | symbol; kind: string }[],
): Set<string> {
    const namespaces = new Set(configured);
    controllers.forEach((controller) =>
        controller.workflowNamespaces.forEach((namespace) => namespaces.add(namespace)),
    );
    for (const workflow of workflows) {
        if (workflow.kind !== "ClusterWorkflowTemplate" && typeof workflow.namespace === "string") {
            namespaces.add(workflow.namespace);
        }
    }
    return namespaces;
}

function constraintSummary(quotas: Quota[]): string {
    const keys = [
        ...new Set(quotas.flatMap((quota) => (isUnknown(quota.computeKeys) ? [] : quota.computeKeys))),
    ].sort();
    const others = quotas.length - 1;
    const who =
        others === 0
            ? `${quotas[0].description} constrains`
            : `${quotas[0].description} and ${others} other ResourceQuota(s) constrain`;
    return `${who} ${keys.join(", ")}`;
}

/**
 * argo-executor-resources-satisfy-quota (mandatory, severity high)
 *
 * Argo builds every workflow pod's `init` and `wait` containers from the controller's `executor`
 * settings; with no `executor.resources` they declare nothing, and a ResourceQuota on cpu or memory
 * rejects the pod ("must specify limits.memory for: init,wait; ..."). The executor must declare
 * requests and limits for every resource a quota in a workflow namespace constrains (any quota when
 * the stack does not show which namespaces run workflows), whatever LimitRange defaults exist, and
 * stay under every LimitRange `max` there, which LimitRanger enforces on each pod. And one workflow
 * pod (init and wait from the executor, main from `mainContainer`, filled in by the LimitRanges)
 * must fit each such quota on its own, or quota admission refuses every one. A request above its
 * limit, in the executor or `mainContainer`, is refused by the API server in every workflow pod.
 */
export const argoExecutorResourcesSatisfyQuota: StackValidationPolicy = {
    name,
    description:
        "Argo's executor (init and wait containers) must declare requests and limits for every quota-constrained resource, within LimitRange max, and one workflow pod must fit the quota.",
    enforcementLevel: "mandatory",
    severity: "high",
    configSchema: configSchemaOf(...configKeys),
    validateStack: (args, reportViolation) => {
        const config = readPackConfig(name, [...configKeys], args.getConfig());
        const byKind = collectObjects(args.resources, [
            kinds.configMap,
            kinds.helmRelease,
            kinds.helmChart,
            kinds.resourceQuota,
            kinds.limitRange,
            ...workflowKinds,
        ]);
        const installs = readHelmInstalls(
            objectsOf(byKind, kinds.helmRelease, kinds.helmChart),
            args.resources,
        );
        const controllers = readControllers(objectsOf(byKind, kinds.configMap), installs);
        if (controllers.length === 0) {
            return;
        }
        const workflowNamespaces = workflowNamespacesOf(
            config.workflowNamespaces,
            controllers,
            objectsOf(byKind, ...workflowKinds),
        );
        const governs = (namespace: string | symbol): boolean =>
            workflowNamespaces.size === 0 ||
            (typeof namespace === "string" && workflowNamespaces.has(namespace));

        const quotas = readQuotas(objectsOf(byKind, kinds.resourceQuota)).filter(
            (quota) =>
                governs(quota.namespace) && !isUnknown(quota.computeKeys) && quota.computeKeys.length > 0,
        );
        const constrained = new Set<ResourceName>();
        for (const quota of quotas) {
            for (const key of quota.computeKeys as string[]) {
                constrained.add(containerQuotaKeys[key].resource);
            }
        }
        const allLimitRanges = readLimitRanges(objectsOf(byKind, kinds.limitRange));
        const limitRanges = allLimitRanges.filter(
            (limitRange) => governs(limitRange.namespace) && !isUnknown(limitRange.items),
        );
        const limitRangesByNamespace = groupBy(
            allLimitRanges.filter((limitRange) => !isUnknown(limitRange.namespace)),
            (limitRange) => limitRange.namespace as string,
        );
        const anyNamespaceUnknown = allLimitRanges.some((limitRange) => isUnknown(limitRange.namespace));
        /** The LimitRanges of a namespace, each a list of items; undefined while one there may be unknown. */
        const limitRangesIn = (namespace: string): LimitRangeItem[][] | undefined => {
            const inNamespace = limitRangesByNamespace.get(namespace) ?? [];
            return anyNamespaceUnknown || inNamespace.some((limitRange) => isUnknown(limitRange.items))
                ? undefined
                : inNamespace.map((limitRange) => limitRange.items as LimitRangeItem[]);
        };
        /** Per side and resource, the smallest LimitRange max the executor exceeds. */
        const tightestMaximums = (executor: ContainerResources): Map<string, Maximum> => {
            const tightest = new Map<string, Maximum>();
            for (const limitRange of limitRanges) {
                for (const found of valuesAboveMaximum(executor, limitRange.items as LimitRangeItem[])) {
                    const key = `${found.side}.${found.resource}`;
                    const amount = parseQuantity(found.max)!;
                    const current = tightest.get(key);
                    if (!current || amount < current.amount) {
                        tightest.set(key, { value: found.value, max: found.max, amount, limitRange });
                    }
                }
            }
            return tightest;
        };

        const constraints = quotas.length > 0 ? constraintSummary(quotas) : "";
        for (const controller of controllers) {
            const urn = controller.owner.resource.urn;
            const executor = controller.executor;
            if (isUnknown(executor)) {
                continue;
            }
            if ("yamlError" in executor) {
                reportViolation(
                    `${controller.description} is not valid YAML (${executor.yamlError}): the workflow controller cannot ` +
                        "read its settings, executor resources included. Fix the YAML.",
                    urn,
                );
                continue;
            }
            const containers = [
                { role: "executor's", resources: executor, who: "init and wait containers take" },
                ...(isUnknown(controller.mainContainer)
                    ? []
                    : [
                          {
                              role: "mainContainer",
                              resources: controller.mainContainer,
                              who: "main container takes",
                          },
                      ]),
            ];
            for (const { role, resources, who } of containers) {
                for (const { resource, request, limit } of requestsAboveLimits(resources)) {
                    reportViolation(
                        `${controller.description} sets the ${role} requests.${resource} ${request} above its ` +
                            `limits.${resource} ${limit}: the API server refuses every workflow pod whose ${who} ` +
                            `them ("must be less than or equal to ${resource} limit of ${limit}"). Lower the ` +
                            "request to at most the limit, or raise the limit.",
                        urn,
                    );
                }
            }
            const missing: string[] = [];
            for (const side of resourceSides) {
                for (const resource of computeResources) {
                    const value = executor[side][resource];
                    if (
                        constrained.has(resource) &&
                        (value === undefined || parseQuantity(value) === undefined)
                    ) {
                        missing.push(`${side}.${resource}`);
                    }
                }
            }
            if (missing.length > 0) {
                reportViolation(
                    `${controller.description} gives Argo's executor no ${missing.join(", ")}, while ${constraints}: ` +
                        "Argo builds every workflow pod's init and wait containers from the executor, so they declare " +
                        "nothing and quota admission rejects the pod. Set the executor's requests and limits for " +
                        `${computeResources.filter((resource) => constrained.has(resource)).join(" and ")} (${controller.setting}), ` +
                        "e.g. requests {cpu: 100m, memory: 128Mi}, " +
                        "limits {cpu: 500m, memory: 256Mi}.",
                    urn,
                );
            }
            const maximums = tightestMaximums(executor);
            for (const side of resourceSides) {
                for (const resource of computeResources) {
                    const maximum = maximums.get(`${side}.${resource}`);
                    if (!maximum) {
                        continue;
                    }
                    const namespace = maximum.limitRange.namespace as string;
                    reportViolation(
                        `${controller.description} sets the executor's ${side}.${resource} to ${maximum.value}, above max.${resource} ` +
                            `${maximum.max} of ${maximum.limitRange.description}: the LimitRanger admission plugin rejects ` +
                            `every workflow pod in ${namespace}. Lower the executor's ${side}.${resource} to at most ` +
                            `${maximum.max}, or raise that max.`,
                        urn,
                    );
                }
            }
            if (isUnknown(controller.mainContainer)) {
                continue;
            }
            for (const quota of quotas) {
                const namespaceLimitRanges = isUnknown(quota.namespace)
                    ? undefined
                    : limitRangesIn(quota.namespace);
                if (isUnknown(quota.computeHard) || !namespaceLimitRanges) {
                    continue;
                }
                const pod = { executor, mainContainer: controller.mainContainer };
                for (const { key, needed, hard } of workflowPodQuotaExcess(
                    pod,
                    quota.computeHard,
                    namespaceLimitRanges,
                )) {
                    const resource = containerQuotaKeys[key].resource;
                    const namespace = quota.namespace as string;
                    reportViolation(
                        `${describe(controller.owner)} makes one workflow pod (init and wait from its executor settings, ` +
                            `main from its mainContainer settings, filled in by the LimitRanges of ${namespace}) need ${key} ` +
                            `${formatQuantity(needed, resource)}, more than ${quota.description} allows (${hard}): quota ` +
                            `admission rejects every workflow pod in ${namespace}. Lower the executor's or the main ` +
                            "container's resources, or raise the quota.",
                        urn,
                    );
                }
            }
        }
    },
};
