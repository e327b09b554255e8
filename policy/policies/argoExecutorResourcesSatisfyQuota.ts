import { StackValidationPolicy } from "@pulumi/policy";
import { ResourceName } from "../../stacks/settings";
import { ControllerConfig, readControllerConfigMap, readControllerValues } from "./argoController";
import { readHelmInstalls } from "./helmCharts";
import { collectObjects, kinds, objectsOf } from "./kubernetes";
import { isUnknown } from "./plainValues";
import { configSchemaOf, readPackConfig } from "./policyConfig";
import {
    computeQuotaKeys,
    computeResources,
    LimitRange,
    quantityOf,
    Quota,
    readLimitRanges,
    readQuotas,
} from "./quotas";
import { workflowKinds } from "./workloads";

const name = "argo-executor-resources-satisfy-quota";
const configKeys = ["workflowNamespaces"] as const;

interface Maximum {
    value: bigint;
    text: string;
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
 * rejects the pod (the seed's "must specify limits.memory for: init,wait; ..."). The executor must
 * declare requests and limits for every resource a quota in a workflow namespace constrains (any
 * quota when the stack does not show which namespaces run workflows), whatever LimitRange defaults
 * exist, and stay under every LimitRange `max` there, which LimitRanger enforces on each pod.
 */
export const argoExecutorResourcesSatisfyQuota: StackValidationPolicy = {
    name,
    description:
        "Argo's executor (init and wait containers) must declare requests and limits for every quota-constrained resource, within LimitRange max.",
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
        const controllers = [
            ...objectsOf(byKind, kinds.configMap).map(readControllerConfigMap),
            ...installs.map(readControllerValues),
        ].filter((controller): controller is ControllerConfig => controller !== undefined);
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
                constrained.add(computeQuotaKeys[key].resource);
            }
        }
        const maximums = new Map<string, Maximum>();
        for (const limitRange of readLimitRanges(objectsOf(byKind, kinds.limitRange))) {
            if (!governs(limitRange.namespace) || isUnknown(limitRange.items)) {
                continue;
            }
            for (const item of limitRange.items.filter((candidate) => candidate.type === "Container")) {
                for (const resource of computeResources) {
                    const text = item.values.max[resource];
                    const value = quantityOf(text);
                    const current = maximums.get(resource);
                    if (text !== undefined && value !== undefined && (!current || value < current.value)) {
                        maximums.set(resource, { value, text, limitRange });
                    }
                }
            }
        }

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
            const missing: string[] = [];
            for (const side of ["requests", "limits"] as const) {
                for (const resource of computeResources) {
                    if (constrained.has(resource) && quantityOf(executor[side][resource]) === undefined) {
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
            for (const side of ["requests", "limits"] as const) {
                for (const resource of computeResources) {
                    const text = executor[side][resource];
                    const value = quantityOf(text);
                    const maximum = maximums.get(resource);
                    if (value === undefined || !maximum || value <= maximum.value) {
                        continue;
                    }
                    const namespace = maximum.limitRange.namespace as string;
                    reportViolation(
                        `${controller.description} sets the executor's ${side}.${resource} to ${text}, above max.${resource} ` +
                            `${maximum.text} of ${maximum.limitRange.description}: the LimitRanger admission plugin rejects ` +
                            `every workflow pod in ${namespace}. Lower the executor's ${side}.${resource} to at most ` +
                            `${maximum.text}, or raise that max.`,
                        urn,
                    );
                }
            }
        }
    },
};
