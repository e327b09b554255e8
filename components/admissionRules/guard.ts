// The admission guard's names, and what its settings say: what the API server does with a request
// a rule refuses.

/** The ConfigMap the policies read their parameters from (`params` in CEL). */
export const guardParameters = { name: "homelab-platform-admission-guard", namespace: "kube-system" };

/** The project name every guard object starts with, and the label that marks them. */
export const guardPrefix = "homelab-platform";
export const guardLabel = { "app.kubernetes.io/managed-by": "homelab-platform" };

/** What the API server does with a request a rule refuses (a binding's `validationActions`). */
export type ValidationAction = "Deny" | "Warn" | "Audit";
export const validationActions: readonly ValidationAction[] = ["Deny", "Warn", "Audit"];

/**
 * Why the API server would refuse a binding with these actions as a whole (none at all, or Deny
 * with Warn), or undefined when it takes them. The settings validation and the component both ask.
 */
export function validationActionsProblem(actions: readonly string[]): string | undefined {
    if (actions.length === 0) {
        return "must list at least one action: Deny (the default), Warn or Audit";
    }
    if (actions.includes("Deny") && actions.includes("Warn")) {
        return "lists Deny and Warn together, which the API server refuses: Deny to refuse, [Warn] or [Warn, Audit] to let requests through with a warning";
    }
    return undefined;
}

export interface AdmissionGuardSettings {
    /**
     * `[Deny]` (the default) refuses the request; `[Warn]`, the way out in an emergency, lets it
     * through with a warning the client prints; `[Audit]` records it in the API server's audit log.
     * Deny and Warn exclude each other.
     */
    validationActions: ValidationAction[];
}
