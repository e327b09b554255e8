// The admission guard's mode, as the API server applies it: a binding's change reaches admission
// through the API server's informers, a moment after `pulumi up` returns.

import { Cluster, statusCodeOf } from "../../hack/cluster/cluster";
import { quotaReference } from "../../hack/cluster/seed";

/**
 * Waits until the API server judges in this mode: asks, as a dry run, to delete the seed's quota
 * (a governed object) until it is refused (Deny) or let through with a warning (Warn).
 */
export async function waitForGuard(cluster: Cluster, mode: "Deny" | "Warn"): Promise<void> {
    await cluster.waitFor(`the admission guard in ${mode} mode`, async () => {
        try {
            const warnings = await cluster.deleteAsKubectl(quotaReference, true);
            return mode === "Warn" && warnings.length > 0 ? true : undefined;
        } catch (error) {
            return mode === "Deny" && statusCodeOf(error) === 403 ? true : undefined;
        }
    });
}
