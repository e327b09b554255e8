// `npm run addresses -- --cluster` on the migrated cluster (left by migration.test.ts), with the
// real MetalLB controller: the command shows the allocations MetalLB made, and flags what a
// person must look at: an address another load-balancer implementation set outside every pool,
// and a request MetalLB refuses.

import * as assert from "assert";
import { Cluster } from "../../hack/cluster/cluster";
import { runOrFail } from "../../hack/cluster/commands";
import { autoAssignService, ensureNamespace } from "../../hack/cluster/seed";
import { repositoryRoot } from "../../hack/cluster/workspace";

const tenants = "tenants";

/** The command as a person runs it, against the cluster in KUBECONFIG; its output minus the title. */
async function addresses(): Promise<string[]> {
    const result = await runOrFail(
        "npm",
        ["run", "--silent", "addresses", "--", "--stack", "local", "--cluster"],
        {
            cwd: repositoryRoot,
        },
    );
    const [title, ...rest] = result.stdout.split("\n");
    assert.match(
        title,
        /^Addresses of stack local: LAN 192\.168\.1\.0\/24, allocations as MetalLB reports them on https:/,
    );
    return rest;
}

describe("npm run addresses against the cluster", function () {
    const cluster = new Cluster();

    it("shows the ingress on 192.168.1.249, allocated from ingress-pool as MetalLB reports it", async () => {
        assert.deepStrictEqual(await addresses(), [
            "",
            "  ADDRESSES                    POOL          HOLDER                                  STATE",
            "  192.168.1.0-192.168.1.199    -             LAN hosts                               outside every pool (200 addresses)",
            "  192.168.1.200-192.168.1.202  homelab-pool  auto-assign                             3 free",
            "  192.168.1.203                homelab-pool  mlflow/mlflow                           allocated from homelab-pool",
            "  192.168.1.204-192.168.1.248  homelab-pool  auto-assign                             45 free",
            "  192.168.1.249                ingress-pool  ingress-nginx/ingress-nginx-controller  allocated from ingress-pool",
            "  192.168.1.250                homelab-pool  auto-assign                             1 free",
            "  192.168.1.251-192.168.1.255  -             LAN hosts                               outside every pool (5 addresses)",
            "",
            "                    .0              .64             .128            .192",
            "192.168.1.0/24      ..................................................#-----------R.",
            "4 addresses a character: ! flagged  R/r reserved, in use/free  #/- pool, in use/free  . LAN hosts",
            "",
            "Free: homelab-pool 49 of 50, ingress-pool 0 of 1. Nothing flagged.",
            "",
        ]);
    });

    describe("with addresses that need a look", () => {
        before(async () => {
            await ensureNamespace(cluster, tenants);
            // Another load-balancer implementation on the LAN (MetalLB leaves Services of another
            // loadBalancerClass alone): it publishes an address outside every pool, as it would.
            await cluster.create({
                ...autoAssignService("vip", tenants),
                spec: {
                    ...autoAssignService("vip", tenants).spec,
                    loadBalancerClass: "kube-vip.io/kube-vip-class",
                },
            });
            await cluster.patchServiceStatus(tenants, "vip", {
                loadBalancer: { ingress: [{ ip: "192.168.1.180" }] },
            });
            // A request for an address in no pool, which MetalLB refuses.
            const typo = autoAssignService("typo", tenants);
            typo.metadata.annotations = { "metallb.io/loadBalancerIPs": "192.168.1.100" };
            await cluster.create(typo);
            // An auto-assign Service MetalLB serves, next to them.
            await cluster.create(autoAssignService("web", tenants));
        });

        after(async () => {
            for (const name of ["vip", "typo", "web"]) {
                await cluster.deleteIfPresent({
                    apiVersion: "v1",
                    kind: "Service",
                    name,
                    namespace: tenants,
                });
            }
        });

        it("flags the foreign address and the refused request, and shows MetalLB's allocation", async () => {
            const refusal = await cluster.waitFor("MetalLB's verdict on tenants/typo", async () => {
                const events = await cluster.eventsFor({
                    apiVersion: "v1",
                    kind: "Service",
                    name: "typo",
                    namespace: tenants,
                });
                return events.find((event) => event.reason === "AllocationFailed")?.message as
                    | string
                    | undefined;
            });
            assert.match(refusal, /^Failed to allocate IP for "tenants\/typo": /);
            const web = await cluster.waitFor("MetalLB to allocate tenants/web", async () => {
                const service = await cluster.read({
                    apiVersion: "v1",
                    kind: "Service",
                    name: "web",
                    namespace: tenants,
                });
                return service.status?.loadBalancer?.ingress?.[0]?.ip as string | undefined;
            });
            assert.strictEqual(web, "192.168.1.200");
            const vip = await cluster.read({
                apiVersion: "v1",
                kind: "Service",
                name: "vip",
                namespace: tenants,
            });
            // The API server defaults ipMode; MetalLB has not touched the Service.
            assert.deepStrictEqual(vip.status.loadBalancer, {
                ingress: [{ ip: "192.168.1.180", ipMode: "VIP" }],
            });
            assert.strictEqual(vip.metadata.annotations?.["metallb.io/ip-allocated-from-pool"], undefined);

            assert.deepStrictEqual(await addresses(), [
                "",
                "  ADDRESSES                    POOL          HOLDER                                  STATE",
                "  192.168.1.0-192.168.1.179    -             LAN hosts                               outside every pool (180 addresses)",
                "! 192.168.1.180                -             tenants/vip                             in use outside every pool, set by kube-vip.io/kube-vip-class",
                "  192.168.1.181-192.168.1.199  -             LAN hosts                               outside every pool (19 addresses)",
                "  192.168.1.200                homelab-pool  tenants/web                             allocated from homelab-pool",
                "  192.168.1.201-192.168.1.202  homelab-pool  auto-assign                             2 free",
                "  192.168.1.203                homelab-pool  mlflow/mlflow                           allocated from homelab-pool",
                "  192.168.1.204-192.168.1.248  homelab-pool  auto-assign                             45 free",
                "  192.168.1.249                ingress-pool  ingress-nginx/ingress-nginx-controller  allocated from ingress-pool",
                "  192.168.1.250                homelab-pool  auto-assign                             1 free",
                "  192.168.1.251-192.168.1.255  -             LAN hosts                               outside every pool (5 addresses)",
                "! 192.168.1.100                -             tenants/typo                            requested, pending: outside every pool",
                "",
                "                    .0              .64             .128            .192",
                "192.168.1.0/24      .............................................!....#-----------R.",
                "4 addresses a character: ! flagged  R/r reserved, in use/free  #/- pool, in use/free  . LAN hosts",
                "",
                "Free: homelab-pool 48 of 50, ingress-pool 0 of 1. 2 flagged (!).",
                "",
            ]);
        });
    });
});
