import { StackValidationPolicy } from "@pulumi/policy";
import {
    findOverlaps,
    formatAddressRange,
    rangeIntersection,
    rangeSize,
    subtractRange,
} from "../../stacks/network";
import { collectObjects, kinds, objectsOf } from "./kubernetes";
import { formatRanges, poolAddresses, readPools } from "./metallb";

/**
 * metallb-pools-do-not-overlap (mandatory, severity high)
 *
 * MetalLB's webhook rejects an IPAddressPool that shares an address with another pool (or lists one
 * address twice), so the update fails halfway. Reserving an address by adding a dedicated pool
 * next to a general pool that still holds it is exactly this mistake; the fix is to split the
 * general pool. Both CIDR and start-end entries, IPv4 and IPv6, are compared in one sorted sweep.
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
        for (const { earlier, later } of findOverlaps(poolAddresses(pools))) {
            const shared = rangeIntersection(earlier.range, later.range)!;
            const first = earlier.label;
            const second = later.label;
            const sharedText = formatAddressRange(shared);
            if (first.pool === second.pool) {
                const rest = subtractRange(second.entry.range, first.entry.range);
                const fix =
                    rest.length === 0
                        ? `drop ${second.entry.text}`
                        : `replace ${second.entry.text} with ${formatRanges(rest)}`;
                reportViolation(
                    `${second.pool.description} lists overlapping addresses ${first.entry.text} and ${second.entry.text} ` +
                        `(shared: ${sharedText}): MetalLB's webhook rejects the pool. List each address once: ${fix}.`,
                    second.pool.object.resource.urn,
                );
                continue;
            }
            // Suggest shrinking the larger entry: that is the general pool the reservation was cut from.
            const [larger, smaller] =
                rangeSize(first.entry.range) >= rangeSize(second.entry.range)
                    ? [first, second]
                    : [second, first];
            const rest = subtractRange(larger.entry.range, smaller.entry.range);
            const fix =
                rest.length === 0
                    ? `remove ${larger.entry.text} from ${larger.pool.name}`
                    : `in ${larger.pool.name}, replace ${larger.entry.text} with ${formatRanges(rest)}`;
            reportViolation(
                `${second.pool.description} address ${second.entry.text} overlaps ${first.pool.description} ` +
                    `address ${first.entry.text} (shared: ${sharedText}): MetalLB's webhook rejects overlapping pools. ` +
                    `Take the shared addresses out of one pool: ${fix}.`,
                second.pool.object.resource.urn,
            );
        }
    },
};
