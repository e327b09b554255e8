// ResourceQuotas and LimitRanges as quota admission and the LimitRanger admission plugin see them.

import { parseQuantity } from "../../stacks/quantity";
import { ResourceName } from "../../stacks/settings";
import { computeQuotaKeys } from "../../stacks/validation";
import { describe, KubernetesObject } from "./kubernetes";
import { arrayAt, isRecord, isUnknown, PlainRecord, recordAt, stringAt, UnknownValue } from "./plainValues";

export { computeQuotaKeys };
export const computeResources: ResourceName[] = ["cpu", "memory"];

export interface Quota {
    object: KubernetesObject;
    name: string;
    namespace: string | UnknownValue;
    /** `spec.hard` keys that make quota admission demand a value on every container, sorted. */
    computeKeys: string[] | UnknownValue;
    description: string;
}

export function readQuotas(objects: KubernetesObject[]): Quota[] {
    return objects.map((object) => {
        const hard = recordAt(recordAt(object.body, "spec"), "hard");
        return {
            object,
            name: isUnknown(object.name) ? "(unknown)" : object.name,
            namespace: object.namespace,
            computeKeys: isUnknown(hard)
                ? hard
                : Object.keys(hard)
                      .filter((key) => key in computeQuotaKeys)
                      .sort(),
            description: describe(object),
        };
    });
}

export type ResourceValues = Partial<Record<ResourceName, string>>;

export const limitFields = ["min", "defaultRequest", "default", "max"] as const;
export type LimitField = (typeof limitFields)[number];

export interface LimitRangeItem {
    type: string;
    /** Position in `spec.limits`. */
    index: number;
    values: Record<LimitField, ResourceValues>;
}

export interface LimitRange {
    object: KubernetesObject;
    namespace: string | UnknownValue;
    items: LimitRangeItem[] | UnknownValue;
    description: string;
}

/** `{cpu, memory}` of a requests/limits/max record; `unknownValue` when either is unknown. */
export function readResourceValues(value: PlainRecord | UnknownValue): ResourceValues | UnknownValue {
    if (isUnknown(value)) {
        return value;
    }
    const values: ResourceValues = {};
    for (const name of computeResources) {
        const item = stringAt(value, name);
        if (isUnknown(item)) {
            return item;
        }
        if (item !== undefined) {
            values[name] = item;
        }
    }
    return values;
}

export function readLimitRanges(objects: KubernetesObject[]): LimitRange[] {
    return objects.map((object) => {
        const limits = arrayAt(recordAt(object.body, "spec"), "limits");
        let items: LimitRangeItem[] | UnknownValue = [];
        if (isUnknown(limits)) {
            items = limits;
        } else {
            for (const [index, item] of limits.entries()) {
                if (isUnknown(item)) {
                    items = item;
                    break;
                }
                if (!isRecord(item)) {
                    continue;
                }
                const type = stringAt(item, "type");
                const values = {} as Record<LimitField, ResourceValues>;
                let unknown: UnknownValue | undefined = isUnknown(type) ? type : undefined;
                for (const field of limitFields) {
                    const read = readResourceValues(recordAt(item, field));
                    if (isUnknown(read)) {
                        unknown = read;
                    } else {
                        values[field] = read;
                    }
                }
                if (unknown) {
                    items = unknown;
                    break;
                }
                items.push({ type: (type as string | undefined) ?? "", index, values });
            }
        }
        return { object, namespace: object.namespace, items, description: describe(object) };
    });
}

/**
 * A Container item's `default` and `defaultRequest` after API defaulting (SetDefaults_LimitRangeItem):
 * a missing default limit is the max, a missing default request is the default limit, else the min.
 */
export function effectiveContainerDefaults(item: LimitRangeItem): {
    default: ResourceValues;
    defaultRequest: ResourceValues;
} {
    const limit: ResourceValues = { ...item.values.max, ...item.values.default };
    const request: ResourceValues = { ...item.values.min, ...limit, ...item.values.defaultRequest };
    return { default: limit, defaultRequest: request };
}

/** Whether the LimitRanger plugin fills a quota key for a container that declares nothing. */
export function defaultsCover(
    key: string,
    defaults: { default: ResourceValues; defaultRequest: ResourceValues },
): boolean {
    const constrained = computeQuotaKeys[key];
    return constrained.side === "limits"
        ? defaults.default[constrained.resource] !== undefined
        : defaults.defaultRequest[constrained.resource] !== undefined;
}

/** The LimitRange field that defaults a quota key: `default.memory` for limits.memory, `defaultRequest.cpu` for requests.cpu or cpu. */
export function defaultFieldFor(key: string): string {
    const constrained = computeQuotaKeys[key];
    return `${constrained.side === "limits" ? "default" : "defaultRequest"}.${constrained.resource}`;
}

export function quantityOf(text: string | undefined): bigint | undefined {
    return text === undefined ? undefined : parseQuantity(text);
}
