// The stack's LoadBalancer address plan in one read: pools, LoadBalancer Services, chart values that
// request addresses, and what MetalLB already assigned. Built once per stack validation; every
// lookup afterwards goes through a Map or a RangeIndex.

import { RangeIndex } from "../../lib/addresses/rangeIndex";
import { readHelmInstalls } from "./helmCharts";
import { collectObjects, EngineResource, KubernetesObject, kinds, objectsOf } from "./kubernetes";
import {
    addressKey,
    AssignedAddress,
    LoadBalancerRequest,
    readAssignedAddresses,
    readLoadBalancerRequests,
} from "./loadBalancerRequests";
import { AddressPool, PoolAddress, poolIndex, readPools } from "./metallb";
import { isUnknown } from "./plainValues";

export interface AddressPlan {
    pools: AddressPool[];
    /** False when some pool's addresses are unknown (preview): "in no pool" cannot be decided then. */
    poolsKnown: boolean;
    poolsByAddress: RangeIndex<PoolAddress>;
    requests: LoadBalancerRequest[];
    assigned: AssignedAddress[];
    services: KubernetesObject[];
}

export const addressPlanKinds = [kinds.ipAddressPool, kinds.service, kinds.helmRelease, kinds.helmChart];

export function readAddressPlan(resources: EngineResource[]): AddressPlan {
    const byKind = collectObjects(resources, addressPlanKinds);
    const pools = readPools(objectsOf(byKind, kinds.ipAddressPool));
    const services = objectsOf(byKind, kinds.service);
    const installs = readHelmInstalls(objectsOf(byKind, kinds.helmRelease, kinds.helmChart), resources);
    return {
        pools,
        poolsKnown: pools.every((pool) => !isUnknown(pool.entries)),
        poolsByAddress: poolIndex(pools),
        requests: readLoadBalancerRequests(services, installs),
        assigned: readAssignedAddresses(services),
        services,
    };
}

/** Requests grouped by requested address (`family:value`). */
export function requestsByAddress(requests: LoadBalancerRequest[]): Map<string, LoadBalancerRequest[]> {
    const byAddress = new Map<string, LoadBalancerRequest[]>();
    for (const request of requests) {
        for (const { address } of request.addresses) {
            const key = addressKey(address);
            const list = byAddress.get(key);
            if (list) {
                list.push(request);
            } else {
                byAddress.set(key, [request]);
            }
        }
    }
    return byAddress;
}

/** `A`, `A and B`, `A, B and C`. */
export function joinNames(names: string[]): string {
    return names.length <= 1
        ? (names[0] ?? "")
        : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}
