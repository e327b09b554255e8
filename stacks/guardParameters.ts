// The admission guard's parameters from the validated settings and the pool layout: what its rules
// judge by (components/admissionRules/parameters.ts). Every `pulumi up` writes them before anything else, so
// the guard always follows the settings being applied.

import type { AdmissionGuardParameters } from "../components/admissionRules";
import { limitRangeName, resourceQuotaName } from "../lib/kubernetes/governedObjects";
import { serviceUrl } from "../lib/kubernetes/serviceDns";
import { PoolLayout } from "../lib/metallb/poolLayout";
import { reservationOwnersOf } from "./reservationOwners";
import { StackSettings } from "./settings";

export function admissionGuardParametersOf(
    settings: StackSettings,
    pools: PoolLayout,
): AdmissionGuardParameters {
    return {
        reservedAddresses: pools.reservedPools.map((pool) => ({ address: pool.address, pool: pool.name })),
        reservationOwners: reservationOwnersOf(settings),
        autoAssignPools: [{ pool: pools.generalPool.name, addresses: pools.generalPool.addresses }],
        governedObjects: settings.namespaces.flatMap(({ name }) => [
            {
                kind: "ResourceQuota" as const,
                namespace: name,
                name: resourceQuotaName(name),
                setting: `namespaces.${name}.quota`,
            },
            {
                kind: "LimitRange" as const,
                namespace: name,
                name: limitRangeName(name),
                setting: `namespaces.${name}.limitRange`,
            },
        ]),
        workflowNamespaces: settings.argo.workflowNamespaces,
        serviceEndpoints: settings.services.map((service) => ({
            variable: service.variable,
            url: serviceUrl(service, settings.network.clusterDomain),
        })),
        clusterDomain: settings.network.clusterDomain,
    };
}
