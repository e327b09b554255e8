import { StackValidationPolicy } from "@pulumi/policy";
import { groupBy } from "../support/grouping";
import { collectObjects, kinds, objectsOf } from "../support/kubernetes";
import { isUnknown } from "../support/plainValues";
import { configSchemaOf, readPackConfig } from "../support/policyConfig";
import { LimitRangeItem } from "../../lib/kubernetes/limitRanger";
import {
    containerQuotaKeys,
    defaultingField,
    quotaKeysLeftUndefaulted,
} from "../../lib/kubernetes/quotaAdmission";
import { readLimitRanges, readQuotas } from "../support/quotas";

const name = "limit-range-defaults-cover-quota";
const configKeys = ["exemptNamespaces"] as const;

/**
 * limit-range-defaults-cover-quota (mandatory, severity high)
 *
 * When a ResourceQuota constrains cpu or memory, quota admission rejects every container that does
 * not declare the constrained values, unless the LimitRanger admission plugin (which runs first)
 * fills them from a LimitRange of type Container. Argo's init and wait containers declare nothing
 * unless the controller's executor settings give them resources. Defaults follow the API server's
 * defaulting (lib/kubernetes/limitRanger.ts): a missing `default` is the `max`, a missing
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
        /** A namespace's LimitRanges, each a list of items; undefined while one is unknown. */
        const limitRangesIn = (namespace: string): LimitRangeItem[][] | undefined => {
            const inNamespace = limitRangesByNamespace.get(namespace) ?? [];
            return inNamespace.some((limitRange) => isUnknown(limitRange.items))
                ? undefined
                : inNamespace.map((limitRange) => limitRange.items as LimitRangeItem[]);
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
            const namespaceLimitRanges = limitRangesIn(namespace);
            if (!namespaceLimitRanges) {
                continue;
            }
            const missing = quotaKeysLeftUndefaulted(quota.computeKeys, namespaceLimitRanges);
            if (missing.length === 0) {
                continue;
            }
            const fields = [
                ...new Set(
                    missing.map((key) => `${defaultingField(key)}.${containerQuotaKeys[key].resource}`),
                ),
            ];
            reportViolation(
                `${quota.description} constrains ${quota.computeKeys.join(", ")}, but no LimitRange (type Container) in ` +
                    `${namespace} defaults ${missing.join(", ")}: quota admission rejects every container that declares ` +
                    "none of its own, such as Argo's init and wait. " +
                    `Add a LimitRange of type Container in ${namespace} with ${fields.join(", ")}.`,
                quota.object.resource.urn,
            );
        }
    },
};
