// Debt 2 on the real node, after the migration: the seed's default-deny egress is still there (the
// platform team's), and the stack's egress rules let workflow pods resolve and reach services by
// name. The DNS probe Job really runs; a step's lookup works; and with the stack's DNS rule deleted
// by hand, the lookup times out again, a plain `pulumi preview` shows the rule missing and
// `pulumi up` puts it back. Runs after migration.test.ts, on its cluster and stack.

import * as assert from "assert";
import { Cluster } from "../../hack/cluster/cluster";
import { waitForGuard } from "./guard";
import { mlflow } from "../../hack/cluster/mlflow";
import { finishedWorkflow, scriptWorkflow, seed, seedDenyEgress } from "../../hack/cluster/seed";
import { nodeAddress, reachApiServerAndKubelet } from "./reach";
import { localStack, PulumiWorkspace } from "../../hack/cluster/workspace";

const mlflowHostname = `${mlflow.name}.${mlflow.namespace}.svc.cluster.local`;
const dnsPolicy = {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    name: "allow-dns-egress",
    namespace: seed.workflowNamespace,
};

/** Runs a one-step workflow that looks MLflow's name up; its phase and the step's log. */
async function lookUpMlflow(cluster: Cluster): Promise<{ phase: string; log: string }> {
    const created = await cluster.create(scriptWorkflow("dns-lookup", `nslookup ${mlflowHostname}`));
    const { workflow, log } = await finishedWorkflow(cluster, created.metadata.name);
    return { phase: workflow.status.phase, log };
}

describe("service DNS from workflow pods after the migration", function () {
    const cluster = new Cluster();
    let workspace: PulumiWorkspace;

    before(async () => {
        workspace = await localStack();
    });

    it("keeps the platform team's default-deny egress: the stack's rules add to it", async () => {
        const policy = await cluster.read({
            apiVersion: "networking.k8s.io/v1",
            kind: "NetworkPolicy",
            name: seedDenyEgress.metadata.name,
            namespace: seed.workflowNamespace,
        });
        assert.deepStrictEqual(policy.spec.policyTypes, ["Egress"]);
    });

    it("ran the DNS probe Job to completion, its log naming every name it resolved", async () => {
        const jobs = (await cluster.list("batch/v1", "Job", seed.workflowNamespace)).filter(
            (job) => job.metadata.labels?.["app.kubernetes.io/name"] === "dns-probe",
        );
        assert.strictEqual(jobs.length, 1);
        assert.strictEqual(jobs[0].status.succeeded, 1, JSON.stringify(jobs[0].status));
        const pod = (await cluster.list("v1", "Pod", seed.workflowNamespace)).find(
            (entry) => entry.metadata.labels?.["job-name"] === jobs[0].metadata.name,
        );
        assert.ok(pod, "the probe's pod is gone");
        const log = await cluster.podLog(seed.workflowNamespace, pod.metadata.name);
        assert.deepStrictEqual(log.trim().split("\n"), [
            `resolved ${mlflowHostname}`,
            "resolved kubernetes.default.svc.cluster.local",
        ]);
    });

    it("lets a workflow step resolve MLflow's name", async () => {
        const { phase, log } = await lookUpMlflow(cluster);
        assert.strictEqual(phase, "Succeeded", log);
        assert.match(
            log,
            new RegExp(`Name:\\s+${mlflowHostname.replace(/\./g, "\\.")}\\nAddress: 10\\.43\\.`),
        );
    });

    it("lets a workflow step reach the API server by its own rule; the kubelet on the node's address stays reachable through the platform team's policy, which allows all off the cluster", async () => {
        const { phase, log } = await reachApiServerAndKubelet(cluster);
        assert.strictEqual(phase, "Succeeded", log);
        const lines = log.trim().split("\n");
        assert.match(lines[0], /^kubernetes\.default\.svc 443: HTTP\/1\.0 400 Bad Request/, log);
        // NetworkPolicies add up: the stack's rules close the node's address (network.nodeAddresses,
        // observed in platform.test.ts), but cannot take away what another policy allows.
        assert.match(
            lines[1],
            new RegExp(`^${nodeAddress.replace(/\./g, "\\.")} 10250: HTTP/1\\.0 400 Bad Request`),
            log,
        );
    });

    /**
     * Deletes one of the stack's rules by hand before the tests of a describe, and has `pulumi up`
     * put it back after them. The admission guard refuses the delete; its way out (Warn mode) lets
     * it through with a warning.
     */
    function deletedByHand(policy: typeof dnsPolicy): void {
        before(async () => {
            workspace.setSettings("homelab-platform", { admissionGuard: { validationActions: ["Warn"] } });
            const warn = await workspace.up();
            assert.strictEqual(warn.code, 0, warn.output);
            await waitForGuard(cluster, "Warn");
            await cluster.delete(policy);
        });

        after(async () => {
            workspace.resetSettings();
            const result = await workspace.up();
            assert.strictEqual(result.code, 0, result.output);
            await waitForGuard(cluster, "Deny");
        });
    }

    describe("the stack's DNS rule deleted by hand", () => {
        deletedByHand(dnsPolicy);

        it("makes a workflow step's lookup time out again", async () => {
            const { phase, log } = await lookUpMlflow(cluster);
            assert.strictEqual(phase, "Failed", log);
            assert.match(log, /;; connection timed out; no servers could be reached/);
        });

        it("shows in a plain pulumi preview", async () => {
            const result = await workspace.preview();
            assert.strictEqual(result.code, 0, result.output);
            assert.match(
                result.output,
                /\+ +kubernetes:networking.k8s.io\/v1:NetworkPolicy +namespace-governance-seldon-system-allow-dns-egress +create/,
            );
        });

        it("is put back by pulumi up, and the lookup works again", async () => {
            const result = await workspace.up();
            assert.strictEqual(result.code, 0, result.output);
            assert.ok(await cluster.find(dnsPolicy), "pulumi up did not restore allow-dns-egress");
            const { phase, log } = await lookUpMlflow(cluster);
            assert.strictEqual(phase, "Succeeded", log);
        });
    });
});
