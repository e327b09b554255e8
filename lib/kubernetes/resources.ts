// A container's compute resources, and the API server's own defaulting and validation of them.

import { parseQuantity } from "./quantity";

/** The compute resources the stack and the pack reason about. */
export type ResourceName = "cpu" | "memory";

export const computeResources: readonly ResourceName[] = ["cpu", "memory"];

/** Quantities by resource, as written: `{ cpu: "500m", memory: "256Mi" }`. */
export type ResourceValues = Partial<Record<ResourceName, string>>;

/** A container's requests and limits, e.g. `{ requests: { cpu: "100m" }, limits: { memory: "256Mi" } }`. */
export interface ContainerResources {
    requests: ResourceValues;
    limits: ResourceValues;
}

export type ResourceSide = keyof ContainerResources;

export const resourceSides: readonly ResourceSide[] = ["requests", "limits"];

/**
 * A container as the API server stores it before admission: a resource with a limit and no
 * request is requested at its limit (kubernetes pkg/apis/core/v1/defaults.go, SetDefaults_Pod).
 */
export function withRequestsFromLimits(container: ContainerResources): ContainerResources {
    return { requests: { ...container.limits, ...container.requests }, limits: { ...container.limits } };
}

/** A resource whose request is above its limit. */
export interface RequestAboveLimit {
    resource: ResourceName;
    request: string;
    limit: string;
}

/**
 * The resources a container requests more of than its limit, which the API server refuses in any
 * pod ("must be less than or equal to memory limit of 256Mi": kubernetes
 * pkg/apis/core/validation/validation.go, ValidateResourceRequirements). Values that are not
 * quantities are left to whoever reads them.
 */
export function requestsAboveLimits(container: ContainerResources): RequestAboveLimit[] {
    return computeResources.flatMap((resource) => {
        const request = container.requests[resource];
        const limit = container.limits[resource];
        const requested = request === undefined ? undefined : parseQuantity(request);
        const limited = limit === undefined ? undefined : parseQuantity(limit);
        return requested !== undefined && limited !== undefined && requested > limited
            ? [{ resource, request: request!, limit: limit! }]
            : [];
    });
}
