// MetalLB's pools: a reserved address never goes (back) into an auto-assign pool.

import { poolEntryContains, subject } from "../cel";
import { admissionRule, matching, planVariables, refusal } from "../rule";

/** The reserved addresses a version of a pool would hand out on its own (autoAssign on). */
function poolReservedAddresses(object: string): string {
    return (
        `(${object}.spec.?autoAssign.orValue(true) ? variables.reserved.filter(held, ` +
        `${object}.spec.?addresses.orValue([]).exists(entry, ${poolEntryContains("entry", "held[0]")})) : [])`
    );
}

/** IPAddressPools: a reserved address never goes (back) into a pool with autoAssign. */
export const reservedPools = admissionRule(
    "reserved-pools",
    "MetalLB's namespace",
    "an IPAddressPool change that puts a reserved address into an auto-assign pool (autoAssign flipped on included)",
    [matching("metallb.io", ["ipaddresspools"])],
    {
        variables: [
            ...planVariables,
            { name: "inAutoAssign", expression: poolReservedAddresses("object") },
            {
                // A pool that already held the address (the seed's homelab-pool, before the
                // migration shrinks it) may still be updated otherwise: only putting it back counts.
                name: "before",
                expression: `request.operation == 'UPDATE' ? ${poolReservedAddresses("oldObject")} : []`,
            },
            {
                name: "added",
                expression:
                    "variables.inAutoAssign.filter(held, !variables.before.exists(old, old[0] == held[0]))",
            },
        ],
        validations: [
            refusal(
                "size(variables.added) == 0",
                "puts a reserved address into an auto-assign MetalLB pool",
                `${subject} + ' has autoAssign on and would contain ' + variables.added.map(held, held[0] + ' (entry ' + ` +
                    `object.spec.addresses.filter(entry, ${poolEntryContains("entry", "held[0]")})[0] + '), the address reserved for pool ' + held[1]).join(', and ') + ` +
                    "': MetalLB could give it to any LoadBalancer Service before the one it is reserved for. ' + " +
                    "'Fix: leave reserved addresses out of auto-assign pools (split the range around them) or set autoAssign: false; ' + " +
                    "'reservations change in the homelab-platform settings (metallb.reservations), and pulumi up splits the pools.'",
            ),
        ],
    },
);
