import { StackValidationPolicy } from "@pulumi/policy";
import { formatIp } from "../../lib/addresses/ip";
import { joinNames, readAddressPlan, requestsByAddress } from "../support/addressPlan";
import { describe } from "../support/kubernetes";
import { addressKey, AssignedAddress } from "../support/loadBalancerRequests";
import { groupBy } from "../support/grouping";
import { metallbAnnotations } from "../support/metallb";
import { isUnknown } from "../support/plainValues";

/** MetalLB lets Services share an address only when all of them carry the same allow-shared-ip key. */
function shareAddress(keys: (string | undefined)[]): boolean {
    return keys.every((key) => key !== undefined && key !== "" && key === keys[0]);
}

function serviceSharingKey(assigned: AssignedAddress): string | undefined {
    const annotations = assigned.service.annotations;
    if (isUnknown(annotations)) {
        return undefined;
    }
    return metallbAnnotations.allowSharedIp
        .map((key) => annotations[key])
        .find((value) => value !== undefined);
}

/**
 * requested-loadbalancer-ips-are-unique (mandatory, severity high)
 *
 * MetalLB gives an address to one Service only, so when two Services request the same address,
 * or a Service requests one MetalLB already assigned to another Service (what happens when a
 * reserved address was left in an auto-assign pool), one of them stays pending. MetalLB's
 * `allow-shared-ip` annotation with the same key on every Service is the one legitimate way to share.
 */
export const requestedLoadBalancerIpsAreUnique: StackValidationPolicy = {
    name: "requested-loadbalancer-ips-are-unique",
    description:
        "Each LoadBalancer IP must be requested by one Service, unless all its users share it with the same allow-shared-ip key.",
    enforcementLevel: "mandatory",
    severity: "high",
    validateStack: (args, reportViolation) => {
        const plan = readAddressPlan(args.resources);
        const byAddress = requestsByAddress(plan.requests);
        for (const [key, requests] of byAddress) {
            if (requests.length < 2 || shareAddress(requests.map((request) => request.sharingKey))) {
                continue;
            }
            const requested = requests[0].addresses.find(
                (candidate) => addressKey(candidate.address) === key,
            )!;
            const ip = formatIp(requested.address.family, requested.address.value);
            reportViolation(
                `LoadBalancer IP ${ip} is requested by ${joinNames(requests.map((request) => request.description))}: ` +
                    "MetalLB gives an address to one Service only, so the others stay pending. Give each Service its own " +
                    `reserved address, or set the same ${metallbAnnotations.allowSharedIp[0]} value on all of them if they ` +
                    "are meant to share it.",
                requests[1].owner.resource.urn,
            );
        }
        const assignedByAddress = groupBy(plan.assigned, (assigned) => addressKey(assigned.address));
        for (const request of plan.requests) {
            for (const { address } of request.addresses) {
                for (const holder of assignedByAddress.get(addressKey(address)) ?? []) {
                    if (
                        holder.service.resource.urn === request.owner.resource.urn ||
                        shareAddress([request.sharingKey, serviceSharingKey(holder)])
                    ) {
                        continue;
                    }
                    reportViolation(
                        `${request.description} requests LoadBalancer IP ${formatIp(address.family, address.value)}, ` +
                            `which MetalLB already assigned to ${describe(holder.service)} (status.loadBalancer): ` +
                            "the request stays pending while that Service holds it. Reserve the address in a pool with " +
                            "autoAssign: false and move the other Service to another address.",
                        request.owner.resource.urn,
                    );
                }
            }
        }
    },
};
