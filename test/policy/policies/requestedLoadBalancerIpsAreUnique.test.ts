import * as assert from "assert";
import { requestedLoadBalancerIpsAreUnique } from "../../../policy/policies/requestedLoadBalancerIpsAreUnique";
import { runStackPolicy, stackViolations, unknownString, urnOf } from "../../harness/policy/harness";
import { helmRelease, homelabStack, service, types } from "../../harness/policy/resources";

const ip = (address: string, extra: Record<string, string> = {}) => ({
    annotations: { "metallb.io/loadBalancerIPs": address, ...extra },
});

describe("requested-loadbalancer-ips-are-unique", () => {
    it("accepts the homelab: the rendered Service and its chart's values are one request", async () => {
        assert.deepStrictEqual(await stackViolations(requestedLoadBalancerIpsAreUnique, homelabStack()), []);
    });

    it("accepts Services sharing an address with the same allow-shared-ip key (either spelling)", async () => {
        const specs = [
            service("apps", "dns-udp", ip("192.168.1.53", { "metallb.io/allow-shared-ip": "dns" })),
            service("apps", "dns-tcp", ip("192.168.1.53", { "metallb.universe.tf/allow-shared-ip": "dns" })),
        ];
        assert.deepStrictEqual(await stackViolations(requestedLoadBalancerIpsAreUnique, specs), []);
    });

    it("accepts a Service whose status holds the address it requests, and IPv4/IPv6 addresses with equal low bits", async () => {
        const specs = [
            service("ingress-nginx", "controller", { ...ip("192.168.1.249"), assigned: ["192.168.1.249"] }),
            service("apps", "v6", ip("::c0a8:1f9")),
        ];
        assert.deepStrictEqual(await stackViolations(requestedLoadBalancerIpsAreUnique, specs), []);
    });

    it("rejects two Services requesting one address, including spec.loadBalancerIP against the annotation", async () => {
        const specs = [
            service("ingress-nginx", "controller", ip("192.168.1.249")),
            service("apps", "grafana", { loadBalancerIP: "192.168.1.249" }),
        ];
        assert.deepStrictEqual(await stackViolations(requestedLoadBalancerIpsAreUnique, specs), [
            {
                message:
                    'LoadBalancer IP 192.168.1.249 is requested by Service ingress-nginx/controller (Pulumi name "controller") ' +
                    'and Service apps/grafana (Pulumi name "grafana"): MetalLB gives an address to one Service only, so the ' +
                    "others stay pending. Give each Service its own reserved address, or set the same " +
                    "metallb.io/allow-shared-ip value on all of them if they are meant to share it.",
                urn: urnOf({ type: types.service, name: "grafana" }),
            },
        ]);
    });

    it("rejects sharing when the allow-shared-ip keys differ", async () => {
        const specs = [
            service("apps", "a", ip("192.168.1.53", { "metallb.io/allow-shared-ip": "dns" })),
            service("apps", "b", ip("192.168.1.53", { "metallb.io/allow-shared-ip": "dns-tcp" })),
        ];
        assert.strictEqual((await stackViolations(requestedLoadBalancerIpsAreUnique, specs)).length, 1);
    });

    it("rejects sharing when one Service has no key, and counts a v3 Release's values", async () => {
        const specs = [
            service("apps", "a", ip("fd00::1", { "metallb.io/allow-shared-ip": "one" })),
            service("apps", "b", ip("fd00::1", { "metallb.io/allow-shared-ip": "two" })),
            helmRelease("ingress-nginx", "ingress-nginx", "ingress-nginx", {
                controller: { service: { loadBalancerIP: "fd00::1" } },
            }),
        ];
        assert.deepStrictEqual(
            (await stackViolations(requestedLoadBalancerIpsAreUnique, specs)).map(
                (violation) => violation.message,
            ),
            [
                'LoadBalancer IP fd00::1 is requested by Service apps/a (Pulumi name "a"), Service apps/b (Pulumi name "b") ' +
                    'and Release ingress-nginx/ingress-nginx (Pulumi name "ingress-nginx"): MetalLB gives an address to one ' +
                    "Service only, so the others stay pending. Give each Service its own reserved address, or set the same " +
                    "metallb.io/allow-shared-ip value on all of them if they are meant to share it.",
            ],
        );
    });

    it("rejects a request for an address MetalLB already assigned to another Service (the seed's risk)", async () => {
        const specs = [
            service("apps", "grafana", { assigned: ["192.168.1.249"] }),
            service("ingress-nginx", "controller", ip("192.168.1.249")),
        ];
        assert.deepStrictEqual(await stackViolations(requestedLoadBalancerIpsAreUnique, specs), [
            {
                message:
                    'Service ingress-nginx/controller (Pulumi name "controller") requests LoadBalancer IP 192.168.1.249, which ' +
                    'MetalLB already assigned to Service apps/grafana (Pulumi name "grafana") (status.loadBalancer): the ' +
                    "request stays pending while that Service holds it. Reserve the address in a pool with autoAssign: " +
                    "false and move the other Service to another address.",
                urn: urnOf({ type: types.service, name: "controller" }),
            },
        ]);
    });

    it("during preview, skips requests and statuses that are unknown", async () => {
        const specs = [
            service("apps", "a", ip("192.168.1.249")),
            service("apps", "b", ip(unknownString)),
            service("apps", "c", { loadBalancerIP: unknownString }),
            { ...service("apps", "d"), props: { ...service("apps", "d").props, status: unknownString } },
        ];
        assert.deepStrictEqual(await runStackPolicy(requestedLoadBalancerIpsAreUnique, specs), {
            violations: [],
        });
    });
});
