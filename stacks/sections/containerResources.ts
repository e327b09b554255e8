// Container requests and limits wherever the settings hold them (Argo's executor and main
// container, the DNS probe, a LimitRange's values).

import { parseQuantity } from "../../lib/kubernetes/quantity";
import { quantityStorageProblem } from "../../lib/kubernetes/resourceQuota";
import {
    computeResources,
    ContainerResources,
    requestsAboveLimits,
    ResourceName,
    ResourceValues,
} from "../../lib/kubernetes/resources";
import { Problems } from "../problems";
import { Reader } from "../reader";

/** `{cpu, memory}` under `key`; each name in `required` must be there when the object is. */
export function readResourceMap(
    problems: Problems,
    reader: Reader,
    key: string,
    required: readonly ResourceName[],
): ResourceValues {
    const result: ResourceValues = {};
    const absent = reader.peek(key) === undefined;
    if (absent && required.length > 0) {
        problems.missing(reader.pathOf(key), `an object with ${required.join(" and ")}`);
    }
    if (absent) {
        return result;
    }
    const map = reader.object(key);
    for (const [name, value] of map.entries()) {
        if (!computeResources.includes(name as ResourceName)) {
            problems.invalid(
                map.pathOf(name),
                value,
                `is not a container resource this stack sets (${computeResources.join(", ")})`,
            );
            continue;
        }
        if ((typeof value !== "string" && typeof value !== "number") || parseQuantity(value) === undefined) {
            problems.invalid(
                map.pathOf(name),
                value,
                "is not a Kubernetes quantity (e.g. 500m, 2, 256Mi, 1Gi)",
            );
            continue;
        }
        const stored = parseQuantity(value)! < 0n ? "is negative" : quantityStorageProblem(value);
        if (stored) {
            problems.invalid(map.pathOf(name), value, stored);
            continue;
        }
        result[name as ResourceName] = String(value);
    }
    for (const name of required) {
        if (result[name] === undefined && map.peek(name) === undefined) {
            problems.missing(map.pathOf(name), "a quantity");
        }
    }
    return result;
}

/** `{requests, limits}` under `key`, every request at most its limit; `requireAll`: cpu and memory on both sides. */
export function readContainerResources(
    problems: Problems,
    reader: Reader,
    key: string,
    requireAll: boolean,
): ContainerResources {
    const resources = reader.object(key);
    const required = requireAll ? computeResources : [];
    const result = {
        requests: readResourceMap(problems, resources, "requests", required),
        limits: readResourceMap(problems, resources, "limits", required),
    };
    for (const { resource, request, limit } of requestsAboveLimits(result)) {
        problems.conflict(
            `${resources.pathOf("requests")}.${resource}: "${request}" is greater than ${resources.pathOf("limits")}.${resource} "${limit}"`,
        );
    }
    return result;
}
