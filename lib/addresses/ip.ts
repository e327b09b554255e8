// IP addresses and CIDRs: parsing and formatting.
//
// Addresses are held as bigints so IPv4 and IPv6 share one code path. A range is always a closed
// interval [first, last] of one family. MetalLB's pool entries (`10.0.0.0/24`, `10.0.0.1-10.0.0.9`)
// are read by lib/metallb/poolEntry.ts with the address parser here, which follows Go's, as
// MetalLB's does; the stack's own settings, the pack's config and addresses found in text are read
// with it too.

import { goQuote, goSpaces, quoteForPerson } from "./goText";

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

export interface ParsedAddress {
    /** As written: 4 for dotted IPv4, 6 for anything with a colon (IPv4-mapped included). */
    written: IpFamily;
    /** The address in its written width (128 bits for `::ffff:10.0.0.1`). */
    raw: bigint;
}

export type AddressParse = { address: ParsedAddress } | { problem: string };

function unexpected(text: string, index: number): string {
    const character = String.fromCodePoint(text.codePointAt(index)!);
    return goSpaces.has(character.charCodeAt(0))
        ? `it has whitespace (${goQuote(character)}) inside`
        : `it has an unexpected character ${goQuote(character)}`;
}

/** netip's parseIPv4Fields: four decimal octets, no leading zeros, none above 255. */
function parseIpv4(text: string): { value: bigint } | { problem: string } {
    let value = 0n;
    let octet = 0;
    let digits = 0;
    let dots = 0;
    for (let index = 0; index < text.length; index++) {
        const code = text.charCodeAt(index);
        if (code >= 0x30 && code <= 0x39) {
            if (digits === 1 && octet === 0) {
                return {
                    problem:
                        "an octet has a leading zero, which MetalLB refuses (some tools read 010 as octal)",
                };
            }
            octet = octet * 10 + code - 0x30;
            digits++;
            if (octet > 255) {
                return { problem: "an octet is above 255" };
            }
        } else if (code === 0x2e) {
            if (index === 0 || index === text.length - 1 || text.charCodeAt(index - 1) === 0x2e) {
                return { problem: "it has an empty octet" };
            }
            if (dots === 3) {
                return { problem: "it has more than four octets" };
            }
            value = (value << 8n) | BigInt(octet);
            dots++;
            octet = 0;
            digits = 0;
        } else {
            return { problem: unexpected(text, index) };
        }
    }
    if (dots < 3) {
        return { problem: "it has fewer than four octets" };
    }
    return { value: (value << 8n) | BigInt(octet) };
}

function hexDigit(code: number): number {
    if (code >= 0x30 && code <= 0x39) {
        return code - 0x30;
    }
    const lower = code | 0x20;
    return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

/** netip's parseIPv6 (groups of at most four hex digits, one `::`, a dotted IPv4 tail), zones refused as net.ParseIP does. */
function parseIpv6(text: string): AddressParse {
    const zone = text.indexOf("%");
    if (zone >= 0) {
        return {
            problem: `it has a zone (${quoteForPerson(text.slice(zone))}), which MetalLB does not accept`,
        };
    }
    const groups: bigint[] = [];
    let ellipsisAt = -1;
    let index = 0;
    if (text.startsWith("::")) {
        ellipsisAt = 0;
        index = 2;
    }
    while (index < text.length) {
        let end = index;
        let group = 0;
        for (; end < text.length && hexDigit(text.charCodeAt(end)) >= 0; end++) {
            if (end - index === 4) {
                return { problem: "a group has more than four hex digits" };
            }
            group = group * 16 + hexDigit(text.charCodeAt(end));
        }
        if (end === index) {
            return {
                problem:
                    text[index] === ":" || text[index] === "."
                        ? "it has an empty group"
                        : unexpected(text, index),
            };
        }
        if (text[end] === ".") {
            if (ellipsisAt < 0 && groups.length !== 6) {
                return { problem: "an embedded IPv4 address must take the place of the last two groups" };
            }
            if (groups.length > 6) {
                return { problem: "it has more than eight groups" };
            }
            const tail = parseIpv4(text.slice(index));
            if ("problem" in tail) {
                return { problem: `its IPv4 part ${quoteForPerson(text.slice(index))}: ${tail.problem}` };
            }
            groups.push(tail.value >> 16n, tail.value & 0xffffn);
            index = text.length;
            break;
        }
        groups.push(BigInt(group));
        index = end;
        if (index === text.length) {
            break;
        }
        if (text[index] !== ":") {
            return { problem: unexpected(text, index) };
        }
        if (index + 1 === text.length) {
            return { problem: "it ends with a single colon" };
        }
        index++;
        if (text[index] === ":") {
            if (ellipsisAt >= 0) {
                return { problem: "it has more than one ::" };
            }
            ellipsisAt = groups.length;
            index++;
        }
        if (groups.length === 8) {
            return { problem: "it has more than eight groups" };
        }
    }
    if (groups.length < 8) {
        if (ellipsisAt < 0) {
            return { problem: "it has fewer than eight groups and no ::" };
        }
        groups.splice(ellipsisAt, 0, ...Array<bigint>(8 - groups.length).fill(0n));
    } else if (ellipsisAt >= 0) {
        return { problem: "its :: stands for no group (a :: replaces at least one group of zeros)" };
    }
    return { address: { written: 6, raw: groups.reduce((value, group) => (value << 16n) | group, 0n) } };
}

/**
 * Go's netip.ParseAddr as net.ParseIP uses it (zones refused): the first `.` or `:` decides the
 * family; what it refuses comes with the reason. MetalLB parses its pool entries so, and so does
 * every other address the stack reads.
 */
export function readIp(text: string): AddressParse {
    for (let index = 0; index < text.length; index++) {
        const character = text[index];
        if (character === ".") {
            const parsed = parseIpv4(text);
            return "problem" in parsed ? parsed : { address: { written: 4, raw: parsed.value } };
        }
        if (character === ":") {
            return parseIpv6(text);
        }
        if (character === "%") {
            break;
        }
    }
    return { problem: text === "" ? "it is empty" : "it is neither an IPv4 nor an IPv6 address" };
}

/** Parses a bare IPv4 or IPv6 address (surrounding whitespace trimmed); undefined for anything else. */
export function parseIp(text: string): IpAddress | undefined {
    const parsed = readIp(text.trim());
    return "problem" in parsed ? undefined : { family: parsed.address.written, value: parsed.address.raw };
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
