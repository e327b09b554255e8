import { StackValidationPolicy } from "@pulumi/policy";
import { formatIp } from "../../lib/addresses/ip";
import { readAddressPlan } from "../support/addressPlan";
import { groupBy } from "../support/grouping";
import { formatRanges } from "../support/metallb";
import { isUnknown } from "../support/plainValues";

/**
 * pinned-pool-contains-requested-ip (mandatory, severity high)
 *
 * A Service that pins a pool with `metallb.io/address-pool` only gets addresses from that pool:
 * if the pool does not exist, or does not contain the address the Service requests, MetalLB
 * never assigns one and the Service stays pending.
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
