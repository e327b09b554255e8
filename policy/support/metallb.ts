// MetalLB's address pools and advertisements (metallb.io/v1beta1), read from the stack.

import { IpRange } from "../../lib/addresses/ip";
import { LabelledRange, RangeIndex } from "../../lib/addresses/rangeIndex";
import { formatAddressRange } from "../../lib/addresses/ranges";
import { AcceptedEntry, PoolEntryReading, readPoolEntry } from "../../lib/metallb/poolEntry";
import { describe, KubernetesObject, LabelSelector, readSelector } from "./kubernetes";
import { arrayAt, isRecord, isUnknown, PlainValue, recordAt, UnknownValue } from "./plainValues";

/** An `addresses` entry MetalLB reads addresses from. */
export interface PoolEntry {
    /** The entry as written: `192.168.1.200-192.168.1.250`, `192.168.1.249/32`, `192.168.1.249/29`. */
    text: string;
    /** Its position in `spec.addresses`. */
    index: number;
    /** The addresses MetalLB reads from it (for `192.168.1.249/29`, 192.168.1.248/29). */
    range: IpRange;
    reading: AcceptedEntry;
}

/** One item of `spec.addresses` as written, with how MetalLB reads it. */
export interface WrittenEntry {
    index: number;
    value: PlainValue;
    /** For a string; anything else never reaches MetalLB (the CRD's schema takes strings). */
    reading?: PoolEntryReading;
}

/** `spec.addresses` as written: its items, or why there is no list. */
export type WrittenAddresses =
    | { items: WrittenEntry[] }
    | { absent: "missing" | "not-a-list"; value?: PlainValue };

export interface AddressPool {
    object: KubernetesObject;
    /** `metadata.name`; `(unknown)` when not known during preview. */
    name: string;
    namespace: string | UnknownValue;
    /** The entries MetalLB reads addresses from; `unknownValue` when the list (or an entry) is not known yet. */
    entries: PoolEntry[] | UnknownValue;
    /** Every item of `spec.addresses`, readable or not; `unknownValue` when the list is not known yet. */
    written: WrittenAddresses | UnknownValue;
    /** `spec.autoAssign`, true unless set to false. */
    autoAssign: boolean | UnknownValue;
    description: string;
}

export interface PoolAddress {
    pool: AddressPool;
    entry: PoolEntry;
}

function readWritten(spec: PlainValue | undefined): WrittenAddresses | UnknownValue {
    if (isUnknown(spec)) {
        return spec;
    }
    const addresses = isRecord(spec) ? spec.addresses : undefined;
    if (isUnknown(addresses)) {
        return addresses;
    }
    if (addresses === undefined || addresses === null) {
        return { absent: "missing" };
    }
    if (!Array.isArray(addresses)) {
        return { absent: "not-a-list", value: addresses };
    }
    return {
        items: addresses.map((value, index) =>
            typeof value === "string" ? { index, value, reading: readPoolEntry(value) } : { index, value },
        ),
    };
}

function readPool(object: KubernetesObject): AddressPool {
    const spec = recordAt(object.body, "spec");
    const written = readWritten(object.body.spec);
    let entries: PoolEntry[] | UnknownValue;
    if (isUnknown(written)) {
        entries = written;
    } else if ("absent" in written) {
        entries = [];
    } else {
        const unknownItem = written.items.find((item) => isUnknown(item.value));
        // Entries MetalLB rejects or reads nothing from name no addresses; other policies report them.
        entries = unknownItem
            ? (unknownItem.value as UnknownValue)
            : written.items.flatMap(({ index, value, reading }) =>
                  reading?.accepted && reading.range
                      ? [{ text: value as string, index, range: reading.range, reading }]
                      : [],
              );
    }
    const autoAssign = isRecord(spec) ? spec.autoAssign : spec;
    return {
        object,
        name: isUnknown(object.name) ? "(unknown)" : object.name,
        namespace: object.namespace,
        entries,
        written,
        autoAssign: isUnknown(autoAssign) ? autoAssign : autoAssign !== false,
        get description() {
            return describe(object);
        },
    };
}

export function readPools(objects: KubernetesObject[]): AddressPool[] {
    return objects.map(readPool);
}

/** The pool's other entries that read addresses: what it keeps if `index` is removed. */
export function otherReadableEntries(pool: AddressPool, index: number): PoolEntry[] {
    return isUnknown(pool.entries) ? [] : pool.entries.filter((entry) => entry.index !== index);
}

/** An entry as messages show it: as written, and what MetalLB reads when that differs. */
export function entryAsRead(entry: PoolEntry): string {
    const differs = entry.reading.differences.length > 0;
    return differs ? `${entry.text} (read by MetalLB as ${entry.reading.readAs})` : entry.text;
}

/**
 * A change to the stack's pools that a violation suggests, exact enough to apply (the tests apply
 * them): the result is always a configuration MetalLB accepts, and never leaves a pool empty.
 */
export type PoolFix =
    /** Replace `spec.addresses[index]` with these entries; none removes it (only when the pool keeps others). */
    | { kind: "replace-entry"; pool: AddressPool; index: number; entries: string[] }
    | { kind: "set-addresses"; pool: AddressPool; addresses: string[] }
    | { kind: "delete-pool"; pool: AddressPool }
    | { kind: "rename-pool"; pool: AddressPool; name: string }
    | { kind: "stop-auto-assign"; pool: AddressPool };

/** One violation about pools: its message, the pool it is reported on, and the change it suggests. */
export interface PoolFinding {
    pool: AddressPool;
    message: string;
    fix?: PoolFix;
}

/** Every known pool address range, labelled with its pool, for containment and overlap queries. */
export function poolAddresses(pools: AddressPool[]): LabelledRange<PoolAddress>[] {
    const ranges: LabelledRange<PoolAddress>[] = [];
    for (const pool of pools) {
        if (!isUnknown(pool.entries)) {
            for (const entry of pool.entries) {
                ranges.push({ range: entry.range, label: { pool, entry } });
            }
        }
    }
    return ranges;
}

export function poolIndex(pools: AddressPool[]): RangeIndex<PoolAddress> {
    return new RangeIndex(poolAddresses(pools));
}

/** `192.168.1.200-192.168.1.248, 192.168.1.250/32`: a pool's addresses as MetalLB entries. */
export function formatRanges(ranges: IpRange[]): string {
    return ranges.map(formatAddressRange).join(", ");
}

export interface Advertisement {
    object: KubernetesObject;
    namespace: string | UnknownValue;
    /** `spec.ipAddressPools`. */
    poolNames: string[] | UnknownValue;
    /** `spec.ipAddressPoolSelectors`. */
    poolSelectors: LabelSelector[] | UnknownValue;
}

export function readAdvertisements(objects: KubernetesObject[]): Advertisement[] {
    return objects.map((object) => {
        const spec = recordAt(object.body, "spec");
        const names = arrayAt(spec, "ipAddressPools");
        const selectors = arrayAt(spec, "ipAddressPoolSelectors");
        let poolSelectors: LabelSelector[] | UnknownValue = [];
        if (isUnknown(selectors)) {
            poolSelectors = selectors;
        } else {
            for (const selector of selectors) {
                const read = readSelector(selector);
                if (isUnknown(read)) {
                    poolSelectors = read;
                    break;
                }
                poolSelectors.push(read);
            }
        }
        return {
            object,
            namespace: object.namespace,
            poolNames:
                isUnknown(names) || names.some(isUnknown)
                    ? isUnknown(names)
                        ? names
                        : (names.find(isUnknown) as UnknownValue)
                    : names.filter((name): name is string => typeof name === "string"),
            poolSelectors,
        };
    });
}

export {
    currentAnnotationPrefix,
    deprecatedAnnotationPrefix,
    metallbAnnotations,
} from "../../lib/metallb/annotations";
