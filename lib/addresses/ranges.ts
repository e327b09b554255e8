// Arithmetic on address ranges: containment, overlap, intersection, subtraction, and writing a
// range the way a person (and MetalLB) writes it.

import { familyBits, formatIp, IpAddress, IpRange } from "./ip";

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
    return familyBits[range.family] - (size.toString(2).length - 1);
}

/** Formats a range the way a person writes it: CIDR when it is one block (a single IP is /32), else start-end. */
export function formatAddressRange(range: IpRange): string {
    const prefixLength = exactPrefixLength(range);
    if (prefixLength !== undefined) {
        return `${formatIp(range.family, range.first)}/${prefixLength}`;
    }
    return `${formatIp(range.family, range.first)}-${formatIp(range.family, range.last)}`;
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
