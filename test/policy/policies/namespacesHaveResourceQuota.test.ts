import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { namespacesHaveResourceQuota } from "../../../policy/policies/namespacesHaveResourceQuota";
import { runStackPolicy, stackViolations, unknownString, urnOf } from "../../harness/policy/harness";
import {
    container,
    deployment,
    homelabStack,
    namespace,
    replaced,
    resourceQuota,
    seldonQuotaHard,
    types,
    workflowTemplate,
} from "../../harness/policy/resources";

const homelabConfig = JSON.parse(
    fs.readFileSync(path.resolve(__dirname, "..", "..", "..", "policy", "config.homelab.json"), "utf8"),
)["namespaces-have-resource-quota"];

const fix = (namespaceName: string) =>
    `nothing caps what its workloads (runaway workflows included) consume. Add a ResourceQuota in ${namespaceName}, ` +
    "with a LimitRange that defaults every resource it constrains.";

describe("namespaces-have-resource-quota", () => {
    it("accepts the homelab with its config: the governed namespace has its quota, platform namespaces are exempt", async () => {
        assert.deepStrictEqual(
            await stackViolations(namespacesHaveResourceQuota, homelabStack(), homelabConfig),
            [],
        );
    });

    it("accepts exempt namespaces (default: kube-system, kube-public, kube-node-lease)", async () => {
        const specs = [namespace("kube-system"), namespace("kube-public"), namespace("kube-node-lease")];
        assert.deepStrictEqual(await stackViolations(namespacesHaveResourceQuota, specs), []);
    });

    it("rejects the seed's workaround: the namespace's quota deleted", async () => {
        const specs = replaced(homelabStack(), { "seldon-system-quota": null });
        assert.deepStrictEqual(await stackViolations(namespacesHaveResourceQuota, specs, homelabConfig), [
            {
                message: `Namespace seldon-system (Pulumi name "seldon-system") has no ResourceQuota in this stack: ${fix("seldon-system")}`,
                urn: urnOf({ type: types.namespace, name: "seldon-system" }),
            },
        ]);
    });

    it("rejects a namespace listed in quotaNamespaces without a quota, declared in the stack or not, exempt or not", async () => {
        const specs = [namespace("kube-system")];
        const config = { quotaNamespaces: ["seldon-system", "kube-system"] };
        assert.deepStrictEqual(await stackViolations(namespacesHaveResourceQuota, specs, config), [
            {
                message: `Namespace kube-system (Pulumi name "kube-system") has no ResourceQuota in this stack: ${fix("kube-system")}`,
                urn: urnOf({ type: types.namespace, name: "kube-system" }),
            },
            {
                message:
                    "Namespace seldon-system must have a ResourceQuota (policy config quotaNamespaces), but no ResourceQuota " +
                    `in this stack is in seldon-system: ${fix("seldon-system")}`,
            },
        ]);
    });

    it("with requireQuotaForWorkloadNamespaces, rejects namespaces that only run workloads", async () => {
        const specs = [
            resourceQuota("seldon-system", "seldon-system-quota", seldonQuotaHard),
            workflowTemplate("seldon-system", "training", [{ name: "main", container: container("main") }]),
            deployment("mlflow", "mlflow", [container("mlflow")]),
            deployment("kube-system", "coredns", [container("coredns")]),
        ];
        assert.deepStrictEqual(await stackViolations(namespacesHaveResourceQuota, specs), []);
        assert.deepStrictEqual(
            await stackViolations(namespacesHaveResourceQuota, specs, {
                requireQuotaForWorkloadNamespaces: true,
            }),
            [
                {
                    message:
                        'Namespace mlflow runs workloads of this stack (Deployment mlflow/mlflow (Pulumi name "mlflow")) but has ' +
                        `no ResourceQuota: ${fix("mlflow")}`,
                    urn: urnOf({ type: types.deployment, name: "mlflow" }),
                },
            ],
        );
    });

    it("stops the preview with a clear error on a config key it does not know", async () => {
        await assert.rejects(
            runStackPolicy(namespacesHaveResourceQuota, [], { quotaNamespace: ["seldon-system"] }),
            {
                message:
                    "policy namespaces-have-resource-quota: invalid configuration: unknown key(s) quotaNamespace; this policy " +
                    "reads exemptNamespaces, quotaNamespaces, requireQuotaForWorkloadNamespaces",
            },
        );
    });

    it("during preview, decides nothing while some quota's namespace is unknown", async () => {
        const specs = [
            namespace("seldon-system"),
            resourceQuota(unknownString, "pending-quota", seldonQuotaHard),
        ];
        assert.deepStrictEqual(await runStackPolicy(namespacesHaveResourceQuota, specs), { violations: [] });
    });
});
