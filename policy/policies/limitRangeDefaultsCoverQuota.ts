import { StackValidationPolicy } from "@pulumi/policy";
import { groupBy } from "./grouping";
import { collectObjects, kinds, objectsOf } from "./kubernetes";
import { isUnknown } from "./plainValues";
import { configSchemaOf, readPackConfig } from "./policyConfig";
import {
    defaultFieldFor,
    defaultsCover,
    effectiveContainerDefaults,
    readLimitRanges,
    readQuotas,
} from "./quotas";

const name = "limit-range-defaults-cover-quota";
const configKeys = ["exemptNamespaces"] as const;

/**
 * limit-range-defaults-cover-quota (mandatory, severity high)
 *
 * When a ResourceQuota constrains cpu or memory, quota admission rejects every container that does
 * not declare the constrained values, unless the LimitRanger admission plugin (which runs first)
 * fills them from a LimitRange of type Container. Argo's init and wait containers declare nothing
 * by default: that is the seed's "failed quota: seldon-system-quota: must specify ..." error.
 * Defaults follow the API server's defaulting: a missing `default` is the `max`, a missing
 * `defaultRequest` is the `default`, else the `min`.
 */
export const limitRangeDefaultsCoverQuota: StackValidationPolicy = {
    name,
    description:
        "A namespace whose ResourceQuota constrains cpu or memory needs a LimitRange defaulting each constrained value.",
    enforcementLevel: "mandatory",
    severity: "high",
    configSchema: configSchemaOf(...configKeys),
    validateStack: (args, reportViolation) => {
        const config = readPackConfig(name, [...configKeys], args.getConfig());
        const byKind = collectObjects(args.resources, [kinds.resourceQuota, kinds.limitRange]);
        const limitRanges = readLimitRanges(objectsOf(byKind, kinds.limitRange));
        if (limitRanges.some((limitRange) => isUnknown(limitRange.namespace))) {
            return; // Any namespace might be the one this LimitRange defaults.
        }
        const limitRangesByNamespace = groupBy(limitRanges, (limitRange) => limitRange.namespace as string);
        // Each namespace's Container defaults, computed once however many quotas it has; undefined while unknown.
        const defaultsByNamespace = new Map<
            string,
            ReturnType<typeof effectiveContainerDefaults>[] | undefined
        >();
        const defaultsOf = (namespace: string) => {
            if (!defaultsByNamespace.has(namespace)) {
                const namespaceLimitRanges = limitRangesByNamespace.get(namespace) ?? [];
                defaultsByNamespace.set(
                    namespace,
                    namespaceLimitRanges.some((limitRange) => isUnknown(limitRange.items))
                        ? undefined
                        : namespaceLimitRanges
                              .flatMap((limitRange) => (isUnknown(limitRange.items) ? [] : limitRange.items))
                              .filter((item) => item.type === "Container")
                              .map(effectiveContainerDefaults),
                );
            }
            return defaultsByNamespace.get(namespace);
        };
        for (const quota of readQuotas(objectsOf(byKind, kinds.resourceQuota))) {
            const namespace = quota.namespace;
            if (
                isUnknown(namespace) ||
                isUnknown(quota.computeKeys) ||
                config.exemptNamespaces.has(namespace)
            ) {
                continue;
            }
            if (quota.computeKeys.length === 0) {
                continue;
            }
            const defaults = defaultsOf(namespace);
            if (!defaults) {
                continue;
            }
            const missing = quota.computeKeys.filter(
                (key) => !defaults.some((itemDefaults) => defaultsCover(key, itemDefaults)),
            );
            if (missing.length === 0) {
                continue;
            }
            const fields = [...new Set(missing.map(defaultFieldFor))];
            const admissionError = missing.map((key) => `${key} for: init,wait`).join("; ");
            reportViolation(
                `${quota.description} constrains ${quota.computeKeys.join(", ")}, but no LimitRange (type Container) in ` +
                    `${namespace} defaults ${missing.join(", ")}: quota admission rejects every container that declares ` +
                    `none of its own, such as Argo's init and wait ("failed quota: ${quota.name}: must specify ${admissionError}"). ` +
                    `Add a LimitRange of type Container in ${namespace} with ${fields.join(", ")}.`,
                quota.object.resource.urn,
            );
        }
    },
};
