// The policy pack's configuration for a stack (`--policy-pack-config`), from its validated
// settings: the LAN and the cluster's ranges and DNS domain, the namespaces that run workflows,
// the governed namespaces that must keep a quota, and the namespaces the rules leave alone.
// cli/policy-config.ts writes it to policy/config.homelab.json, and a test keeps that file
// equal to what this returns, so the pack cannot check against settings the stack no longer has.

import { StackSettings } from "./settings";

/** The pack's configuration file: per policy name, its config values. */
export type PolicyConfigFile = Record<string, Record<string, unknown>>;

/** Kubernetes' own namespaces: no rule about workloads or quotas applies to them. */
const kubernetesNamespaces = ["kube-system", "kube-public", "kube-node-lease"];

export function policyConfigOf(settings: StackSettings): PolicyConfigFile {
    const { network } = settings;
    // The namespaces the stack installs its charts into: the platform's own, which it governs by
    // their charts rather than by a quota.
    const platformNamespaces = [
        settings.metallb.namespace,
        settings.ingress.namespace,
        settings.argo.namespace,
    ];
    // The namespaces of the services the platform depends on but does not install (MLflow's):
    // someone else's, unless the settings govern them too (then `quotaNamespaces` lists them).
    const serviceNamespaces = settings.services.map((service) => service.namespace);
    const dns = { exemptNamespaces: kubernetesNamespaces, clusterDomain: network.clusterDomain };
    return {
        "namespaces-have-resource-quota": {
            // `default` and the services' namespaces too: every cluster has the first, and nothing
            // of the platform runs in any of them; `npm run audit`, which reads every namespace of
            // the cluster, would otherwise demand a quota for them.
            exemptNamespaces: [
                ...new Set([...kubernetesNamespaces, "default", ...platformNamespaces, ...serviceNamespaces]),
            ],
            quotaNamespaces: settings.namespaces.map((namespace) => namespace.name),
            requireQuotaForWorkloadNamespaces: false,
        },
        "limit-range-defaults-cover-quota": { exemptNamespaces: kubernetesNamespaces },
        "argo-executor-resources-satisfy-quota": { workflowNamespaces: settings.argo.workflowNamespaces },
        "in-cluster-clients-use-service-dns": dns,
        "no-raw-private-ip-urls": dns,
        "default-deny-egress-allows-dns": { podCidrs: [network.podCidr] },
        "cluster-cidrs-avoid-lan-and-pools": {
            lanCidrs: [network.lanCidr],
            podCidrs: [network.podCidr],
            serviceCidrs: [network.serviceCidr],
        },
    };
}
