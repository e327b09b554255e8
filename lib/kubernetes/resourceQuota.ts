// What the API server accepts in a ResourceQuota's `spec.hard`, following kubernetes v1.34
// pkg/apis/core/validation/validation.go (ValidateResourceQuotaResourceName,
// ValidateResourceQuantityValue) and pkg/apis/core/helper/helpers.go (the standard and integer
// resource sets).

import { parseQuantity } from "./quantity";

/** Resource names quota tracks without a `/` (helpers.go standardQuotaResources). */
const standardQuotaResources = new Set([
    "cpu",
    "memory",
    "ephemeral-storage",
    "requests.cpu",
    "requests.memory",
    "requests.storage",
    "requests.ephemeral-storage",
    "limits.cpu",
    "limits.memory",
    "limits.ephemeral-storage",
    "pods",
    "resourcequotas",
    "services",
    "replicationcontrollers",
    "secrets",
    "persistentvolumeclaims",
    "configmaps",
    "services.nodeports",
    "services.loadbalancers",
]);

/** Counted in whole objects (helpers.go integerResources). */
const integerResources = new Set([
    "pods",
    "resourcequotas",
    "services",
    "replicationcontrollers",
    "secrets",
    "configmaps",
    "persistentvolumeclaims",
    "services.nodeports",
    "services.loadbalancers",
]);

const qualifiedNamePart = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** apimachinery's IsQualifiedName: `[prefix/]name`, name ≤ 63 characters, prefix a DNS subdomain. */
function isQualifiedName(value: string): boolean {
    const parts = value.split("/");
    if (parts.length > 2) {
        return false;
    }
    const name = parts[parts.length - 1];
    if (name.length === 0 || name.length > 63 || !qualifiedNamePart.test(name)) {
        return false;
    }
    if (parts.length === 2) {
        const prefix = parts[0];
        return prefix.length > 0 && prefix.length <= 253 && dnsSubdomain.test(prefix);
    }
    return true;
}

function isHugePages(name: string): boolean {
    return name.startsWith("hugepages-") || name.startsWith("requests.hugepages-");
}

/** An extended resource (`vendor.example/gpu`), counted in whole units (helpers.go IsExtendedResourceName). */
function isExtendedResource(name: string): boolean {
    const native = !name.includes("/") || name.includes("kubernetes.io/");
    return !native && !name.startsWith("requests.") && isQualifiedName(`requests.${name}`);
}

/** Why the API server would refuse `name` as a quota key, or undefined when it accepts it. */
export function quotaKeyProblem(name: string): string | undefined {
    if (!isQualifiedName(name)) {
        return "is not a valid resource name";
    }
    if (!name.includes("/") && !standardQuotaResources.has(name) && !isHugePages(name)) {
        return (
            "is not a resource quota tracks: use a standard name (requests.cpu, limits.memory, pods, ...) " +
            "or a fully qualified one (requests.nvidia.com/gpu, count/deployments.apps)"
        );
    }
    return undefined;
}

/**
 * Why the API server would refuse (or change) `value` for quota key `name`, or undefined. Values
 * must be quantities the API server stores as written, not negative, and whole for object counts
 * and extended resources.
 */
export function quotaValueProblem(name: string, value: unknown): string | undefined {
    if ((typeof value !== "string" && typeof value !== "number") || parseQuantity(value) === undefined) {
        return "is not a Kubernetes quantity (e.g. 4, 500m, 16Gi)";
    }
    const nanos = parseQuantity(value)!;
    if (nanos < 0n) {
        return "is negative: a quota is at least 0";
    }
    if ((integerResources.has(name) || isExtendedResource(name)) && nanos % 1_000_000_000n !== 0n) {
        return "must be a whole number: it counts objects";
    }
    return quantityStorageProblem(value);
}

const largestInt64 = (1n << 63n) - 1n;

/**
 * Why the API server would store a valid quantity other than as written, or undefined (observed
 * on kube-apiserver v1.34: `8Ei` and `100Ei` are stored as 9223372036854775807, `1n` and
 * `0.0000000001` as `1m`).
 */
export function quantityStorageProblem(value: string | number): string | undefined {
    const nanos = parseQuantity(value);
    if (nanos === undefined) {
        return undefined;
    }
    if (/[KMGTPE]i$/.test(String(value).trim()) && nanos / 1_000_000_000n > largestInt64) {
        return `is more than Kubernetes stores: it would keep ${largestInt64} (2^63-1) instead`;
    }
    if (nanos % 1_000_000n !== 0n) {
        return "is finer than Kubernetes stores: it would round it up to the next 1m";
    }
    return undefined;
}
