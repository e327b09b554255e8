// A container's compute resources, and the API server's own defaulting of them.

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
