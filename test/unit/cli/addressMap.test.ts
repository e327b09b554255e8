import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { addressReport } from "../../../cli/addresses";
import { mapAddresses, renderAddressMap, ServiceObject, serviceAddressesOf } from "../../../cli/addressMap";
import { addressPlanOf } from "../../../stacks/addressPlan";
import { validateSettings } from "../../../stacks/validation";
import { projectRoot, readStackConfig } from "../../harness/stackConfig";

const homelabPlan = () => addressPlanOf(validateSettings(readStackConfig("homelab")));

/** A LoadBalancer Service as the API server returns it. */
function loadBalancer(
    name: string,
    options: { ip?: string; pool?: string; request?: string; loadBalancerClass?: string } = {},
): ServiceObject {
    const [namespace, serviceName] = name.split("/");
    return {
        metadata: {
            namespace,
            name: serviceName,
            annotations: {
                ...(options.pool ? { "metallb.io/ip-allocated-from-pool": options.pool } : {}),
                ...(options.request ? { "metallb.io/loadBalancerIPs": options.request } : {}),
            },
        },
        spec: { type: "LoadBalancer", loadBalancerClass: options.loadBalancerClass },
        status: { loadBalancer: options.ip ? { ingress: [{ ip: options.ip }] } : {} },
    };
}

function servicesOf(objects: ServiceObject[]) {
    return objects.flatMap((object) => serviceAddressesOf(object) ?? []);
}

describe("address map", () => {
    it("npm run addresses prints the homelab's plan from its settings alone", async () => {
        assert.strictEqual(
            await addressReport(["--stack", "homelab"]),
            [
                "Addresses of stack homelab: LAN 192.168.1.0/24",
                "",
                "  ADDRESSES                    POOL          HOLDER                                       STATE",
                "  192.168.1.0-192.168.1.199    -             LAN hosts                                    outside every pool (200 addresses)",
                "  192.168.1.200-192.168.1.248  homelab-pool  auto-assign                                  49 addresses",
                "  192.168.1.249                ingress-pool  ingress release ingress-nginx/ingress-nginx  reserved",
                "  192.168.1.250                homelab-pool  auto-assign                                  1 address",
                "  192.168.1.251-192.168.1.255  -             LAN hosts                                    outside every pool (5 addresses)",
                "",
                "                    .0              .64             .128            .192",
                "192.168.1.0/24      ..................................................------------r.",
                "4 addresses a character: ! flagged  R/r reserved, in use/free  #/- pool, in use/free  . LAN hosts",
                "",
                "The plan alone: run with --cluster for what MetalLB allocated.",
                "",
            ].join("\n"),
        );
    });

    it("is shown in docs/operating.md as it prints", async () => {
        const page = fs.readFileSync(path.join(projectRoot, "docs", "operating.md"), "utf8");
        const example = /```text\n\$ npm run addresses\n([\s\S]*?)```/.exec(page);
        assert.ok(example, "docs/operating.md has no `$ npm run addresses` example");
        assert.strictEqual(example[1], await addressReport([]));
    });

    it("refuses an unknown argument and names a missing stack file", async () => {
        await assert.rejects(addressReport(["--clusters"]), /unknown argument "--clusters"/);
        await assert.rejects(addressReport(["--stack", "nope"]), /stack "nope" has no settings file/);
    });

    it("says which Service holds which address, and what is still free in each pool", () => {
        const map = mapAddresses(
            homelabPlan(),
            servicesOf([
                loadBalancer("ingress-nginx/ingress-nginx-controller", {
                    ip: "192.168.1.249",
                    pool: "ingress-pool",
                    request: "192.168.1.249",
                }),
                loadBalancer("tenants/web", { ip: "192.168.1.200", pool: "homelab-pool" }),
                loadBalancer("tenants/api", { ip: "192.168.1.202", pool: "homelab-pool" }),
                { metadata: { namespace: "tenants", name: "internal" }, spec: { type: "ClusterIP" } },
            ]),
        );
        assert.deepStrictEqual(
            map.rows.map((row) => [row.addresses, row.pool, row.holder, row.state, row.flagged]),
            [
                ["192.168.1.0-192.168.1.199", "-", "LAN hosts", "outside every pool (200 addresses)", false],
                ["192.168.1.200", "homelab-pool", "tenants/web", "allocated from homelab-pool", false],
                ["192.168.1.201", "homelab-pool", "auto-assign", "1 free", false],
                ["192.168.1.202", "homelab-pool", "tenants/api", "allocated from homelab-pool", false],
                ["192.168.1.203-192.168.1.248", "homelab-pool", "auto-assign", "46 free", false],
                [
                    "192.168.1.249",
                    "ingress-pool",
                    "ingress-nginx/ingress-nginx-controller",
                    "allocated from ingress-pool",
                    false,
                ],
                ["192.168.1.250", "homelab-pool", "auto-assign", "1 free", false],
                ["192.168.1.251-192.168.1.255", "-", "LAN hosts", "outside every pool (5 addresses)", false],
            ],
        );
        assert.deepStrictEqual(map.strip, [
            "192.168.1.0/24      ..................................................#-----------R.",
        ]);
        assert.strictEqual(map.summary, "Free: homelab-pool 48 of 50, ingress-pool 0 of 1. Nothing flagged.");
    });

    it("flags addresses in use outside every pool or not from MetalLB, the plan's drift, and Services waiting", () => {
        const map = mapAddresses(
            homelabPlan(),
            servicesOf([
                // Another load-balancer implementation on the same LAN, outside every pool and inside one.
                loadBalancer("tenants/vip", {
                    ip: "192.168.1.180",
                    loadBalancerClass: "kube-vip.io/kube-vip-class",
                }),
                loadBalancer("tenants/vip-in-pool", {
                    ip: "192.168.1.201",
                    loadBalancerClass: "kube-vip.io/kube-vip-class",
                }),
                // The seed: .249 from the auto-assign pool, where the plan reserves it.
                loadBalancer("ingress-nginx/ingress-nginx-controller", {
                    ip: "192.168.1.249",
                    pool: "homelab-pool",
                }),
                loadBalancer("tenants/typo", { request: "192.168.1.100" }),
                loadBalancer("tenants/copy", { request: "192.168.1.249" }),
                loadBalancer("tenants/late"),
            ]),
        );
        assert.deepStrictEqual(
            map.rows
                .filter((row) => row.flagged)
                .map((row) => [row.addresses, row.pool, row.holder, row.state]),
            [
                [
                    "192.168.1.180",
                    "-",
                    "tenants/vip",
                    "in use outside every pool, set by kube-vip.io/kube-vip-class",
                ],
                [
                    "192.168.1.201",
                    "homelab-pool",
                    "tenants/vip-in-pool",
                    "in use, set by kube-vip.io/kube-vip-class: MetalLB may hand it out again",
                ],
                [
                    "192.168.1.249",
                    "ingress-pool",
                    "ingress-nginx/ingress-nginx-controller",
                    "allocated from homelab-pool; the plan puts it in ingress-pool",
                ],
                ["192.168.1.100", "-", "tenants/typo", "requested, pending: outside every pool"],
                [
                    "192.168.1.249",
                    "ingress-pool",
                    "tenants/copy",
                    "requested, pending: held by ingress-nginx/ingress-nginx-controller",
                ],
                ["-", "-", "tenants/late", "pending"],
            ],
        );
        assert.deepStrictEqual(map.strip, [
            "192.168.1.0/24      .............................................!....!-----------!.",
        ]);
        assert.strictEqual(map.summary, "Free: homelab-pool 49 of 50, ingress-pool 0 of 1. 6 flagged (!).");
        const printed = renderAddressMap(map, "title").split("\n");
        assert.ok(
            printed.includes(
                "! 192.168.1.180                -             tenants/vip                             in use outside every pool, set by kube-vip.io/kube-vip-class",
            ),
            printed.join("\n"),
        );
    });

    it("reads a Service's addresses, the pool MetalLB names, and every spelling of a request", () => {
        assert.strictEqual(serviceAddressesOf({ spec: { type: "NodePort" } }), undefined);
        assert.deepStrictEqual(
            serviceAddressesOf({
                metadata: {
                    namespace: "a",
                    name: "b",
                    annotations: { "metallb.universe.tf/loadBalancerIPs": "192.168.1.210, 2001:db8::10" },
                },
                spec: { type: "LoadBalancer" },
                status: { loadBalancer: { ingress: [{ ip: "192.168.1.210" }, { ip: "2001:db8::10" }] } },
            }),
            {
                service: "a/b",
                addresses: ["192.168.1.210", "2001:db8::10"],
                allocatedFromPool: undefined,
                requested: ["192.168.1.210", "2001:db8::10"],
                loadBalancerClass: undefined,
            },
        );
        assert.deepStrictEqual(
            serviceAddressesOf({
                metadata: { namespace: "a", name: "b" },
                spec: { type: "LoadBalancer", loadBalancerIP: "192.168.1.249" },
            })?.requested,
            ["192.168.1.249"],
        );
    });

    it("draws only the /24s that hold a pool or an address in use, and none for IPv6", () => {
        const raw = readStackConfig("homelab");
        raw.network = { ...(raw.network as object), lanCidr: "10.20.0.0/16" };
        raw.metallb = {
            ...(raw.metallb as object),
            generalPool: { name: "homelab-pool", addresses: "10.20.5.0/24" },
            reservations: [{ pool: "ingress-pool", address: "10.20.5.7" }],
        };
        const plan = addressPlanOf(validateSettings(raw));
        plan.pools.push({
            name: "v6-pool",
            autoAssign: true,
            ranges: [{ family: 6, first: 0x20010db8n << 96n, last: (0x20010db8n << 96n) + 15n }],
        });
        const map = mapAddresses(plan, servicesOf([loadBalancer("x/far", { ip: "10.20.9.9" })]));
        assert.deepStrictEqual(map.strip, [
            "10.20.5.0/24        -r--------------------------------------------------------------",
            "10.20.9.0/24        ..!.............................................................",
        ]);
        assert.deepStrictEqual(
            map.rows.map((row) => row.addresses),
            [
                "10.20.0.0-10.20.4.255",
                "10.20.5.0-10.20.5.6",
                "10.20.5.7",
                "10.20.5.8-10.20.5.255",
                "10.20.6.0-10.20.9.8",
                "10.20.9.9",
                "10.20.9.10-10.20.255.255",
                "2001:db8::/124",
            ],
        );
    });
});
