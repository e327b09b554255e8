// Reading resource properties the way the engine hands them over.
//
// The engine wraps every resource's properties (stack and resource policies alike) in
// `unknownCheckingProxy`: reading a value that is unknown during preview throws UnknownValueError,
// and a policy that lets it escape is reported as "can't run during preview" and downgraded to
// advisory. Policies here read the properties they need as plain values first (toPlain), with each
// unknown turned into the `unknownValue` marker, so a check can skip exactly what it cannot know
// and still decide everything else.

import { types } from "util";
import { Secret } from "@pulumi/policy";

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

/** Every sentinel is a 36-character UUID: the length alone clears almost every string without hashing it. */
const sentinelLength = 36;

export function isUnknownSentinel(text: string): boolean {
    return text.length === sentinelLength && unknownSentinels.has(text);
}

export type PlainValue = null | boolean | number | string | UnknownValue | PlainValue[] | PlainRecord;
export interface PlainRecord {
    [key: string]: PlainValue;
}

/**
 * The engine's proxies answer this key with the object they wrap (`@pulumi/policy`'s own
 * serializer reads it the same way); both `unknownCheckingProxy` and the secrets proxy do.
 */
const proxyTarget = "__getSpecialProxyTarget";

/** The object under the engine's proxies (nested ones included), or the value itself. */
function unwrapped(value: unknown): unknown {
    let current = value;
    for (;;) {
        const target =
            typeof current === "object" && current !== null
                ? (current as Record<string, unknown>)[proxyTarget]
                : undefined;
        if (target === undefined || target === current) {
            return current;
        }
        current = target;
    }
}

function isPlainObject(value: object): boolean {
    return Object.getPrototypeOf(value) === Object.prototype;
}

/**
 * True when `value` is already what toPlain would return: plain data with no unknown sentinel,
 * secret, engine proxy, class instance, function or undefined anywhere in it. Reads without
 * allocating.
 */
function isAlreadyPlain(value: unknown): boolean {
    switch (typeof value) {
        case "string":
            return !isUnknownSentinel(value);
        case "number":
        case "boolean":
            return true;
        case "object":
            if (value === null) {
                return true;
            }
            // An engine proxy (of an object or an array) nested in plain data is read through by copyPlain.
            if (types.isProxy(value)) {
                return false;
            }
            if (Array.isArray(value)) {
                for (let index = 0; index < value.length; index++) {
                    if (!isAlreadyPlain(value[index])) {
                        return false;
                    }
                }
                return true;
            }
            if (!isPlainObject(value)) {
                return false;
            }
            for (const key in value) {
                if (!isAlreadyPlain((value as Record<string, unknown>)[key])) {
                    return false;
                }
            }
            return true;
        default:
            return false;
    }
}

/** A copy of raw (unproxied) data, as toPlain describes; secrets read as their values. */
function copyPlain(value: unknown): PlainValue | undefined {
    if (typeof value === "string") {
        return isUnknownSentinel(value) ? unknownValue : value;
    }
    if (value === null || typeof value === "boolean" || typeof value === "number") {
        return value;
    }
    if (typeof value !== "object") {
        return undefined;
    }
    if (value instanceof Secret) {
        return copyPlain(unwrapped(value.value));
    }
    const target = unwrapped(value);
    if (target !== value) {
        return copyPlain(target);
    }
    if (Array.isArray(value)) {
        const items: PlainValue[] = [];
        for (let index = 0; index < value.length; index++) {
            items.push(copyPlain(value[index]) ?? null);
        }
        return items;
    }
    if (!isPlainObject(value)) {
        return undefined;
    }
    const record: PlainRecord = {};
    for (const key of Object.keys(value)) {
        const item = copyPlain((value as Record<string, unknown>)[key]);
        if (item !== undefined) {
            record[key] = item;
        }
    }
    return record;
}

/**
 * A deep plain view of a (proxied) value with unknowns replaced by `unknownValue`. Assets,
 * archives and other class instances carry nothing a policy here reads and become undefined.
 *
 * The engine's proxies are taken off first, so reading costs no proxy per property. When the
 * data under them is already plain (the usual case: no unknowns), it is returned as it is rather
 * than copied: a pack reading 100k resources then holds them once, not twice. Callers never mutate
 * what they read.
 */
export function toPlain(value: unknown): PlainValue | undefined {
    const target = unwrapped(value);
    return isAlreadyPlain(target) ? (target as PlainValue) : copyPlain(target);
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
