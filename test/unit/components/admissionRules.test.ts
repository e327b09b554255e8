import * as assert from "assert";
import { admissionGuardParameterData, admissionRules } from "../../../components/admissionRules";
import { planPools } from "../../../lib/metallb/poolLayout";
import { admissionGuardParametersOf } from "../../../stacks/guardParameters";
import { validateSettings } from "../../../stacks/validation";
import { stackSettings } from "../../harness/program";
import { Editable } from "../../harness/stackConfig";

describe("admission guard parameters", () => {
    it("hold the homelab's reserved address, the split pool's blocks, governed objects, workflow namespaces and endpoints", () => {
        const settings = validateSettings(stackSettings());
        const data = admissionGuardParameterData(
            admissionGuardParametersOf(settings, planPools(settings.metallb)),
        );
        assert.deepStrictEqual(data, {
            reservedAddresses: "192.168.1.249 ingress-pool\n",
            reservationOwners:
                "ingress-pool ingress-nginx app.kubernetes.io/name=ingress-nginx,app.kubernetes.io/instance=ingress-nginx," +
                "app.kubernetes.io/component=controller\n",
            autoAssignRanges:
                "homelab-pool 192.168.1.200/29 192.168.1.200-192.168.1.248\n" +
                "homelab-pool 192.168.1.208/28 192.168.1.200-192.168.1.248\n" +
                "homelab-pool 192.168.1.224/28 192.168.1.200-192.168.1.248\n" +
                "homelab-pool 192.168.1.240/29 192.168.1.200-192.168.1.248\n" +
                "homelab-pool 192.168.1.248/32 192.168.1.200-192.168.1.248\n" +
                "homelab-pool 192.168.1.250/32 192.168.1.250/32\n",
            governedObjects:
                "ResourceQuota seldon-system seldon-system-quota namespaces.seldon-system.quota\n" +
                "LimitRange seldon-system seldon-system-limits namespaces.seldon-system.limitRange\n",
            workflowNamespaces: "seldon-system\n",
            serviceEndpoints: "MLFLOW_TRACKING_URI http://mlflow.mlflow.svc.cluster.local:5000\n",
            addressPrefixes: "192.168.1.249\n192.168.1.\n192.168.1.248\n192.168.1.250\n",
            clusterDomain: "cluster.local",
        });
    });

    it("follow the settings: a second reservation, an IPv6 pool, another governed namespace and domain", () => {
        const raw = stackSettings() as Editable;
        raw.network = { ...raw.network, lanCidr: "fd00:1::/64", clusterDomain: "lab.internal" };
        raw.metallb.generalPool.addresses = "fd00:1::100-fd00:1::1ff";
        raw.metallb.reservations = [
            { pool: "ingress-pool", address: "fd00:1:0:0::1f9" },
            { pool: "dns-pool", address: "fd00:1::100" },
        ];
        raw.network.serviceCidr = "fd00:43::/112";
        raw.network.podCidr = "fd00:42::/56";
        raw.namespaces.training = structuredClone(raw.namespaces["seldon-system"]);
        const settings = validateSettings(raw);
        const data = admissionGuardParameterData(
            admissionGuardParametersOf(settings, planPools(settings.metallb)),
        );
        // Addresses as the API server's ip() prints them, so the messages read the same.
        assert.strictEqual(data.reservedAddresses, "fd00:1::1f9 ingress-pool\nfd00:1::100 dns-pool\n");
        assert.deepStrictEqual(data.autoAssignRanges.trimEnd().split("\n"), [
            "homelab-pool fd00:1::101/128 fd00:1::101-fd00:1::1f8",
            "homelab-pool fd00:1::102/127 fd00:1::101-fd00:1::1f8",
            "homelab-pool fd00:1::104/126 fd00:1::101-fd00:1::1f8",
            "homelab-pool fd00:1::108/125 fd00:1::101-fd00:1::1f8",
            "homelab-pool fd00:1::110/124 fd00:1::101-fd00:1::1f8",
            "homelab-pool fd00:1::120/123 fd00:1::101-fd00:1::1f8",
            "homelab-pool fd00:1::140/122 fd00:1::101-fd00:1::1f8",
            "homelab-pool fd00:1::180/122 fd00:1::101-fd00:1::1f8",
            "homelab-pool fd00:1::1c0/123 fd00:1::101-fd00:1::1f8",
            "homelab-pool fd00:1::1e0/124 fd00:1::101-fd00:1::1f8",
            "homelab-pool fd00:1::1f0/125 fd00:1::101-fd00:1::1f8",
            "homelab-pool fd00:1::1f8/128 fd00:1::101-fd00:1::1f8",
            "homelab-pool fd00:1::1fa/127 fd00:1::1fa-fd00:1::1ff",
            "homelab-pool fd00:1::1fc/126 fd00:1::1fa-fd00:1::1ff",
        ]);
        // IPv6 text varies with compression: no prefix to test first.
        assert.strictEqual(data.addressPrefixes, "");
        assert.strictEqual(
            data.governedObjects,
            "ResourceQuota seldon-system seldon-system-quota namespaces.seldon-system.quota\n" +
                "LimitRange seldon-system seldon-system-limits namespaces.seldon-system.limitRange\n" +
                "ResourceQuota training training-quota namespaces.training.quota\n" +
                "LimitRange training training-limits namespaces.training.limitRange\n",
        );
        assert.strictEqual(
            data.serviceEndpoints,
            "MLFLOW_TRACKING_URI http://mlflow.mlflow.svc.lab.internal:5000\n",
        );
        assert.strictEqual(data.clusterDomain, "lab.internal");
    });
});

describe("admission guard policies", () => {
    it("are four, each refusing with a message built from the request, as Forbidden", () => {
        assert.deepStrictEqual(
            admissionRules.map((rule) => rule.name),
            [
                "homelab-platform-loadbalancer-addresses",
                "homelab-platform-governed-quotas",
                "homelab-platform-service-dns",
                "homelab-platform-reserved-pools",
            ],
        );
        for (const rule of admissionRules) {
            assert.strictEqual(rule.spec.failurePolicy, "Fail", rule.name);
            assert.deepStrictEqual(rule.spec.paramKind, { apiVersion: "v1", kind: "ConfigMap" }, rule.name);
            for (const validation of rule.spec.validations) {
                assert.strictEqual(validation.reason, "Forbidden", rule.name);
                assert.ok(
                    validation.messageExpression.includes("admissionGuard.validationActions"),
                    rule.name,
                );
            }
        }
    });

    it("judge exactly the requests of the three debts", () => {
        const matched = Object.fromEntries(
            admissionRules.map((rule) => [
                rule.key,
                rule.spec.matchConstraints.resourceRules.map(
                    (resourceRule) =>
                        `${resourceRule.operations.join("/")} ${resourceRule.apiGroups[0] || "core"}: ${resourceRule.resources.join(", ")}`,
                ),
            ]),
        );
        assert.deepStrictEqual(matched, {
            "loadbalancer-addresses": ["CREATE/UPDATE core: services"],
            "governed-quotas": ["DELETE core: resourcequotas, limitranges"],
            "service-dns": [
                "CREATE/UPDATE core: pods, configmaps",
                "CREATE/UPDATE apps: deployments, statefulsets, daemonsets, replicasets",
                "CREATE/UPDATE batch: jobs, cronjobs",
                "CREATE/UPDATE argoproj.io: workflows, workflowtemplates, cronworkflows",
            ],
            "reserved-pools": ["CREATE/UPDATE metallb.io: ipaddresspools"],
        });
    });

    it("never change with the settings: everything site-specific is in the parameters", () => {
        const text = JSON.stringify(admissionRules);
        for (const siteSpecific of ["192.168.", "ingress-pool", "homelab-pool", "seldon-system", "mlflow"]) {
            assert.ok(!text.includes(siteSpecific), `the policies mention ${siteSpecific}`);
        }
    });
});
