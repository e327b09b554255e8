import { StackValidationPolicy } from "@pulumi/policy";
import { metallbEntriesOverlap } from "../../lib/metallb/poolEntry";
import { findOverlaps } from "../../lib/addresses/rangeIndex";
import { formatAddressRange, rangeIntersection, rangeSize, subtractRange } from "../../lib/addresses/ranges";
import { collectObjects, kinds, objectsOf } from "../support/kubernetes";
import {
    AddressPool,
    entryAsRead,
    formatRanges,
    otherReadableEntries,
    PoolAddress,
    poolAddresses,
    PoolFinding,
    PoolFix,
    readPools,
} from "../support/metallb";

/** The subject of a message: `address X overlaps` or `address X is read by MetalLB as Y, which overlaps`. */
function overlapSubject({ entry }: PoolAddress): string {
    return entry.reading.differences.length > 0
        ? `address ${entry.text} is read by MetalLB as ${entry.reading.readAs}, which overlaps`
        : `address ${entry.text} overlaps`;
}

/**
 * Takes the shared addresses out of one entry, the larger first (that is the general pool a
 * reservation was cut from), but never empties a pool: an entry left with nothing is removed only
 * if its pool keeps other addresses. Two pools that hold exactly the same addresses and nothing
 * else lose one pool, preferably the auto-assign one.
 */
function crossPoolFix(first: PoolAddress, second: PoolAddress): { text: string; fix: PoolFix } {
    const [larger, smaller] =
        rangeSize(first.entry.range) >= rangeSize(second.entry.range) ? [first, second] : [second, first];
    for (const [shrunk, kept] of [
        [larger, smaller],
        [smaller, larger],
    ]) {
        const rest = subtractRange(shrunk.entry.range, kept.entry.range);
        if (rest.length === 0 && otherReadableEntries(shrunk.pool, shrunk.entry.index).length === 0) {
            continue;
        }
        const fix: PoolFix = {
            kind: "replace-entry",
            pool: shrunk.pool,
            index: shrunk.entry.index,
            entries: rest.map(formatAddressRange),
        };
        const text =
            rest.length === 0
                ? `Take the shared addresses out of one pool: remove ${shrunk.entry.text} from ${shrunk.pool.name}.`
                : `Take the shared addresses out of one pool: in ${shrunk.pool.name}, replace ${shrunk.entry.text} ` +
                  `with ${formatRanges(rest)}.`;
        return { text, fix };
    }
    const autoAssigned = (pool: AddressPool) => pool.autoAssign === true;
    const dropped = autoAssigned(first.pool) && !autoAssigned(second.pool) ? first.pool : second.pool;
    return {
        text:
            `Both pools hold exactly these addresses and nothing else: delete ${dropped.name}, ` +
            "or give it other addresses.",
        fix: { kind: "delete-pool", pool: dropped },
    };
}

/**
 * Every overlap between pool entries, as MetalLB reads them (`192.168.1.249/29` is
 * 192.168.1.248/29), in one sorted sweep, each with a fix that leaves every pool valid.
 */
export function findPoolOverlaps(pools: AddressPool[]): PoolFinding[] {
    const findings: PoolFinding[] = [];
    for (const { earlier, later } of findOverlaps(poolAddresses(pools))) {
        // The message is about the later entry, unless only the earlier one is read otherwise than
        // written: that one is the likely mistake, and its pool gets the violation.
        const misread = (label: PoolAddress) => label.entry.reading.differences.length > 0;
        const [first, second] =
            misread(earlier.label) && !misread(later.label)
                ? [later.label, earlier.label]
                : [earlier.label, later.label];
        const shared = formatAddressRange(rangeIntersection(earlier.range, later.range)!);
        if (first.pool === second.pool) {
            const rest = subtractRange(second.entry.range, first.entry.range);
            const fixText =
                rest.length === 0
                    ? `drop ${second.entry.text}`
                    : `replace ${second.entry.text} with ${formatRanges(rest)}`;
            findings.push({
                pool: second.pool,
                message:
                    `${second.pool.description} lists overlapping addresses ${entryAsRead(first.entry)} and ` +
                    `${entryAsRead(second.entry)} (shared: ${shared}): MetalLB's webhook rejects the pool. List each ` +
                    `address once: ${fixText}.`,
                fix: {
                    kind: "replace-entry",
                    pool: second.pool,
                    index: second.entry.index,
                    entries: rest.map(formatAddressRange),
                },
            });
            continue;
        }
        const consequence = metallbEntriesOverlap(first.entry.reading, second.entry.reading)
            ? "MetalLB's webhook rejects overlapping pools."
            : "MetalLB's webhook misses this overlap (it compares the prefix length of an IPv4-mapped IPv6 CIDR with " +
              "IPv4 ones), but MetalLB hands out addresses by their IPv4 form, so one address could go to Services " +
              "of both pools.";
        const { text, fix } = crossPoolFix(first, second);
        findings.push({
            pool: second.pool,
            message:
                `${second.pool.description} ${overlapSubject(second)} ${first.pool.description} address ` +
                `${entryAsRead(first.entry)} (shared: ${shared}): ${consequence} ${text}`,
            fix,
        });
    }
    return findings;
}

/**
 * metallb-pools-do-not-overlap (mandatory, severity high)
 *
 * MetalLB's webhook rejects an IPAddressPool that shares an address with another pool (or lists one
 * address twice), so the update fails halfway. Reserving an address by adding a dedicated pool
 * next to a general pool that still holds it is exactly this mistake; the fix is to split the
 * general pool. Entries are compared as MetalLB reads them (a CIDR with host bits is its whole
 * block), CIDR and start-end forms, IPv4 and IPv6, in one sorted sweep. Overlaps MetalLB's own
 * check misses (IPv4-mapped CIDRs against IPv4 ones) are reported too: its allocator would still
 * hand one address out of two pools.
 */
export const metallbPoolsDoNotOverlap: StackValidationPolicy = {
    name: "metallb-pools-do-not-overlap",
    description: "MetalLB IPAddressPools must not share addresses.",
    enforcementLevel: "mandatory",
    severity: "high",
    validateStack: (args, reportViolation) => {
        const pools = readPools(
            objectsOf(collectObjects(args.resources, [kinds.ipAddressPool]), kinds.ipAddressPool),
        );
        for (const finding of findPoolOverlaps(pools)) {
            reportViolation(finding.message, finding.pool.object.resource.urn);
        }
    },
};
