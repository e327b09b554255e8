// `namespaces`: per governed namespace, its ResourceQuota (keys and values the API server takes),
// its LimitRange (values in the order the API server requires) and the services pods may reach.

import { limitFields, misorderedLimits } from "../../lib/kubernetes/limitRanger";
import {
    containerQuotaKeys,
    defaultingField,
    quotaKeysLeftUndefaulted,
} from "../../lib/kubernetes/quotaAdmission";
import { quotaKeyProblem, quotaValueProblem } from "../../lib/kubernetes/resourceQuota";
import { computeResources } from "../../lib/kubernetes/resources";
import type { GovernedNamespace, LimitRangeSettings } from "../../components/namespaceGovernance";
import { egressServicesAreKnown } from "../crossSectionRules";
import { Problems } from "../problems";
import { dns1123Label, isObject, Reader } from "../reader";
import { ServiceEndpoint } from "../settings";
import { readResourceMap } from "./containerResources";

function readLimitRange(problems: Problems, reader: Reader): LimitRangeSettings {
    const limitRange = reader.object("limitRange");
    const settings: LimitRangeSettings = {
        default: readResourceMap(problems, limitRange, "default", computeResources),
        defaultRequest: readResourceMap(problems, limitRange, "defaultRequest", computeResources),
        max: readResourceMap(problems, limitRange, "max", computeResources),
    };
    const misordered = misorderedLimits({ type: "Container", ...settings }).sort(
        (a, b) => limitFields.indexOf(a.lower.field) - limitFields.indexOf(b.lower.field),
    );
    for (const { resource, lower, upper } of misordered) {
        problems.conflict(
            `${limitRange.pathOf(lower.field)}.${resource}: "${lower.value}" is greater than ` +
                `${limitRange.pathOf(upper.field)}.${resource} "${upper.value}"`,
        );
    }
    return settings;
}

export function readNamespaces(
    problems: Problems,
    raw: unknown,
    services: ServiceEndpoint[],
): GovernedNamespace[] {
    const reader = Reader.of(problems, "namespaces", raw);
    const namespaces: GovernedNamespace[] = [];
    for (const [name, value] of reader.entries()) {
        if (!dns1123Label.test(name)) {
            problems.invalid(reader.pathOf(name), name, "is not a valid namespace name");
        }
        const entry = reader.object(name);
        const quotaReader = entry.object("quota");
        const quota: Record<string, string> = {};
        for (const [key, amount] of quotaReader.entries()) {
            const problem = quotaKeyProblem(key) ?? quotaValueProblem(key, amount);
            if (problem) {
                problems.invalid(quotaReader.pathOf(key), quotaKeyProblem(key) ? key : amount, problem);
                continue;
            }
            quota[key] = String(amount);
        }
        const limitRange = readLimitRange(problems, entry);
        for (const key of quotaKeysLeftUndefaulted(Object.keys(quota), [
            [{ type: "Container", ...limitRange }],
        ])) {
            problems.conflict(
                `${quotaReader.pathOf(key)} is constrained but ` +
                    `${entry.path}.limitRange.${defaultingField(key)}.${containerQuotaKeys[key].resource} is not set: ` +
                    "containers that declare nothing (such as Argo's init and wait) would be rejected by quota admission",
            );
        }
        const egressServices =
            value !== undefined && isObject(value) && value.egressServices !== undefined
                ? entry.names("egressServices")
                : [];
        egressServicesAreKnown(problems, entry.pathOf("egressServices"), egressServices, services);
        namespaces.push({ name, quota, limitRange, egressServices });
    }
    return namespaces;
}
