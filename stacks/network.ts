// IP address, CIDR and address-range arithmetic shared by the stack and the policy pack.
//
// Addresses are held as bigints so IPv4 and IPv6 share one code path. A range is always a closed
// interval [first, last] of one family. MetalLB's pool entries (`10.0.0.0/24`, `10.0.0.1-10.0.0.9`)
// are read into ranges by stacks/metallbAddresses.ts, which follows MetalLB's own parser; the
// parsers here are for the stack's own settings and for addresses found in text. This module has
// no Pulumi import on purpose.

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

const bitsOf: Record<IpFamily, number> = { 4: 32, 6: 128 };

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
    if (!address || prefixLength > bitsOf[address.family] || String(prefixLength) !== match[2]) {
        return undefined;
    }
    const hostBits = BigInt(bitsOf[address.family] - prefixLength);
    const hostMask = (1n << hostBits) - 1n;
    if ((address.value & hostMask) !== 0n) {
        return undefined;
    }
    return { family: address.family, first: address.value, last: address.value | hostMask, prefixLength };
}

export function rangeSize(range: IpRange): bigint {
    return range.last - range.first + 1n;
}

export function rangeContains(range: IpRange, address: IpAddress): boolean {
    return range.family === address.family && range.first <= address.value && address.value <= range.last;
}

export function rangeCovers(outer: IpRange, inner: IpRange): boolean {
    return outer.family === inner.family && outer.first <= inner.first && inner.last <= outer.last;
}

export function rangesOverlap(a: IpRange, b: IpRange): boolean {
    return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

/** The addresses two ranges share, or undefined when they do not overlap. */
export function rangeIntersection(a: IpRange, b: IpRange): IpRange | undefined {
    if (!rangesOverlap(a, b)) {
        return undefined;
    }
    return {
        family: a.family,
        first: a.first > b.first ? a.first : b.first,
        last: a.last < b.last ? a.last : b.last,
    };
}

/** The prefix length if the range is exactly one CIDR block, else undefined. */
function exactPrefixLength(range: IpRange): number | undefined {
    const size = rangeSize(range);
    if ((size & (size - 1n)) !== 0n || range.first % size !== 0n) {
        return undefined;
    }
    return bitsOf[range.family] - (size.toString(2).length - 1);
}

/** Formats a range the way a person writes it: CIDR when it is one block (a single IP is /32), else start-end. */
export function formatAddressRange(range: IpRange): string {
    const prefixLength = exactPrefixLength(range);
    if (prefixLength !== undefined) {
        return `${formatIp(range.family, range.first)}/${prefixLength}`;
    }
    return `${formatIp(range.family, range.first)}-${formatIp(range.family, range.last)}`;
}

/** The smallest list of CIDR blocks that covers exactly the range (for NetworkPolicy ipBlocks). */
export function rangeToCidrs(range: IpRange): string[] {
    const bits = bitsOf[range.family];
    const blocks: string[] = [];
    let start = range.first;
    while (start <= range.last) {
        let size = start === 0n ? 1n << BigInt(bits) : start & -start;
        while (start + size - 1n > range.last) {
            size >>= 1n;
        }
        blocks.push(formatAddressRange({ family: range.family, first: start, last: start + size - 1n }));
        start += size;
    }
    return blocks;
}

/**
 * Removes the given addresses from a range and returns what is left, in address order.
 * This is how a general pool is split around reserved IPs.
 */
export function subtractAddresses(range: IpRange, removed: IpAddress[]): IpRange[] {
    const holes = [
        ...new Set(removed.filter((address) => rangeContains(range, address)).map((a) => a.value)),
    ];
    holes.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const pieces: IpRange[] = [];
    let next = range.first;
    for (const hole of holes) {
        if (hole > next) {
            pieces.push({ family: range.family, first: next, last: hole - 1n });
        }
        next = hole + 1n;
    }
    if (next <= range.last) {
        pieces.push({ family: range.family, first: next, last: range.last });
    }
    return pieces;
}

/** What is left of a range once another range is taken out of it: zero, one or two pieces, in order. */
export function subtractRange(range: IpRange, removed: IpRange): IpRange[] {
    const shared = rangeIntersection(range, removed);
    if (!shared) {
        return [range];
    }
    const pieces: IpRange[] = [];
    if (range.first < shared.first) {
        pieces.push({ family: range.family, first: range.first, last: shared.first - 1n });
    }
    if (shared.last < range.last) {
        pieces.push({ family: range.family, first: shared.last + 1n, last: range.last });
    }
    return pieces;
}

export interface LabelledRange<T> {
    range: IpRange;
    label: T;
}

export interface RangeOverlap<T> {
    earlier: LabelledRange<T>;
    later: LabelledRange<T>;
}

function compareRanges(a: IpRange, b: IpRange): number {
    if (a.family !== b.family) {
        return a.family - b.family;
    }
    if (a.first !== b.first) {
        return a.first < b.first ? -1 : 1;
    }
    return a.last < b.last ? -1 : a.last > b.last ? 1 : 0;
}

/**
 * Finds overlapping ranges in O(n log n): sort by start, sweep, and compare each range with the
 * one reaching furthest so far. Every range that overlaps an earlier one is reported once, paired
 * with the earlier range that reaches furthest, which is enough to name the conflict.
 */
export function findOverlaps<T>(ranges: LabelledRange<T>[]): RangeOverlap<T>[] {
    const sorted = [...ranges].sort((a, b) => compareRanges(a.range, b.range));
    const overlaps: RangeOverlap<T>[] = [];
    let reach: LabelledRange<T> | undefined;
    for (const current of sorted) {
        if (reach && rangesOverlap(reach.range, current.range)) {
            overlaps.push({ earlier: reach, later: current });
        }
        if (!reach || reach.range.family !== current.range.family || current.range.last > reach.range.last) {
            reach = current;
        }
    }
    return overlaps;
}

/**
 * Answers "which ranges contain this address" in O(log n + matches) after an O(n log n) build.
 * Ranges may overlap; a running maximum of range ends bounds the backward scan.
 */
export class RangeIndex<T> {
    private readonly sorted: LabelledRange<T>[];
    private readonly furthestEnd: bigint[];

    constructor(ranges: LabelledRange<T>[]) {
        this.sorted = [...ranges].sort((a, b) => compareRanges(a.range, b.range));
        this.furthestEnd = [];
        let furthest = -1n;
        let family: IpFamily | undefined;
        for (const entry of this.sorted) {
            if (entry.range.family !== family) {
                family = entry.range.family;
                furthest = -1n;
            }
            furthest = entry.range.last > furthest ? entry.range.last : furthest;
            this.furthestEnd.push(furthest);
        }
    }

    containing(address: IpAddress): LabelledRange<T>[] {
        return this.overlapping({ family: address.family, first: address.value, last: address.value });
    }

    /** Every range that shares at least one address with `range`, in O(log n + matches). */
    overlapping(range: IpRange): LabelledRange<T>[] {
        // Binary search for the last range that starts at or before the end of the query.
        let low = 0;
        let high = this.sorted.length - 1;
        let found = -1;
        while (low <= high) {
            const middle = (low + high) >> 1;
            const candidate = this.sorted[middle].range;
            if (
                candidate.family < range.family ||
                (candidate.family === range.family && candidate.first <= range.last)
            ) {
                found = middle;
                low = middle + 1;
            } else {
                high = middle - 1;
            }
        }
        const matches: LabelledRange<T>[] = [];
        for (let index = found; index >= 0; index--) {
            const entry = this.sorted[index];
            if (entry.range.family !== range.family || this.furthestEnd[index] < range.first) {
                break;
            }
            if (rangesOverlap(entry.range, range)) {
                matches.push(entry);
            }
        }
        return matches.reverse();
    }
}

const privateRanges = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7"].map(
    (text) => parseCidr(text) as Cidr,
);

/** RFC 1918, shared address space (CGNAT) and IPv6 unique local addresses. */
export function isPrivateAddress(address: IpAddress): boolean {
    return privateRanges.some((range) => rangeContains(range, address));
}

/**
 * Finds IP-literal hosts in URL-like text: `http://192.168.1.203:5000`, `tcp://[fd00::1]:80`,
 * `192.168.1.203:5000`. Returns each address once.
 */
export function findAddressesInText(text: string): IpAddress[] {
    const found = new Map<string, IpAddress>();
    const patterns = [/\[([0-9a-fA-F:.]+)\]/g, /(?<![0-9A-Za-z.])((?:[0-9]{1,3}\.){3}[0-9]{1,3})(?![0-9.])/g];
    for (const pattern of patterns) {
        for (const match of text.matchAll(pattern)) {
            const address = parseIp(match[1]);
            if (address) {
                found.set(`${address.family}:${address.value}`, address);
            }
        }
    }
    return [...found.values()];
}

/**
 * How an address is written in a piece of text: as the host of a URL (`http://10.0.0.1:80`), as
 * `host:port`, on its own, or as part of a network (`10.0.0.0/8`, `10.0.0.1-10.0.0.9`), which names
 * addresses rather than pointing at one.
 */
export type AddressMentionForm = "url" | "host-port" | "bare" | "network";

export interface AddressMention {
    address: IpAddress;
    form: AddressMentionForm;
    /** The mention as written: `http://192.168.1.203:5000` (scheme, host, port; no credentials, no path), `10.0.0.1:80`, `10.0.0.1`. */
    text: string;
    /** The host as written inside `text`: `192.168.1.203` or `[fd00::1]`. */
    host: string;
}

const ipv4Candidate = /(?<![0-9A-Za-z.])((?:[0-9]{1,3}\.){3}[0-9]{1,3})(?![0-9.])/g;
const bracketedIpv6Candidate = /\[([0-9a-fA-F:.]+)\]/g;
const urlPrefix = /([A-Za-z][A-Za-z0-9+.-]*:\/\/)(?:[^\s/@'"]*@)?$/;
const portSuffix = /^:[0-9]{1,5}(?![0-9])/;
const ipv4RangeNeighbour = /^\s*-\s*(?:[0-9]{1,3}\.){3}[0-9]{1,3}(?![0-9.])/;
const ipv4RangeNeighbourBefore = /(?<![0-9.])(?:[0-9]{1,3}\.){3}[0-9]{1,3}\s*-\s*$/;

/**
 * Finds every IP address written in a piece of text (an env value, a ConfigMap entry) and says how
 * it is written, in text order. IPv6 is recognised in brackets (`http://[fd00::1]:80`) or when the
 * whole text is one address.
 */
export function findAddressMentions(text: string): AddressMention[] {
    const whole = parseIp(text);
    if (whole) {
        return [{ address: whole, form: "bare", text: text.trim(), host: text.trim() }];
    }
    const mentions: { index: number; mention: AddressMention }[] = [];
    const classify = (index: number, host: string, address: IpAddress): void => {
        // Only the neighbourhood matters; a bounded look-behind keeps long texts linear.
        const before = text.slice(Math.max(0, index - 256), index);
        const after = text.slice(index + host.length, index + host.length + 64);
        if (
            address.family === 4 &&
            (/^\/[0-9]/.test(after) ||
                ipv4RangeNeighbour.test(after) ||
                ipv4RangeNeighbourBefore.test(before))
        ) {
            mentions.push({ index, mention: { address, form: "network", text: host, host } });
            return;
        }
        const port = portSuffix.exec(after)?.[0] ?? "";
        const scheme = urlPrefix.exec(before);
        if (scheme) {
            // Credentials in the URL stay out of the mention: it ends up in messages.
            mentions.push({
                index,
                mention: { address, form: "url", text: `${scheme[1]}${host}${port}`, host },
            });
        } else {
            mentions.push({
                index,
                mention: { address, form: port ? "host-port" : "bare", text: `${host}${port}`, host },
            });
        }
    };
    const bracketed: [number, number][] = [];
    for (const match of text.matchAll(bracketedIpv6Candidate)) {
        const address = parseIp(match[1]);
        if (address?.family === 6) {
            bracketed.push([match.index, match.index + match[0].length]);
            classify(match.index, match[0], address);
        }
    }
    for (const match of text.matchAll(ipv4Candidate)) {
        const address = parseIp(match[1]);
        // An IPv4 tail inside a bracketed IPv6 address (`[::ffff:10.0.0.1]`) is part of that address.
        if (address && !bracketed.some(([start, end]) => start < match.index && match.index < end)) {
            classify(match.index, match[1], address);
        }
    }
    return mentions.sort((a, b) => a.index - b.index).map((entry) => entry.mention);
}
