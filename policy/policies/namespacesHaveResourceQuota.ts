import { StackValidationPolicy } from "@pulumi/policy";
import { collectObjects, describe, KubernetesObject, kinds, objectsOf } from "../support/kubernetes";
import { isUnknown } from "../support/plainValues";
import { configSchemaOf, readPackConfig } from "../support/policyConfig";
import { workflowKinds, workloadKinds } from "../support/workloads";

const name = "namespaces-have-resource-quota";
const configKeys = ["exemptNamespaces", "quotaNamespaces", "requireQuotaForWorkloadNamespaces"] as const;

/**
 * namespaces-have-resource-quota (mandatory, severity high)
 *
 * Deleting a quota is a tempting way around a quota failure, and then nothing caps what runaway
 * workloads (training workflows, say) consume. Every namespace the stack manages (its Namespace
 * resources, minus exempt ones; optionally every namespace it runs workloads in) and every
 * namespace listed in `quotaNamespaces` must have a ResourceQuota in the stack.
 */
export const namespacesHaveResourceQuota: StackValidationPolicy = {
    name,
    description: "Every namespace the stack manages must have a ResourceQuota.",
    enforcementLevel: "mandatory",
    severity: "high",
    configSchema: configSchemaOf(...configKeys),
    validateStack: (args, reportViolation) => {
        const config = readPackConfig(name, [...configKeys], args.getConfig());
        const wanted = [kinds.namespace, kinds.resourceQuota];
        if (config.requireQuotaForWorkloadNamespaces) {
            wanted.push(...workloadKinds, ...workflowKinds);
        }
        const byKind = collectObjects(args.resources, wanted);
        const quotaNamespaces = new Set<string>();
        for (const quota of objectsOf(byKind, kinds.resourceQuota)) {
            if (isUnknown(quota.namespace)) {
                return; // Any namespace might be the one this quota governs.
            }
            quotaNamespaces.add(quota.namespace);
        }
        const consideredNamespaces = new Set<string>();
        const fix = (namespace: string): string =>
            `nothing caps what its workloads (runaway workflows included) consume. Add a ResourceQuota in ${namespace}, ` +
            "with a LimitRange that defaults every resource it constrains.";
        const report = (namespace: string, message: string, urn?: string): void => {
            consideredNamespaces.add(namespace);
            if (!quotaNamespaces.has(namespace)) {
                reportViolation(message, urn);
            }
        };
        const listed = new Set(config.quotaNamespaces);
        for (const namespace of objectsOf(byKind, kinds.namespace)) {
            const namespaceName = namespace.name;
            if (
                isUnknown(namespaceName) ||
                (config.exemptNamespaces.has(namespaceName) && !listed.has(namespaceName))
            ) {
                continue;
            }
            report(
                namespaceName,
                `${describe(namespace, false)} has no ResourceQuota in this stack: ${fix(namespaceName)}`,
                namespace.resource.urn,
            );
        }
        for (const namespace of config.quotaNamespaces) {
            if (!consideredNamespaces.has(namespace)) {
                report(
                    namespace,
                    `Namespace ${namespace} must have a ResourceQuota (policy config quotaNamespaces), but no ResourceQuota ` +
                        `in this stack is in ${namespace}: ${fix(namespace)}`,
                );
            }
        }
        if (config.requireQuotaForWorkloadNamespaces) {
            const firstWorkload = new Map<string, KubernetesObject>();
            for (const workload of objectsOf(byKind, ...workloadKinds, ...workflowKinds)) {
                const clusterScoped = workload.kind === "ClusterWorkflowTemplate";
                if (
                    !clusterScoped &&
                    !isUnknown(workload.namespace) &&
                    !firstWorkload.has(workload.namespace)
                ) {
                    firstWorkload.set(workload.namespace, workload);
                }
            }
            for (const [namespace, workload] of firstWorkload) {
                if (consideredNamespaces.has(namespace) || config.exemptNamespaces.has(namespace)) {
                    continue;
                }
                report(
                    namespace,
                    `Namespace ${namespace} runs workloads of this stack (${describe(workload)}) but has no ResourceQuota: ` +
                        fix(namespace),
                    workload.resource.urn,
                );
            }
        }
    },
};
