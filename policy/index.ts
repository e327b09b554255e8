// The homelab platform policy pack: run it with
//   pulumi preview --policy-pack ./policy --policy-pack-config policy/config.homelab.json
// It inspects the Kubernetes resources of any Pulumi program (never component arguments) and blocks
// MetalLB address conflicts, namespaces without quota (or with quotas Argo's pods cannot meet) and
// LoadBalancer-IP workarounds for cluster DNS. docs/decisions/0012 says why it stands alone.

import { PolicyPack } from "@pulumi/policy";
import { policies } from "./allPolicies";

new PolicyPack("homelab-platform", {
    description:
        "Blocks MetalLB address conflicts, namespaces without quota (or quotas Argo's executor cannot satisfy) " +
        "and LoadBalancer-IP workarounds for cluster DNS, before anything reaches the cluster.",
    enforcementLevel: "mandatory",
    policies,
});
