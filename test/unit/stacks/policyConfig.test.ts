import * as assert from "assert";
import * as fs from "fs";
import { policyConfigPath, policyConfigText } from "../../../cli/policy-config";
import { policyConfigOf } from "../../../stacks/policyConfig";
import { RawSettings, validateSettings } from "../../../stacks/validation";
import { Editable, readStackConfig } from "../../harness/stackConfig";

describe("the policy pack's configuration, from the settings", () => {
    it("is checked in as the homelab's settings make it (npm run policy-config)", async () => {
        assert.strictEqual(
            fs.readFileSync(policyConfigPath("homelab"), "utf8"),
            await policyConfigText("homelab"),
        );
    });

    it("follows the LAN, the cluster's ranges and domain, and the namespaces of the settings", () => {
        const raw = readStackConfig("homelab") as Editable;
        raw.network = {
            lanCidr: "10.10.0.0/16",
            podCidr: "10.42.0.0/16",
            serviceCidr: "10.43.0.0/16",
            clusterDomain: "lab.internal",
        };
        raw.metallb.generalPool.addresses = "10.10.1.200-10.10.1.250";
        raw.metallb.reservations[0].address = "10.10.1.249";
        raw.metallb.namespace = "lb";
        raw.argo.workflowNamespaces = ["seldon-system", "training"];
        raw.namespaces.training = structuredClone(raw.namespaces["seldon-system"]);
        const exempt = ["kube-system", "kube-public", "kube-node-lease"];
        const dns = { exemptNamespaces: exempt, clusterDomain: "lab.internal" };
        assert.deepStrictEqual(policyConfigOf(validateSettings(raw as RawSettings)), {
            "namespaces-have-resource-quota": {
                // MLflow's namespace: a service the platform depends on, not one it installs.
                exemptNamespaces: [...exempt, "default", "lb", "ingress-nginx", "argo", "mlflow"],
                quotaNamespaces: ["seldon-system", "training"],
                requireQuotaForWorkloadNamespaces: false,
            },
            "limit-range-defaults-cover-quota": { exemptNamespaces: exempt },
            "argo-executor-resources-satisfy-quota": { workflowNamespaces: ["seldon-system", "training"] },
            "in-cluster-clients-use-service-dns": dns,
            "no-raw-private-ip-urls": dns,
            "default-deny-egress-allows-dns": { podCidrs: ["10.42.0.0/16"] },
            "cluster-cidrs-avoid-lan-and-pools": {
                lanCidrs: ["10.10.0.0/16"],
                podCidrs: ["10.42.0.0/16"],
                serviceCidrs: ["10.43.0.0/16"],
            },
        });
    });
});
