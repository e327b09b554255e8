// MetalLB's address pools and advertisements (metallb.io/v1beta1), read from the stack.

import {
    formatAddressRange,
    IpRange,
    LabelledRange,
    parseAddressRange,
    RangeIndex,
} from "../../stacks/network";
import { describe, KubernetesObject, LabelSelector, readSelector } from "./kubernetes";
import { arrayAt, isRecord, isUnknown, recordAt, UnknownValue } from "./plainValues";

export interface PoolEntry {
    /** The `addresses` entry as written: `192.168.1.200-192.168.1.250` or `192.168.1.249/32`. */
    text: string;
    range: IpRange;
}

export interface AddressPool {
    object: KubernetesObject;
    /** `metadata.name`; `(unknown)` when not known during preview. */
    name: string;
    namespace: string | UnknownValue;
    /** Parsed `addresses`; `unknownValue` when the list (or an entry) is not known yet. */
    entries: PoolEntry[] | UnknownValue;
    /** `spec.autoAssign`, true unless set to false. */
    autoAssign: boolean | UnknownValue;
    description: string;
}

export interface PoolAddress {
    pool: AddressPool;
    entry: PoolEntry;
}

export function readPools(objects: KubernetesObject[]): AddressPool[] {
    return objects.map((object) => {
        const spec = recordAt(object.body, "spec");
        const addresses = arrayAt(spec, "addresses");
        let entries: PoolEntry[] | UnknownValue;
        if (isUnknown(addresses) || addresses.some(isUnknown)) {
            entries = isUnknown(addresses) ? addresses : (addresses.find(isUnknown) as UnknownValue);
        } else {
            // Entries MetalLB's webhook would reject (not a CIDR or start-end range) name no addresses.
            entries = addresses
                .filter((text): text is string => typeof text === "string")
                .map((text) => ({ text, range: parseAddressRange(text.trim()) }))
                .filter((entry): entry is PoolEntry => entry.range !== undefined);
        }
        const autoAssign = isRecord(spec) ? spec.autoAssign : spec;
        return {
            object,
            name: isUnknown(object.name) ? "(unknown)" : object.name,
            namespace: object.namespace,
            entries,
            autoAssign: isUnknown(autoAssign) ? autoAssign : autoAssign !== false,
            description: describe(object),
        };
    });
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

/** The MetalLB annotations a Service uses, current spelling first. */
export const metallbAnnotations = {
    loadBalancerIps: ["metallb.io/loadBalancerIPs", "metallb.universe.tf/loadBalancerIPs"],
    addressPool: ["metallb.io/address-pool", "metallb.universe.tf/address-pool"],
    allowSharedIp: ["metallb.io/allow-shared-ip", "metallb.universe.tf/allow-shared-ip"],
};

export const deprecatedAnnotationPrefix = "metallb.universe.tf/";
export const currentAnnotationPrefix = "metallb.io/";
