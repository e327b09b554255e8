// The homelab platform policy pack: run it with
//   pulumi preview --policy-pack ./policy --policy-pack-config policy/config.homelab.json
// It inspects the Kubernetes resources of any Pulumi program (never component arguments) and blocks
// every way the three debts of the technical-debt write-up could come back.

import { PolicyPack } from "@pulumi/policy";
import { policies } from "./allPolicies";

new PolicyPack("homelab-platform", {
    description:
        "Blocks MetalLB address conflicts, namespaces without quota (or quotas Argo's executor cannot satisfy) " +
        "and LoadBalancer-IP workarounds for cluster DNS, before anything reaches the cluster.",
    enforcementLevel: "mandatory",
    policies,
});
