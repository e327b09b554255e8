import { StackValidationPolicy } from "@pulumi/policy";
import { formatIp } from "../../lib/addresses/ip";
import { readAddressPlan } from "../support/addressPlan";
import { groupBy } from "../support/grouping";
import { LabelSelector, readSelector, selectorMatches } from "../support/kubernetes";
import { AddressPool, formatRanges } from "../support/metallb";
import { arrayAt, isUnknown, recordAt, UnknownValue } from "../support/plainValues";

/** An IPAddressPool's `spec.serviceAllocation`: the namespaces and Service selectors it serves. */
interface ServiceAllocation {
    namespaces: string[];
    selectors: LabelSelector[];
    /** Namespaces picked by their labels, which the stack may not show: not judged. */
    namespaceSelectors: boolean;
}

function serviceAllocationOf(pool: AddressPool): ServiceAllocation | UnknownValue | undefined {
    const allocation = recordAt(recordAt(pool.object.body, "spec"), "serviceAllocation");
    if (isUnknown(allocation)) {
        return allocation;
    }
    if (Object.keys(allocation).length === 0) {
        return undefined;
    }
    const namespaces = arrayAt(allocation, "namespaces");
    const selectors = arrayAt(allocation, "serviceSelectors");
    const namespaceSelectors = arrayAt(allocation, "namespaceSelectors");
    if (isUnknown(namespaces) || isUnknown(selectors) || isUnknown(namespaceSelectors)) {
        return isUnknown(namespaces)
            ? namespaces
            : isUnknown(selectors)
              ? selectors
              : (namespaceSelectors as UnknownValue);
    }
    const read = selectors.map(readSelector);
    const unknown = read.find(isUnknown);
    if (unknown) {
        return unknown;
    }
    return {
        namespaces: namespaces.filter((entry): entry is string => typeof entry === "string"),
        selectors: read as LabelSelector[],
        namespaceSelectors: namespaceSelectors.length > 0,
    };
}

/** What `serviceAllocation` admits, as MetalLB's allocator decides it (isPoolCompatibleWithService). */
function describeAllocation(allocation: ServiceAllocation): string {
    const parts = [];
    if (allocation.namespaces.length > 0) {
        parts.push(`namespaces ${allocation.namespaces.join(", ")}`);
    }
    if (allocation.selectors.length > 0) {
        parts.push(
            `Services labelled ${allocation.selectors
                .map((selector) =>
                    Object.entries(selector.matchLabels ?? {})
                        .map(([key, value]) => `${key}=${value}`)
                        .join(","),
                )
                .join(" or ")}`,
        );
    }
    return parts.join(" and ");
}

/**
 * pinned-pool-contains-requested-ip (mandatory, severity high)
 *
 * A Service that pins a pool with `metallb.io/address-pool` only gets addresses from that pool:
 * if the pool does not exist, or does not contain the address the Service requests, MetalLB
 * never assigns one and the Service stays pending. Nor does it when the pool's `serviceAllocation`
 * (namespaces, Service selectors) leaves the Service out: a reserved pool serves only the Service
 * it is reserved for.
 */
export const pinnedPoolContainsRequestedIp: StackValidationPolicy = {
    name: "pinned-pool-contains-requested-ip",
    description:
        "A pool pinned with metallb.io/address-pool must exist and contain the requested LoadBalancer IP.",
    enforcementLevel: "mandatory",
    severity: "high",
    validateStack: (args, reportViolation) => {
        const plan = readAddressPlan(args.resources);
        const poolsByName = groupBy(plan.pools, (pool) =>
            isUnknown(pool.object.name) ? undefined : pool.name,
        );
        const namesKnown = plan.pools.every((pool) => !isUnknown(pool.object.name));
        for (const request of plan.requests) {
            if (!request.pinnedPool) {
                continue;
            }
            const { key, value: poolName } = request.pinnedPool;
            const urn = request.owner.resource.urn;
            const pinned = poolsByName.get(poolName);
            if (!pinned) {
                if (namesKnown) {
                    reportViolation(
                        `${request.description} pins IPAddressPool "${poolName}" (${request.annotationSource(key)}), but no ` +
                            "IPAddressPool in this stack has that name: MetalLB never assigns the Service an address. " +
                            "Declare the pool or correct the annotation.",
                        urn,
                    );
                }
                continue;
            }
            // MetalLB's serviceAllocation: a pool reserved for some Services refuses the others.
            const labels = request.owner.labels;
            for (const pool of pinned) {
                const allocation = serviceAllocationOf(pool);
                if (!request.service || isUnknown(labels) || !allocation || isUnknown(allocation)) {
                    continue;
                }
                const namespaceServed =
                    allocation.namespaceSelectors ||
                    allocation.namespaces.length === 0 ||
                    allocation.namespaces.includes(request.service.namespace);
                const labelsServed =
                    allocation.selectors.length === 0 ||
                    allocation.selectors.some((selector) => selectorMatches(selector, labels));
                if (!namespaceServed || !labelsServed) {
                    reportViolation(
                        `${request.description} pins IPAddressPool "${poolName}" (${request.annotationSource(key)}), whose ` +
                            `serviceAllocation serves only ${describeAllocation(allocation)}: MetalLB gives the Service no ` +
                            `address ("pool ${poolName} not compatible for ip assignment"). The pool is reserved for another ` +
                            "Service: pin a pool of its own, or leave the address to the Service it is reserved for.",
                        urn,
                    );
                }
            }
            if (pinned.some((pool) => isUnknown(pool.entries))) {
                continue;
            }
            for (const { address, source } of request.addresses) {
                const holders = plan.poolsByAddress.containing(address).map((entry) => entry.label.pool);
                if (holders.some((pool) => pinned.includes(pool))) {
                    continue;
                }
                const ip = formatIp(address.family, address.value);
                const pinnedRanges = pinned.flatMap((pool) =>
                    isUnknown(pool.entries) ? [] : pool.entries.map((entry) => entry.range),
                );
                const elsewhere = holders.length > 0 ? ` (it is in ${holders[0].name})` : "";
                reportViolation(
                    `${request.description} requests LoadBalancer IP ${ip} (${source}) from pinned IPAddressPool ` +
                        `"${poolName}" (${request.annotationSource(key)}), which does not contain it ` +
                        `(${poolName}: ${formatRanges(pinnedRanges) || "no addresses"}): MetalLB never assigns the ` +
                        `Service an address. Request an address of ${poolName}, or pin the pool that holds ${ip}${elsewhere}.`,
                    urn,
                );
            }
        }
    },
};
