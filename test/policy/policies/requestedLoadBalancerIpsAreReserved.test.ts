import * as assert from "assert";
import { requestedLoadBalancerIpsAreReserved } from "../../../policy/policies/requestedLoadBalancerIpsAreReserved";
import {
    runStackPolicy,
    stackViolations,
    unknownObject,
    unknownString,
    urnOf,
} from "../../harness/policy/harness";
import {
    addressPool,
    helmChart,
    helmRelease,
    homelabStack,
    replaced,
    service,
    types,
} from "../../harness/policy/resources";

const homelabPool = 'IPAddressPool metallb-system/homelab-pool (Pulumi name "homelab-pool")';
const ingressService =
    'Service ingress-nginx/ingress-nginx-controller (Pulumi name "ingress-nginx-controller")';
const requestsIngressIp = { annotations: { "metallb.io/loadBalancerIPs": "192.168.1.249" } };
const seedPool = addressPool("homelab-pool", ["192.168.1.200-192.168.1.250"]);

function inAutoAssignPool(requester: string, source: string): string {
    return (
        `${requester} requests LoadBalancer IP 192.168.1.249 (${source}), which lies in ${homelabPool} ` +
        "(192.168.1.200-192.168.1.250) with autoAssign enabled: MetalLB can hand it to any other LoadBalancer Service " +
        "first. Reserve it: in homelab-pool, replace 192.168.1.200-192.168.1.250 with 192.168.1.200-192.168.1.248, " +
        "192.168.1.250/32, and add a pool with addresses [192.168.1.249/32] and autoAssign: false."
    );
}

describe("requested-loadbalancer-ips-are-reserved", () => {
    it("accepts the homelab: the ingress Service and chart values request .249 from the reserved pool", async () => {
        assert.deepStrictEqual(
            await stackViolations(requestedLoadBalancerIpsAreReserved, homelabStack()),
            [],
        );
    });

    it("accepts a request at the edge of a reserved range and an IPv6 request in a reserved IPv6 pool", async () => {
        const specs = [
            addressPool("reserved", ["192.168.1.240-192.168.1.249"], { autoAssign: false }),
            addressPool("general", ["192.168.1.250/32"]),
            addressPool("reserved-v6", ["fd00::10/128"], { autoAssign: false }),
            service("apps", "edge", {
                annotations: { "metallb.io/loadBalancerIPs": "192.168.1.249,fd00::10" },
            }),
        ];
        assert.deepStrictEqual(await stackViolations(requestedLoadBalancerIpsAreReserved, specs), []);
    });

    it("rejects the seed: .249 requested while it sits in the auto-assign pool (autoAssign unset)", async () => {
        const specs = [seedPool, service("ingress-nginx", "ingress-nginx-controller", requestsIngressIp)];
        assert.deepStrictEqual(await stackViolations(requestedLoadBalancerIpsAreReserved, specs), [
            {
                message: inAutoAssignPool(ingressService, "annotation metallb.io/loadBalancerIPs"),
                urn: urnOf({ type: types.service, name: "ingress-nginx-controller" }),
            },
        ]);
    });

    it("reads the deprecated annotation and spec.loadBalancerIP too", async () => {
        for (const [options, source] of [
            [
                { annotations: { "metallb.universe.tf/loadBalancerIPs": "192.168.1.249" } },
                "annotation metallb.universe.tf/loadBalancerIPs",
            ],
            [{ loadBalancerIP: "192.168.1.249" }, "spec.loadBalancerIP"],
        ] as const) {
            const specs = [seedPool, service("ingress-nginx", "ingress-nginx-controller", options)];
            assert.deepStrictEqual(
                (await stackViolations(requestedLoadBalancerIpsAreReserved, specs)).map(
                    (violation) => violation.message,
                ),
                [inAutoAssignPool(ingressService, source)],
            );
        }
    });

    it("treats ingress chart values as the Service request when the chart's objects are not shown (v3 Release)", async () => {
        const release = helmRelease("ingress-nginx", "ingress-nginx", "ingress-nginx/ingress-nginx", {
            controller: { service: { loadBalancerIP: "192.168.1.249" } },
        });
        assert.deepStrictEqual(
            (await stackViolations(requestedLoadBalancerIpsAreReserved, [seedPool, release])).map(
                (violation) => violation.message,
            ),
            [
                inAutoAssignPool(
                    'Release ingress-nginx/ingress-nginx (Pulumi name "ingress-nginx")',
                    "values controller.service.loadBalancerIP",
                ),
            ],
        );
    });

    it("reads F5 nginx-ingress values in an unrendered v4 Chart, and ignores a chart whose Service is rendered", async () => {
        const values = {
            controller: { service: { annotations: { "metallb.io/loadBalancerIPs": "192.168.1.249" } } },
        };
        const chart = helmChart(
            "nginx-ingress",
            "nginx-ingress",
            "oci://ghcr.io/nginx/charts/nginx-ingress",
            values,
            "f5",
        );
        assert.deepStrictEqual(
            (await stackViolations(requestedLoadBalancerIpsAreReserved, [seedPool, chart])).map(
                (violation) => violation.message,
            ),
            [
                inAutoAssignPool(
                    'Chart nginx-ingress/nginx-ingress (Pulumi name "f5")',
                    'values controller.service.annotations["metallb.io/loadBalancerIPs"]',
                ),
            ],
        );
        const rendered = service("nginx-ingress", "nginx-ingress-controller", {
            parent: "f5",
            type: "ClusterIP",
        });
        assert.deepStrictEqual(
            await stackViolations(requestedLoadBalancerIpsAreReserved, [seedPool, chart, rendered]),
            [],
        );
    });

    it("ignores Services that are not of type LoadBalancer and charts that disable the Service", async () => {
        const specs = [
            seedPool,
            service("apps", "internal", { ...requestsIngressIp, type: "ClusterIP" }),
            helmRelease("ingress-nginx", "ingress-nginx", "ingress-nginx", {
                controller: { service: { enabled: false, loadBalancerIP: "192.168.1.249" } },
            }),
        ];
        assert.deepStrictEqual(await stackViolations(requestedLoadBalancerIpsAreReserved, specs), []);
    });

    it("rejects an address in no pool, and a requested value that is not an address", async () => {
        const specs = [
            addressPool("homelab-pool", ["192.168.1.200-192.168.1.248"]),
            service("apps", "outside", {
                annotations: { "metallb.io/loadBalancerIPs": "192.168.1.10, 192.168.1.249/32" },
            }),
        ];
        assert.deepStrictEqual(
            (await stackViolations(requestedLoadBalancerIpsAreReserved, specs)).map(
                (violation) => violation.message,
            ),
            [
                'Service apps/outside (Pulumi name "outside") requests LoadBalancer IP "192.168.1.249/32" (annotation ' +
                    "metallb.io/loadBalancerIPs), which is not an IP address: MetalLB cannot assign it. Write one IPv4 or " +
                    "IPv6 address (two, comma-separated, for dual stack).",
                'Service apps/outside (Pulumi name "outside") requests LoadBalancer IP 192.168.1.10 (annotation ' +
                    "metallb.io/loadBalancerIPs), which lies in no IPAddressPool of this stack: MetalLB cannot assign it and " +
                    "the Service stays pending. Add a pool with addresses [192.168.1.10/32] and autoAssign: false (covered " +
                    "by an L2Advertisement), or request an address of an existing reserved pool.",
            ],
        );
    });

    it("rejects an IPv6 address in an auto-assign IPv6 pool, and the address just past a reserved range", async () => {
        const specs = [
            addressPool("reserved", ["192.168.1.240-192.168.1.248"], { autoAssign: false }),
            addressPool("v6", ["fd00::/126"]),
            service("apps", "dual", {
                annotations: { "metallb.io/loadBalancerIPs": "192.168.1.249,fd00::3" },
            }),
        ];
        assert.deepStrictEqual(
            (await stackViolations(requestedLoadBalancerIpsAreReserved, specs)).map(
                (violation) => violation.message,
            ),
            [
                'Service apps/dual (Pulumi name "dual") requests LoadBalancer IP 192.168.1.249 (annotation ' +
                    "metallb.io/loadBalancerIPs), which lies in no IPAddressPool of this stack: MetalLB cannot assign it and " +
                    "the Service stays pending. Add a pool with addresses [192.168.1.249/32] and autoAssign: false (covered " +
                    "by an L2Advertisement), or request an address of an existing reserved pool.",
                'Service apps/dual (Pulumi name "dual") requests LoadBalancer IP fd00::3 (annotation ' +
                    'metallb.io/loadBalancerIPs), which lies in IPAddressPool metallb-system/v6 (Pulumi name "v6") ' +
                    "(fd00::/126) with autoAssign enabled: MetalLB can hand it to any other LoadBalancer Service first. " +
                    "Reserve it: in v6, replace fd00::/126 with fd00::-fd00::2, and add a pool with addresses " +
                    "[fd00::3/128] and autoAssign: false.",
            ],
        );
    });

    it("never suggests emptying a pool: one that holds only the address becomes the reservation", async () => {
        const specs = [
            addressPool("single", ["192.168.1.249/32"]),
            addressPool("two", ["192.168.1.250/32", "192.168.1.251/32"]),
            service("apps", "web", { annotations: { "metallb.io/loadBalancerIPs": "192.168.1.249" } }),
            service("apps", "api", { annotations: { "metallb.io/loadBalancerIPs": "192.168.1.250" } }),
        ];
        assert.deepStrictEqual(
            (await stackViolations(requestedLoadBalancerIpsAreReserved, specs)).map((violation) =>
                violation.message.replace(/^.* Reserve it: /, ""),
            ),
            [
                "single holds only 192.168.1.249, so set autoAssign: false on it.",
                "remove 192.168.1.250/32 from two, and add a pool with addresses [192.168.1.250/32] and autoAssign: false.",
            ],
        );
    });

    it("during preview, skips what is unknown: no 'in no pool' verdict while some pool's addresses are unknown", async () => {
        const specs = replaced(homelabStack(), {
            "ingress-pool": addressPool("ingress-pool", unknownString, { autoAssign: false }),
        });
        specs.push(
            service("apps", "pending", { annotations: { "metallb.io/loadBalancerIPs": unknownString } }),
            {
                ...service("apps", "unknown-spec"),
                props: { metadata: { name: "unknown-spec", namespace: "apps" }, spec: unknownObject },
            },
            addressPool("auto-unknown", ["10.0.0.0/24"], { autoAssign: unknownString as unknown as boolean }),
            service("apps", "in-auto-unknown", { annotations: { "metallb.io/loadBalancerIPs": "10.0.0.7" } }),
        );
        const run = await runStackPolicy(requestedLoadBalancerIpsAreReserved, specs);
        assert.deepStrictEqual(run, { violations: [] });
        // The same request once the pool is known is a violation: the skip above is the unknown's doing.
        const known = await stackViolations(requestedLoadBalancerIpsAreReserved, [
            addressPool("auto-known", ["10.0.0.0/24"]),
            service("apps", "in-auto-known", { annotations: { "metallb.io/loadBalancerIPs": "10.0.0.7" } }),
        ]);
        assert.strictEqual(known.length, 1);
    });
});
