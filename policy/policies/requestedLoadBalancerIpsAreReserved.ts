import { StackValidationPolicy } from "@pulumi/policy";
import { formatIp, IpRange } from "../../lib/addresses/ip";
import { formatAddressRange, subtractRange } from "../../lib/addresses/ranges";
import { readAddressPlan } from "../support/addressPlan";
import { formatRanges, otherReadableEntries } from "../support/metallb";
import { isUnknown } from "../support/plainValues";

/**
 * requested-loadbalancer-ips-are-reserved (mandatory, severity high)
 *
 * MetalLB honours a requested address whatever the pool's `autoAssign`, so an address a Service
 * (or an ingress chart's values) asks for but that sits in an auto-assign pool can be handed to any
 * other LoadBalancer Service first (an ingress address inside the general pool, say). An address
 * in no pool at all is never assigned. Requested addresses belong in a pool with `autoAssign: false`.
 */
export const requestedLoadBalancerIpsAreReserved: StackValidationPolicy = {
    name: "requested-loadbalancer-ips-are-reserved",
    description: "A requested LoadBalancer IP must lie in a MetalLB pool with autoAssign: false.",
    enforcementLevel: "mandatory",
    severity: "high",
    validateStack: (args, reportViolation) => {
        const plan = readAddressPlan(args.resources);
        for (const request of plan.requests) {
            const urn = request.owner.resource.urn;
            for (const { text, source } of request.invalid) {
                reportViolation(
                    `${request.description} requests LoadBalancer IP "${text}" (${source}), which is not an IP address: ` +
                        "MetalLB cannot assign it. Write one IPv4 or IPv6 address (two, comma-separated, for dual stack).",
                    urn,
                );
            }
            for (const { address, source } of request.addresses) {
                const ip = formatIp(address.family, address.value);
                const single: IpRange = { family: address.family, first: address.value, last: address.value };
                const containing = plan.poolsByAddress.containing(address);
                if (containing.length === 0) {
                    if (plan.poolsKnown) {
                        reportViolation(
                            `${request.description} requests LoadBalancer IP ${ip} (${source}), which lies in no IPAddressPool ` +
                                "of this stack: MetalLB cannot assign it and the Service stays pending. Add a pool with " +
                                `addresses [${formatAddressRange(single)}] and autoAssign: false (covered by an L2Advertisement), ` +
                                "or request an address of an existing reserved pool.",
                            urn,
                        );
                    }
                    continue;
                }
                for (const { label } of containing) {
                    if (isUnknown(label.pool.autoAssign) || !label.pool.autoAssign) {
                        continue;
                    }
                    const rest = subtractRange(label.entry.range, single);
                    const pool = label.pool.name;
                    // Never suggest emptying a pool: one that holds only this address becomes the reservation.
                    const reserve =
                        rest.length > 0
                            ? `in ${pool}, replace ${label.entry.text} with ${formatRanges(rest)}, and add a pool with ` +
                              `addresses [${formatAddressRange(single)}] and autoAssign: false`
                            : otherReadableEntries(label.pool, label.entry.index).length > 0
                              ? `remove ${label.entry.text} from ${pool}, and add a pool with addresses ` +
                                `[${formatAddressRange(single)}] and autoAssign: false`
                              : `${pool} holds only ${ip}, so set autoAssign: false on it`;
                    reportViolation(
                        `${request.description} requests LoadBalancer IP ${ip} (${source}), which lies in ` +
                            `${label.pool.description} (${label.entry.text}) with autoAssign enabled: MetalLB can hand it ` +
                            `to any other LoadBalancer Service first. Reserve it: ${reserve}.`,
                        urn,
                    );
                }
            }
        }
    },
};
