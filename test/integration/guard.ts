// The admission guard's mode, as the API server applies it: each binding's change reaches admission
// through the API server's informers, one by one, a moment after `pulumi up` returns.

import { admissionRules } from "../../components/admissionRules";
import { Cluster, statusCodeOf, apiMessageOf } from "../../hack/cluster/cluster";
import { quotaReference, seed } from "../../hack/cluster/seed";

/**
 * A dry run that each rule judges: the seed's hand commands, which every rule refuses in Deny
 * mode and lets through with a warning in Warn mode. Returns the warnings it was answered with.
 */
const probes: Record<string, (cluster: Cluster) => Promise<string[]>> = {
    "governed-quotas": (cluster) => cluster.deleteAsKubectl(quotaReference, true),
    "loadbalancer-addresses": async (cluster) =>
        (
            await cluster.createWithWarnings(
                {
                    apiVersion: "v1",
                    kind: "Service",
                    metadata: {
                        name: "guard-probe",
                        namespace: "default",
                        annotations: { "metallb.io/loadBalancerIPs": seed.ingressAddress },
                    },
                    spec: { type: "LoadBalancer", selector: { app: "guard-probe" }, ports: [{ port: 80 }] },
                },
                true,
            )
        ).warnings,
    "reserved-pools": (cluster) =>
        cluster.mergePatchDryRun(
            {
                apiVersion: "metallb.io/v1beta1",
                kind: "IPAddressPool",
                name: "ingress-pool",
                namespace: "metallb-system",
            },
            { spec: { autoAssign: true } },
        ),
    "service-dns": async (cluster) =>
        (
            await cluster.createWithWarnings(
                {
                    apiVersion: "v1",
                    kind: "ConfigMap",
                    metadata: { name: "guard-probe", namespace: seed.workflowNamespace },
                    data: { MLFLOW_TRACKING_URI: seed.mlflowLoadBalancerUri },
                },
                true,
            )
        ).warnings,
};

/** The rule's mode as its probe finds it, or what answered instead. */
async function modeOf(cluster: Cluster, key: string): Promise<string> {
    const policy = `'homelab-platform-${key}'`;
    try {
        const warnings = await probes[key](cluster);
        return warnings.some((warning) => warning.includes(policy))
            ? "Warn"
            : `let through: ${warnings.join("; ")}`;
    } catch (error) {
        const message = apiMessageOf(error);
        return statusCodeOf(error) === 403 && message.includes(policy) ? "Deny" : `answered: ${message}`;
    }
}

/** Waits until the API server judges in this mode by every rule of the guard. */
export async function waitForGuard(cluster: Cluster, mode: "Deny" | "Warn"): Promise<void> {
    const keys = admissionRules.map((rule) => rule.key);
    const missing = keys.filter((key) => probes[key] === undefined);
    if (missing.length > 0) {
        throw new Error(`no probe for the guard's rules ${missing.join(", ")}`);
    }
    const modes = async () => Promise.all(keys.map(async (key) => `${key}: ${await modeOf(cluster, key)}`));
    await cluster.waitFor(
        `the admission guard in ${mode} mode`,
        async () => ((await modes()).every((line) => line.endsWith(`: ${mode}`)) ? true : undefined),
        60_000,
        async () => (await modes()).join("\n"),
    );
}
