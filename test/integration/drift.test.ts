// Drift: the governed objects deleted or edited behind the stack's back, as a `kubectl delete` or
// a `kubectl edit` would, with the admission guard in Warn mode (its way out: it refuses the
// deletes otherwise, as admissionGuard.test.ts shows). A plain `pulumi preview`
// shows it (the project refreshes before every operation) and a plain `pulumi up` puts it back,
// taking fields back from the other field manager. Runs after platform.test.ts.

import * as assert from "assert";
import { apiMessageOf, Cluster } from "../../hack/cluster/cluster";
import { waitForGuard } from "./guard";
import { reachApiServerAndKubelet } from "./reach";
import { metallbApi, quotaReference, seed } from "../../hack/cluster/seed";
import { localStack, PulumiWorkspace } from "../../hack/cluster/workspace";

const limitRange = {
    apiVersion: "v1",
    kind: "LimitRange",
    name: "seldon-system-limits",
    namespace: seed.workflowNamespace,
};
const dnsPolicy = {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    name: "allow-dns-egress",
    namespace: seed.workflowNamespace,
};
const offClusterPolicy = { ...dnsPolicy, name: "allow-off-cluster-egress" };
const generalPool = {
    apiVersion: metallbApi,
    kind: "IPAddressPool",
    name: seed.poolName,
    namespace: "metallb-system",
};

describe("drift behind the stack's back", function () {
    const cluster = new Cluster();
    let workspace: PulumiWorkspace;

    before(async () => {
        workspace = await localStack();
        workspace.setSettings("homelab-platform", { admissionGuard: { validationActions: ["Warn"] } });
        const warn = await workspace.up();
        assert.strictEqual(warn.code, 0, warn.output);
        await waitForGuard(cluster, "Warn");
        await cluster.mergePatch(quotaReference, { spec: { hard: { "requests.cpu": "1" } } }, "kubectl-edit");
        await cluster.delete(limitRange);
        await cluster.delete(dnsPolicy);
        await cluster.mergePatch(offClusterPolicy, { spec: { egress: [] } }, "kubectl-edit");
        await cluster.mergePatch(
            generalPool,
            { spec: { addresses: ["192.168.1.200-192.168.1.240"] } },
            "kubectl-edit",
        );
    });

    it("MetalLB's webhook refuses putting .249 back into homelab-pool by hand", async () => {
        // MetalLB checks the pools in the order its webhook lists them (internal/config/config.go,
        // poolsFor), so either pool can be the one reported.
        const overlaps = [
            'CIDR "192.168.1.248/31" in pool "homelab-pool" overlaps with already defined CIDR "192.168.1.249/32"',
            'CIDR "192.168.1.249/32" in pool "ingress-pool" overlaps with already defined CIDR "192.168.1.248/31"',
        ];
        // The guard only warns (waitForGuard saw every rule in Warn mode): MetalLB's webhook answers.
        let message = "";
        try {
            await cluster.mergePatch(generalPool, { spec: { addresses: [seed.poolRange] } }, "kubectl-edit");
        } catch (error) {
            message = apiMessageOf(error);
        }
        assert.notStrictEqual(message, "", "homelab-pool took 192.168.1.249 back");
        assert.ok(
            overlaps.some((expected) => message.includes(expected)),
            message,
        );
    });

    it("a workflow step still reaches the API server at the kubernetes Service's ClusterIP, by allow-api-server-egress alone", async () => {
        // allow-off-cluster-egress is emptied and allow-dns-egress gone: only the API server's own
        // rule lets the step (and the executor, which reports it) through.
        const { phase, log } = await reachApiServerAndKubelet(cluster, "10.43.0.1");
        assert.strictEqual(phase, "Succeeded", log);
        assert.match(log.trim().split("\n")[0], /^10\.43\.0\.1 443: HTTP\/1\.0 400 Bad Request/, log);
    });

    it("a plain pulumi preview shows every deleted and edited object", async () => {
        const result = await workspace.preview(["--expect-no-changes"]);
        assert.notStrictEqual(result.code, 0, result.output);
        for (const line of [
            /~ {2}kubernetes:core\/v1:ResourceQuota namespace-governance-seldon-system-quota update/,
            /\+ {2}kubernetes:core\/v1:LimitRange namespace-governance-seldon-system-limits create/,
            /\+ {2}kubernetes:networking.k8s.io\/v1:NetworkPolicy namespace-governance-seldon-system-allow-dns-egress create/,
            /~ {2}kubernetes:networking.k8s.io\/v1:NetworkPolicy namespace-governance-seldon-system-allow-off-cluster-egress update/,
            /~ {2}kubernetes:metallb.io\/v1beta1:IPAddressPool metallb-homelab-pool update/,
        ]) {
            assert.match(result.output, line);
        }
    });

    it("a plain pulumi up puts everything back, also what another field manager edited", async () => {
        workspace.resetSettings();
        const result = await workspace.up();
        assert.strictEqual(result.code, 0, result.output);
        const quota = await cluster.read(quotaReference);
        assert.strictEqual(quota.spec.hard["requests.cpu"], "8");
        assert.ok(await cluster.find(limitRange), "LimitRange not restored");
        assert.ok(await cluster.find(dnsPolicy), "DNS egress policy not restored");
        const offCluster = await cluster.read(offClusterPolicy);
        assert.strictEqual(offCluster.spec.egress.length, 1);
        const pool = await cluster.read(generalPool);
        assert.deepStrictEqual(pool.spec.addresses, ["192.168.1.200-192.168.1.248", "192.168.1.250/32"]);
        const again = await workspace.preview(["--expect-no-changes"]);
        assert.strictEqual(again.code, 0, again.output);
    });
});
