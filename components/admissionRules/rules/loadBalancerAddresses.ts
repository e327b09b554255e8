// LoadBalancer Services in every namespace: a reserved address only with its pool pinned, by the
// Service the pool is reserved for; nothing inside an auto-assign range.

import { metallbAnnotations } from "../../../lib/metallb/annotations";
import { literal, parameterRecords, subject } from "../cel";
import { admissionRule, matching, planVariables, refusal } from "../rule";

const addressAnnotations = metallbAnnotations.loadBalancerIps;
const poolAnnotations = metallbAnnotations.addressPool;

/** The fields that make a Service's address request, for telling a changed request from any other update. */
function serviceRequestFields(object: string): string {
    // string(): list literals must be of one type, and fields of `object` are dynamically typed.
    const annotation = (key: string): string =>
        `string(${object}.metadata.?annotations[?${literal(key)}].orValue(''))`;
    return (
        `[string(${object}.spec.?type.orValue('')), string(${object}.spec.?loadBalancerIP.orValue('')), ` +
        `${[...addressAnnotations, ...poolAnnotations].map(annotation).join(", ")}]`
    );
}

/** Services: reserved addresses only with their pool pinned; nothing inside an auto-assign range. */
export const loadBalancerAddresses = admissionRule(
    "loadbalancer-addresses",
    // Any tenant's Service could take a reserved address.
    "every namespace",
    "a LoadBalancer Service requesting a reserved address without pinning its pool, or any address of an auto-assign pool",
    [matching("", ["services"])],
    {
        matchConditions: [
            { name: "load-balancer", expression: "object.spec.?type.orValue('') == 'LoadBalancer'" },
            {
                // An update that leaves the request as it was (MetalLB's own annotation, a label) is
                // not judged again: a Service made before the guard keeps working.
                name: "request-changed",
                expression: `request.operation == 'CREATE' || ${serviceRequestFields("object")} != ${serviceRequestFields("oldObject")}`,
            },
        ],
        variables: [
            ...planVariables,
            { name: "annotations", expression: "object.metadata.?annotations.orValue({})" },
            {
                name: "requested",
                expression:
                    addressAnnotations
                        .map(
                            (key) =>
                                `variables.annotations[?${literal(key)}].orValue('').split(',').map(text, text.trim())` +
                                `.filter(text, text != '').map(text, [string(text), ${literal(`annotation ${key}`)}])`,
                        )
                        .join(" + ") +
                    " + (object.spec.?loadBalancerIP.orValue('') == '' ? [] : [[string(object.spec.loadBalancerIP), 'spec.loadBalancerIP']])",
            },
            {
                name: "pinned",
                expression: poolAnnotations.reduceRight(
                    (fallback, key) => `variables.annotations[?${literal(key)}].orValue(${fallback})`,
                    "''",
                ),
            },
            {
                // The Service the pinned pool is reserved for, if the stack knows it.
                name: "owners",
                expression: `${parameterRecords("reservationOwners")}.filter(owner, owner[0] == variables.pinned)`,
            },
            {
                name: "isOwner",
                expression:
                    "variables.owners.all(owner, owner[1] == request.namespace && " +
                    "owner[2].split(',').filter(pair, pair != '').all(pair, " +
                    "object.metadata.?labels.orValue({})[?pair.split('=')[0]].orValue('') == pair.split('=')[1]))",
            },
            {
                name: "unpinned",
                expression:
                    "variables.requested.filter(request, isIP(request[0]) && " +
                    "variables.reserved.exists(held, ip(held[0]) == ip(request[0]) && held[1] != variables.pinned))",
            },
            {
                name: "autoAssigned",
                expression:
                    "variables.requested.filter(request, isIP(request[0]) && " +
                    "variables.autoAssign.exists(block, cidr(block[1]).containsIP(request[0])))",
            },
        ],
        validations: [
            refusal(
                "size(variables.unpinned) == 0",
                "requests a reserved LoadBalancer address without pinning its MetalLB pool",
                `${subject} + ' requests ' + variables.unpinned.map(request, request[0] + ' (' + request[1] + '), the address reserved for MetalLB pool ' + ` +
                    "variables.reserved.filter(held, ip(held[0]) == ip(request[0]))[0][1]).join(', and ') + " +
                    "(variables.pinned == '' ? ', without pinning that pool' : ', but pins pool ' + variables.pinned) + " +
                    "': a reserved address goes only to a Service that names its pool. Fix: annotate the Service with metallb.io/address-pool: ' + " +
                    "variables.reserved.filter(held, ip(held[0]) == ip(variables.unpinned[0][0]))[0][1] + " +
                    "' and request the address with the metallb.io/loadBalancerIPs annotation, not spec.loadBalancerIP (for a Helm chart: its service annotations value), ' + " +
                    "'or leave the address to the Service it is reserved for (metallb.reservations in the homelab-platform settings).'",
            ),
            refusal(
                "variables.isOwner",
                "pins a reserved MetalLB pool that is reserved for another Service",
                `${subject} + ' pins MetalLB pool ' + variables.pinned + ', which is reserved for the Service in namespace ' + ` +
                    "variables.owners[0][1] + ' labelled ' + variables.owners[0][2] + ': MetalLB gives its address to no other Service ' + " +
                    "'(the pool\\'s serviceAllocation), and this one would wait for it forever. Fix: pin a pool of its own or leave the pool out, ' + " +
                    "'or reserve another address for it in the homelab-platform settings (metallb.reservations).'",
            ),
            refusal(
                "size(variables.autoAssigned) == 0",
                "requests an address of an auto-assign MetalLB pool",
                `${subject} + ' requests ' + variables.autoAssigned.map(request, request[0] + ' (' + request[1] + '), an address of the auto-assign MetalLB pool ' + ` +
                    "variables.autoAssign.filter(block, cidr(block[1]).containsIP(request[0]))[0][0] + ' (' + " +
                    "variables.autoAssign.filter(block, cidr(block[1]).containsIP(request[0]))[0][2] + ')').join(', and ') + " +
                    "': MetalLB may already have given it to another Service, and will hand it out again. Fix: leave the address out and let MetalLB pick one, ' + " +
                    "'or reserve it in the homelab-platform settings (metallb.reservations), pulumi up, and pin its pool with metallb.io/address-pool.'",
            ),
        ],
    },
);
