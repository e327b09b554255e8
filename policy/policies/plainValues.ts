// Reading resource properties the way the engine hands them over.
//
// The engine wraps every resource's properties (stack and resource policies alike) in
// `unknownCheckingProxy`: reading a value that is unknown during preview throws UnknownValueError,
// and a policy that lets it escape is reported as "can't run during preview" and downgraded to
// advisory. Policies here copy the properties they need into plain values first, turning each
// unknown into the `unknownValue` marker, so a check can skip exactly what it cannot know and still
// decide everything else.

import { UnknownValueError } from "@pulumi/policy";

/** Stands for a value the engine does not know yet (during preview). */
export const unknownValue: unique symbol = Symbol("unknown during preview");
export type UnknownValue = typeof unknownValue;

/**
 * The engine's wire sentinels for unknown values (booleans, numbers, strings, arrays, assets,
 * archives, objects). The proxy turns reading one into UnknownValueError; a caller that passes
 * properties without the proxy hands them over as these strings, which mean the same.
 */
const unknownSentinels = new Set([
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58",
    "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

export function isUnknownSentinel(text: string): boolean {
    return unknownSentinels.has(text);
}

export type PlainValue = null | boolean | number | string | UnknownValue | PlainValue[] | PlainRecord;
export interface PlainRecord {
    [key: string]: PlainValue;
}

function readProperty(container: object, key: string): PlainValue | undefined {
    try {
        return toPlain((container as Record<string, unknown>)[key]);
    } catch (error) {
        if (error instanceof UnknownValueError) {
            return unknownValue;
        }
        throw error;
    }
}

/**
 * A deep plain copy of a (proxied) value with unknowns replaced by `unknownValue`. Assets,
 * archives and other class instances carry nothing a policy here reads and become undefined.
 */
export function toPlain(value: unknown): PlainValue | undefined {
    if (typeof value === "string") {
        return isUnknownSentinel(value) ? unknownValue : value;
    }
    if (value === null || typeof value === "boolean" || typeof value === "number") {
        return value;
    }
    if (Array.isArray(value)) {
        const items: PlainValue[] = [];
        for (let index = 0; index < value.length; index++) {
            items.push(readProperty(value, String(index)) ?? null);
        }
        return items;
    }
    if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
        const record: PlainRecord = {};
        for (const key of Object.keys(value)) {
            const item = readProperty(value, key);
            if (item !== undefined) {
                record[key] = item;
            }
        }
        return record;
    }
    return undefined;
}

export function isUnknown(value: unknown): value is UnknownValue {
    return value === unknownValue;
}

export function isRecord(value: unknown): value is PlainRecord {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The record at `key`, `unknownValue`, or an empty record when absent or not a record. */
export function recordAt(value: unknown, key: string): PlainRecord | UnknownValue {
    if (!isRecord(value)) {
        return isUnknown(value) ? unknownValue : {};
    }
    const item = value[key];
    return isUnknown(item) ? unknownValue : isRecord(item) ? item : {};
}

/** The array at `key`, `unknownValue`, or an empty array when absent or not an array. */
export function arrayAt(value: unknown, key: string): PlainValue[] | UnknownValue {
    if (!isRecord(value)) {
        return isUnknown(value) ? unknownValue : [];
    }
    const item = value[key];
    return isUnknown(item) ? unknownValue : Array.isArray(item) ? item : [];
}

/** The string at `key` (numbers and booleans as written), `unknownValue`, or undefined. */
export function stringAt(value: unknown, key: string): string | UnknownValue | undefined {
    if (!isRecord(value)) {
        return isUnknown(value) ? unknownValue : undefined;
    }
    const item = value[key];
    if (isUnknown(item)) {
        return unknownValue;
    }
    return typeof item === "string" || typeof item === "number" || typeof item === "boolean"
        ? String(item)
        : undefined;
}

/** Follows a path of record keys; `unknownValue` as soon as one step is unknown. */
export function valueAtPath(value: unknown, path: string[]): PlainValue | undefined {
    let current: unknown = value;
    for (const key of path) {
        if (isUnknown(current)) {
            return unknownValue;
        }
        if (!isRecord(current)) {
            return undefined;
        }
        current = current[key];
    }
    return current as PlainValue | undefined;
}

/** Whether a plain value holds an unknown anywhere inside it. */
export function containsUnknown(value: unknown): boolean {
    if (isUnknown(value)) {
        return true;
    }
    if (Array.isArray(value)) {
        return value.some(containsUnknown);
    }
    if (isRecord(value)) {
        return Object.values(value).some(containsUnknown);
    }
    return false;
}
