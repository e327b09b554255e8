// What a LimitRange does to a pod's containers, as the API server and its LimitRanger admission
// plugin do it (kubernetes v1.34: pkg/apis/core/v1/defaults.go SetDefaults_LimitRangeItem,
// pkg/apis/core/validation ValidateLimitRange, plugin/pkg/admission/limitranger/admission.go).

import { parseQuantity } from "./quantity";
import {
    computeResources,
    ContainerResources,
    ResourceName,
    ResourceSide,
    resourceSides,
    ResourceValues,
    withRequestsFromLimits,
} from "./resources";

/** The fields of a LimitRange item that hold quantities, in the order the API server requires. */
export const limitFields = ["min", "defaultRequest", "default", "max"] as const;
export type LimitField = (typeof limitFields)[number];

/** One item of a LimitRange's `spec.limits`, as the API spells it: its type (`Container`, `Pod`, ...) and its quantities. */
export type LimitRangeItem = { type: string } & Partial<Record<LimitField, ResourceValues>>;

/**
 * A `Container` item as the API server stores it: a missing `default` is the `max`, then a
 * missing `defaultRequest` is the `default`, else the `min`. Other types are stored as written.
 */
export function storedLimitRangeItem(item: LimitRangeItem): LimitRangeItem {
    if (item.type !== "Container") {
        return item;
    }
    const { min = {}, max = {}, default: written = {}, defaultRequest = {} } = item;
    const defaultLimit = { ...max, ...written };
    return { ...item, default: defaultLimit, defaultRequest: { ...min, ...defaultLimit, ...defaultRequest } };
}

/**
 * What one LimitRange fills in for a container that leaves a value out: the `default` (limits) and
 * `defaultRequest` (requests) of its stored `Container` items, a later item's value replacing an
 * earlier one's (defaultContainerResourceRequirements).
 */
export function limitRangeDefaults(items: readonly LimitRangeItem[]): ContainerResources {
    const defaults: ContainerResources = { requests: {}, limits: {} };
    for (const item of items
        .filter((candidate) => candidate.type === "Container")
        .map(storedLimitRangeItem)) {
        Object.assign(defaults.limits, item.default);
        Object.assign(defaults.requests, item.defaultRequest);
    }
    return defaults;
}

/**
 * A container after the API server's defaulting and the LimitRanger plugin, given the
 * namespace's LimitRanges (each a list of items) in the order the plugin meets them: each fills
 * only what the container, and the LimitRanges before it, left out.
 */
export function admittedContainer(
    container: ContainerResources,
    limitRanges: readonly (readonly LimitRangeItem[])[],
): ContainerResources {
    const admitted = withRequestsFromLimits(container);
    for (const items of limitRanges) {
        const defaults = limitRangeDefaults(items);
        admitted.limits = { ...defaults.limits, ...admitted.limits };
        admitted.requests = { ...defaults.requests, ...admitted.requests };
    }
    return admitted;
}

export interface AboveMaximum {
    side: ResourceSide;
    resource: ResourceName;
    /** The container's value, as written. */
    value: string;
    /** The `max` it exceeds, as written. */
    max: string;
}

/**
 * The requests and limits a container declares that a LimitRange's `Container` items refuse for
 * exceeding their `max` (maxConstraint), requests before limits, cpu before memory. What the
 * plugin fills in itself comes from `default` and `defaultRequest`, which cannot exceed `max`.
 */
export function valuesAboveMaximum(
    container: ContainerResources,
    items: readonly LimitRangeItem[],
): AboveMaximum[] {
    const found: AboveMaximum[] = [];
    for (const side of resourceSides) {
        for (const resource of computeResources) {
            const value = container[side][resource];
            const amount = value === undefined ? undefined : parseQuantity(value);
            if (amount === undefined) {
                continue;
            }
            for (const item of items.filter((candidate) => candidate.type === "Container")) {
                const max = item.max?.[resource];
                const limit = max === undefined ? undefined : parseQuantity(max);
                if (limit !== undefined && amount > limit) {
                    found.push({ side, resource, value: value!, max: max! });
                }
            }
        }
    }
    return found;
}

export interface MisorderedLimits {
    resource: ResourceName;
    lower: { field: LimitField; value: string };
    upper: { field: LimitField; value: string };
}

/**
 * The values of a LimitRange item the API server refuses as out of order (min <= defaultRequest <=
 * default <= max), per resource: each declared value against the next declared one. Values that
 * are not quantities are passed over; the caller says what is wrong with them.
 */
export function misorderedLimits(item: LimitRangeItem): MisorderedLimits[] {
    const found: MisorderedLimits[] = [];
    for (const resource of computeResources) {
        const declared = limitFields.flatMap((field) => {
            const value = item[field]?.[resource];
            const amount = value === undefined ? undefined : parseQuantity(value);
            return amount === undefined ? [] : [{ field, value: value!, amount }];
        });
        for (let index = 1; index < declared.length; index++) {
            const [lower, upper] = [declared[index - 1], declared[index]];
            if (lower.amount > upper.amount) {
                found.push({
                    resource,
                    lower: { field: lower.field, value: lower.value },
                    upper: { field: upper.field, value: upper.value },
                });
            }
        }
    }
    return found;
}
