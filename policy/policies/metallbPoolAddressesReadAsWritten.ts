import { StackValidationPolicy } from "@pulumi/policy";
import { AcceptedEntry, describeEntryProblem, quoteForPerson } from "../../lib/metallb/poolEntry";
import { formatIp } from "../../lib/addresses/ip";
import { formatAddressRange } from "../../lib/addresses/ranges";
import { collectObjects, kinds, objectsOf } from "../support/kubernetes";
import { AddressPool, otherReadableEntries, PoolFinding, PoolFix, readPools } from "../support/metallb";
import { isUnknown } from "../support/plainValues";

/** For a CIDR with host bits: the range from the written address to the block's end, which may be what was meant. */
function rangeFromWrittenAddress(reading: AcceptedEntry): string | undefined {
    const { address, range } = reading;
    if (!address || !range || address.family !== range.family || address.value === range.first) {
        return undefined;
    }
    const from = formatIp(address.family, address.value);
    const meant = formatAddressRange({ family: range.family, first: address.value, last: range.last });
    return `, or ${meant} if you meant the addresses from ${from}`;
}

function fixFor(pool: AddressPool, index: number, reading: AcceptedEntry): { text: string; fix?: PoolFix } {
    if (reading.readAs !== undefined) {
        const meant = reading.differences.includes("host-bits")
            ? (rangeFromWrittenAddress(reading) ?? "")
            : "";
        return {
            text: `Write ${reading.readAs}${meant}.`,
            fix: { kind: "replace-entry", pool, index, entries: [reading.readAs] },
        };
    }
    const kept = otherReadableEntries(pool, index);
    if (kept.length > 0) {
        return {
            text:
                "Write one start-end range per family, or remove it (the pool keeps " +
                `${kept.map((entry) => entry.text).join(", ")}).`,
            fix: { kind: "replace-entry", pool, index, entries: [] },
        };
    }
    return { text: "Write one start-end range per family." };
}

/** Entries MetalLB accepts but reads differently from how they are written. */
export function findPoolAddressesReadDifferently(pools: AddressPool[]): PoolFinding[] {
    const findings: PoolFinding[] = [];
    for (const pool of pools) {
        if (isUnknown(pool.written) || "absent" in pool.written) {
            continue;
        }
        for (const { index, value, reading } of pool.written.items) {
            if (!reading?.accepted || reading.differences.length === 0) {
                continue;
            }
            const { text, fix } = fixFor(pool, index, reading);
            findings.push({
                pool,
                message:
                    `${pool.description} spec.addresses[${index}] ${quoteForPerson(value as string)} ` +
                    `${describeEntryProblem(reading)}. ${text}`,
                fix,
            });
        }
    }
    return findings;
}

/**
 * metallb-pool-addresses-read-as-written (advisory, severity medium)
 *
 * MetalLB accepts some entries but reads them differently from how they are written: a CIDR with
 * host bits (`192.168.1.249/29` is 192.168.1.248/29, eight addresses from .248), an IPv4-mapped
 * IPv6 form (IPv4 to MetalLB, and a blind spot of its overlap check), a range from an IPv4 to an
 * IPv6 address (no addresses at all). The pool works, but not as its author thinks; the overlap
 * and request policies already judge what MetalLB reads, so this one only says what that is.
 */
export const metallbPoolAddressesReadAsWritten: StackValidationPolicy = {
    name: "metallb-pool-addresses-read-as-written",
    description: "MetalLB IPAddressPool entries should mean to MetalLB what they say.",
    enforcementLevel: "advisory",
    severity: "medium",
    validateStack: (args, reportViolation) => {
        const pools = readPools(
            objectsOf(collectObjects(args.resources, [kinds.ipAddressPool]), kinds.ipAddressPool),
        );
        for (const finding of findPoolAddressesReadDifferently(pools)) {
            reportViolation(finding.message, finding.pool.object.resource.urn);
        }
    },
};
