// The seed's cluster, recreated the way it was made, and each debt reproduced on it by the real
// components: Argo's workflow-controller failing the quota, MetalLB handing the ingress IP to
// another Service. The state left behind is the seed's, for migration.test.ts to converge.

import * as assert from "assert";
import { Cluster } from "../../hack/cluster/cluster";
import { helmOrFail } from "../../hack/cluster/helm";
import {
    allocationOf,
    autoAssignService,
    ensureNamespace,
    installSeedIngress,
    readWorkflow,
    recreateSeedCluster,
    seed,
    quotaReference,
    seedQuota,
    submitTrainingWorkflow,
    scriptWorkflow,
    finishedWorkflow,
} from "../../hack/cluster/seed";
import { mlflow } from "../../hack/cluster/mlflow";

const mlflowHostname = `${mlflow.name}.${mlflow.namespace}.svc.cluster.local`;

describe("the seed's cluster, recreated as it was made", function () {
    const cluster = new Cluster();

    before(async () => {
        await recreateSeedCluster(cluster);
    });

    it("MetalLB gives the ingress 192.168.1.249 from homelab-pool", async () => {
        const service = await cluster.waitFor("the ingress Service's address", async () => {
            const current = await cluster.read(seed.ingressService);
            return allocationOf(current).address ? current : undefined;
        });
        assert.deepStrictEqual(allocationOf(service), { address: seed.ingressAddress, pool: seed.poolName });
        assert.strictEqual(service.spec.loadBalancerIP, seed.ingressAddress);
    });

    describe("debt 1: the quota, put back by hand", () => {
        before(async () => {
            await cluster.create(seedQuota);
            await cluster.waitFor("seldon-system-quota status", async () => {
                const quota = await cluster.read(quotaReference);
                return quota.status?.hard?.["requests.cpu"];
            });
        });

        after(async () => {
            // Back to the seed's state: the quota deleted, as the workaround did.
            await cluster.delete(quotaReference);
        });

        it("fails a workflow run by the real Argo controller with the seed's error", async () => {
            const name = await submitTrainingWorkflow(cluster);
            const workflow = await cluster.waitFor("the workflow to fail", async () => {
                const current = await readWorkflow(cluster, name);
                return ["Failed", "Error"].includes(current.status?.phase) ? current : undefined;
            });
            assert.ok(
                String(workflow.status.message).endsWith(
                    "failed quota: seldon-system-quota: must specify limits.memory for: init,main,wait; requests.cpu for: init,main,wait; requests.memory for: init,main,wait",
                ),
                JSON.stringify(workflow.status, null, 2),
            );
            await cluster.delete({
                apiVersion: "argoproj.io/v1alpha1",
                kind: "Workflow",
                name,
                namespace: seed.workflowNamespace,
            });
        });
    });

    describe("debt 2: workflow pods cannot resolve service names", () => {
        it("a workflow step's lookup of MLflow's name times out under the platform team's default-deny egress", async () => {
            const workflow = await cluster.create(scriptWorkflow("dns-lookup", `nslookup ${mlflowHostname}`));
            const { workflow: ended, log } = await finishedWorkflow(cluster, workflow.metadata.name);
            assert.strictEqual(ended.status.phase, "Failed", JSON.stringify(ended.status));
            // busybox's words for what Python reports as "Temporary failure in name resolution".
            assert.match(log, /;; connection timed out; no servers could be reached/);
            console.log(
                `      the step's lookup: ${log.split("\n").find((line) => line.includes("timed out"))}`,
            );
        });
    });

    describe("debt 3: the ingress IP, unreserved inside the auto-assign pool", () => {
        const tenants = "tenants";
        const names = Array.from({ length: 50 }, (_, index) => `tenant-${index}`);

        after(async () => {
            for (const name of names) {
                await cluster.deleteIfPresent({
                    apiVersion: "v1",
                    kind: "Service",
                    name,
                    namespace: tenants,
                });
            }
            // The seed again: the ingress holds .249, whoever had to wait for it.
            await cluster.waitFor("the ingress to get 192.168.1.249 back", async () => {
                const current = await cluster.read(seed.ingressService);
                return allocationOf(current).address === seed.ingressAddress ? current : undefined;
            });
        });

        it("lets an auto-assign Service take 192.168.1.249 while it is free, and the ingress cannot get it back", async () => {
            // Reinstalling the ingress frees its address for a moment.
            await helmOrFail(["uninstall", "ingress-nginx", "--namespace", "ingress-nginx", "--wait"]);
            await ensureNamespace(cluster, tenants);
            for (const name of names) {
                await cluster.create(autoAssignService(name, tenants));
            }
            const holders = await cluster.waitFor("50 auto-assign Services to get addresses", async () => {
                const services = await cluster.list("v1", "Service", tenants);
                const allocated = services.filter((service) => allocationOf(service).address);
                return allocated.length === names.length ? allocated : undefined;
            });
            const holder = holders.find((service) => allocationOf(service).address === seed.ingressAddress);
            assert.ok(
                holder,
                `no Service got .249: ${holders.map((s) => allocationOf(s).address).join(", ")}`,
            );
            assert.strictEqual(allocationOf(holder).pool, seed.poolName);

            await installSeedIngress(false, false);
            const pending = await cluster.waitFor("MetalLB's verdict on the ingress Service", async () => {
                const events = await cluster.eventsFor(seed.ingressService);
                return events.find((event) => event.reason === "AllocationFailed");
            });
            const ingress = await cluster.read(seed.ingressService);
            assert.deepStrictEqual(allocationOf(ingress), { address: undefined, pool: undefined });
            assert.strictEqual(pending.source?.component, "metallb-controller");
            const service = "ingress-nginx/ingress-nginx-controller";
            assert.strictEqual(
                pending.message,
                `Failed to allocate IP for "${service}": can't change sharing key for "${service}", ` +
                    `address also in use by ${tenants}/${holder.metadata.name}`,
            );
            console.log(`      MetalLB: ${pending.reason}: ${pending.message}`);
        });
    });
});
