// IP addresses and CIDRs: parsing and formatting.
//
// Addresses are held as bigints so IPv4 and IPv6 share one code path. A range is always a closed
// interval [first, last] of one family. MetalLB's pool entries (`10.0.0.0/24`, `10.0.0.1-10.0.0.9`)
// are read by lib/metallb/poolEntry.ts, which follows MetalLB's own parser; the parsers here are
// for the stack's own settings, the pack's config and addresses found in text.

export type IpFamily = 4 | 6;

export interface IpAddress {
    family: IpFamily;
    value: bigint;
}

export interface IpRange {
    family: IpFamily;
    first: bigint;
    last: bigint;
}

export interface Cidr extends IpRange {
    prefixLength: number;
}

/** The width of an address of each family, in bits. */
export const familyBits: Record<IpFamily, number> = { 4: 32, 6: 128 };

function parseIpv4(text: string): bigint | undefined {
    const parts = text.split(".");
    if (parts.length !== 4) {
        return undefined;
    }
    let value = 0n;
    for (const part of parts) {
        // Leading zeros are rejected: some resolvers read them as octal.
        if (!/^(0|[1-9][0-9]{0,2})$/.test(part) || Number(part) > 255) {
            return undefined;
        }
        value = (value << 8n) | BigInt(part);
    }
    return value;
}

function parseIpv6(text: string): bigint | undefined {
    if (text.length === 0 || text.includes(":::")) {
        return undefined;
    }
    const halves = text.split("::");
    if (halves.length > 2) {
        return undefined;
    }
    const groupsOf = (half: string): string[] | undefined => {
        if (half === "") {
            return [];
        }
        const groups = half.split(":");
        const last = groups[groups.length - 1];
        // An embedded IPv4 tail (::ffff:192.168.1.1) counts as two groups.
        if (last.includes(".")) {
            const v4 = parseIpv4(last);
            if (v4 === undefined) {
                return undefined;
            }
            groups.splice(groups.length - 1, 1, (v4 >> 16n).toString(16), (v4 & 0xffffn).toString(16));
        }
        return groups.every((group) => /^[0-9a-fA-F]{1,4}$/.test(group)) ? groups : undefined;
    };
    const head = groupsOf(halves[0]);
    const tail = halves.length === 2 ? groupsOf(halves[1]) : [];
    if (head === undefined || tail === undefined) {
        return undefined;
    }
    if (halves.length === 1 && head.length !== 8) {
        return undefined;
    }
    if (halves.length === 2 && head.length + tail.length > 7) {
        return undefined;
    }
    const zeros = Array(8 - head.length - tail.length).fill("0");
    return [...head, ...zeros, ...tail].reduce((value, group) => (value << 16n) | BigInt(`0x${group}`), 0n);
}

/** Parses a bare IPv4 or IPv6 address; returns undefined for anything else. */
export function parseIp(text: string): IpAddress | undefined {
    const trimmed = text.trim();
    if (trimmed.includes(":")) {
        const value = parseIpv6(trimmed);
        return value === undefined ? undefined : { family: 6, value };
    }
    const value = parseIpv4(trimmed);
    return value === undefined ? undefined : { family: 4, value };
}

export function formatIp(family: IpFamily, value: bigint): string {
    if (family === 4) {
        return [24n, 16n, 8n, 0n].map((shift) => ((value >> shift) & 0xffn).toString()).join(".");
    }
    const groups: string[] = [];
    for (let shift = 112n; shift >= 0n; shift -= 16n) {
        groups.push(((value >> shift) & 0xffffn).toString(16));
    }
    // RFC 5952: compress the longest run (of two or more) of zero groups.
    let bestStart = -1;
    let bestLength = 0;
    for (let start = 0; start < groups.length; ) {
        if (groups[start] !== "0") {
            start++;
            continue;
        }
        let end = start;
        while (end < groups.length && groups[end] === "0") {
            end++;
        }
        if (end - start > bestLength && end - start >= 2) {
            bestStart = start;
            bestLength = end - start;
        }
        start = end;
    }
    if (bestStart < 0) {
        return groups.join(":");
    }
    return `${groups.slice(0, bestStart).join(":")}::${groups.slice(bestStart + bestLength).join(":")}`;
}

/** Parses `address/prefix`. The address must be the network address (no host bits set). */
export function parseCidr(text: string): Cidr | undefined {
    const match = /^([^/\s]+)\/([0-9]{1,3})$/.exec(text.trim());
    if (!match) {
        return undefined;
    }
    const address = parseIp(match[1]);
    const prefixLength = Number(match[2]);
    if (!address || prefixLength > familyBits[address.family] || String(prefixLength) !== match[2]) {
        return undefined;
    }
    const hostBits = BigInt(familyBits[address.family] - prefixLength);
    const hostMask = (1n << hostBits) - 1n;
    if ((address.value & hostMask) !== 0n) {
        return undefined;
    }
    return { family: address.family, first: address.value, last: address.value | hostMask, prefixLength };
}

/** The range that holds one address and nothing else. */
export function singleAddressRange(address: IpAddress): IpRange {
    return { family: address.family, first: address.value, last: address.value };
}

/** An address or a CIDR, as the range it covers; undefined when the text is neither. */
export function parseAddressOrCidr(text: string): IpRange | undefined {
    const cidr = parseCidr(text);
    if (cidr) {
        return cidr;
    }
    const address = parseIp(text);
    return address && singleAddressRange(address);
}
