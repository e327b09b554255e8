// Overlap and containment queries over many labelled ranges, in O(n log n): what the policies
// use to compare every pool entry and address of a stack without comparing all pairs.

import { IpAddress, IpFamily, IpRange, singleAddressRange } from "./ip";
import { rangesOverlap } from "./ranges";

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
        return this.overlapping(singleAddressRange(address));
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
