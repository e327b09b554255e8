// `pulumi destroy` on the converged fresh cluster: the stack takes down what it runs, and leaves
// the namespaces, MetalLB's CRDs and the address plan, with whatever else lives there. Runs last
// in the fresh-cluster suite.

import * as assert from "assert";
import { Cluster } from "../../hack/cluster/cluster";
import { createRetryingWebhook, metallbApi, seed } from "../../hack/cluster/seed";
import { localStack, PulumiWorkspace } from "../../hack/cluster/workspace";

const metallbCrds = [
    "bfdprofiles",
    "bgpadvertisements",
    "bgppeers",
    "communities",
    "ipaddresspools",
    "l2advertisements",
    "servicebgpstatuses",
    "servicel2statuses",
].map((plural) => `${plural}.metallb.io`);

describe("pulumi destroy", function () {
    const cluster = new Cluster();
    let workspace: PulumiWorkspace;

    before(async () => {
        workspace = await localStack();
        // Things the stack never declared, next to what it did.
        await createRetryingWebhook(cluster, {
            apiVersion: metallbApi,
            kind: "IPAddressPool",
            metadata: { name: "lab-pool", namespace: "metallb-system" },
            spec: { addresses: ["192.168.1.100/32"] },
        });
        await cluster.create({
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name: "notes", namespace: seed.workflowNamespace },
            data: { owner: "someone else" },
        });
        const result = await workspace.pulumi(["destroy", "--yes"]);
        assert.strictEqual(result.code, 0, result.output);
    });

    it("removes what the stack runs: the charts' workloads and its own objects", async () => {
        assert.deepStrictEqual(await workspace.stateResourceTypes(), []);
        for (const [namespace, name] of [
            ["metallb-system", "metallb-controller"],
            ["ingress-nginx", "ingress-nginx-controller"],
            ["argo", "argo-workflows-workflow-controller"],
        ]) {
            assert.strictEqual(
                await cluster.find({ apiVersion: "apps/v1", kind: "Deployment", name, namespace }),
                undefined,
                name,
            );
        }
        assert.deepStrictEqual(await cluster.list("v1", "ResourceQuota", seed.workflowNamespace), []);
    });

    it("leaves MetalLB's CRDs and the address plan, hand-made pool included", async () => {
        for (const name of metallbCrds) {
            assert.ok(
                await cluster.find({
                    apiVersion: "apiextensions.k8s.io/v1",
                    kind: "CustomResourceDefinition",
                    name,
                }),
                `${name} was deleted`,
            );
        }
        const pools = await cluster.list(metallbApi, "IPAddressPool", "metallb-system");
        assert.deepStrictEqual(pools.map((pool) => pool.metadata.name).sort(), [
            "homelab-pool",
            "ingress-pool",
            "lab-pool",
        ]);
        const advertisements = await cluster.list(metallbApi, "L2Advertisement", "metallb-system");
        assert.deepStrictEqual(
            advertisements.map((advertisement) => advertisement.metadata.name),
            ["homelab-l2"],
        );
    });

    it("leaves the namespaces and what else lives in them", async () => {
        for (const name of ["metallb-system", "ingress-nginx", "argo", seed.workflowNamespace]) {
            const namespace = await cluster.find({ apiVersion: "v1", kind: "Namespace", name });
            assert.strictEqual(namespace?.status?.phase, "Active", name);
        }
        const notes = await cluster.read({
            apiVersion: "v1",
            kind: "ConfigMap",
            name: "notes",
            namespace: seed.workflowNamespace,
        });
        assert.deepStrictEqual(notes.data, { owner: "someone else" });
    });
});
