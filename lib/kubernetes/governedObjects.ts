// The names of the objects that govern a namespace: the NamespaceGovernance component creates
// them, and the admission guard refuses their deletion by name.

/** The ResourceQuota of a governed namespace, e.g. `seldon-system-quota`. */
export function resourceQuotaName(namespace: string): string {
    return `${namespace}-quota`;
}

/** The LimitRange of a governed namespace, e.g. `seldon-system-limits`. */
export function limitRangeName(namespace: string): string {
    return `${namespace}-limits`;
}
