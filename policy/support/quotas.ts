// ResourceQuotas and LimitRanges read from the stack into the plain shapes lib/kubernetes reasons
// about (what quota admission and the LimitRanger admission plugin do with them lives there).

import { LimitField, limitFields, LimitRangeItem } from "../../lib/kubernetes/limitRanger";
import { containerConstrainedKeys } from "../../lib/kubernetes/quotaAdmission";
import { computeResources, ResourceValues } from "../../lib/kubernetes/resources";
import { describe, KubernetesObject } from "./kubernetes";
import { arrayAt, isRecord, isUnknown, PlainRecord, recordAt, stringAt, UnknownValue } from "./plainValues";

export interface Quota {
    object: KubernetesObject;
    name: string;
    namespace: string | UnknownValue;
    /** `spec.hard` keys that make quota admission demand a value on every container, sorted. */
    computeKeys: string[] | UnknownValue;
    /** `spec.hard` under those keys, as written; `unknownValue` while any of them is unknown. */
    computeHard: Record<string, string> | UnknownValue;
    description: string;
}

export function readQuotas(objects: KubernetesObject[]): Quota[] {
    return objects.map((object) => {
        const hard = recordAt(recordAt(object.body, "spec"), "hard");
        const computeKeys = isUnknown(hard) ? hard : containerConstrainedKeys(Object.keys(hard)).sort();
        let computeHard: Record<string, string> | UnknownValue = {};
        for (const key of isUnknown(computeKeys) ? [] : computeKeys) {
            const value = (hard as PlainRecord)[key];
            if (isUnknown(value)) {
                computeHard = value;
                break;
            }
            if (typeof value === "string" || typeof value === "number") {
                computeHard[key] = String(value);
            }
        }
        return {
            object,
            name: isUnknown(object.name) ? "(unknown)" : object.name,
            namespace: object.namespace,
            computeKeys,
            computeHard: isUnknown(computeKeys) ? computeKeys : computeHard,
            get description() {
                return describe(object);
            },
        };
    });
}

/** One item of `spec.limits`, with its position there. */
export type ReadLimitRangeItem = LimitRangeItem & { index: number };

export interface LimitRange {
    object: KubernetesObject;
    namespace: string | UnknownValue;
    items: ReadLimitRangeItem[] | UnknownValue;
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
        let items: ReadLimitRangeItem[] | UnknownValue = [];
        if (isUnknown(limits)) {
            items = limits;
        } else {
            for (const [index, entry] of limits.entries()) {
                if (isUnknown(entry)) {
                    items = entry;
                    break;
                }
                if (!isRecord(entry)) {
                    continue;
                }
                const type = stringAt(entry, "type");
                const item: ReadLimitRangeItem = { type: (type as string | undefined) ?? "", index };
                let unknown: UnknownValue | undefined = isUnknown(type) ? type : undefined;
                for (const field of limitFields) {
                    const read = readResourceValues(recordAt(entry, field));
                    if (isUnknown(read)) {
                        unknown = read;
                    } else {
                        item[field as LimitField] = read;
                    }
                }
                if (unknown) {
                    items = unknown;
                    break;
                }
                items.push(item);
            }
        }
        return {
            object,
            namespace: object.namespace,
            items,
            get description() {
                return describe(object);
            },
        };
    });
}
