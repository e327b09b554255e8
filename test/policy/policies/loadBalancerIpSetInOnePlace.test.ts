import * as assert from "assert";
import { loadBalancerIpSetInOnePlace } from "../../../policy/policies/loadBalancerIpSetInOnePlace";
import { resourceViolations, runResourcePolicy, unknownString } from "../../harness/policy/harness";
import { helmChart, homelabStack, service } from "../../harness/policy/resources";

describe("loadbalancer-ip-set-in-one-place", () => {
    it("accepts every resource of the homelab, and a Service that uses only one of the two", async () => {
        for (const spec of [
            ...homelabStack(),
            service("apps", "field-only", { loadBalancerIP: "192.168.1.240" }),
            service("apps", "annotation-only", {
                annotations: { "metallb.io/loadBalancerIPs": "192.168.1.240" },
            }),
        ]) {
            assert.deepStrictEqual(
                await resourceViolations(loadBalancerIpSetInOnePlace, spec),
                [],
                spec.name,
            );
        }
    });

    it("rejects a Service that sets spec.loadBalancerIP and the annotation", async () => {
        const spec = service("ingress-nginx", "controller", {
            loadBalancerIP: "192.168.1.249",
            annotations: { "metallb.universe.tf/loadBalancerIPs": "192.168.1.249" },
        });
        assert.deepStrictEqual(await resourceViolations(loadBalancerIpSetInOnePlace, spec), [
            {
                message:
                    'Service ingress-nginx/controller (Pulumi name "controller") sets both spec.loadBalancerIP "192.168.1.249" ' +
                    'and annotation metallb.universe.tf/loadBalancerIPs "192.168.1.249": MetalLB refuses to assign an address ' +
                    "to a Service that sets both, so it stays pending. Remove spec.loadBalancerIP and keep the annotation.",
            },
        ]);
    });

    it("rejects ingress chart values that set both", async () => {
        const spec = helmChart("ingress-nginx", "ingress-nginx", "ingress-nginx", {
            controller: {
                service: {
                    loadBalancerIP: "192.168.1.249",
                    annotations: { "metallb.io/loadBalancerIPs": "192.168.1.249" },
                },
            },
        });
        assert.deepStrictEqual(
            (await resourceViolations(loadBalancerIpSetInOnePlace, spec)).map(
                (violation) => violation.message,
            ),
            [
                'Chart ingress-nginx/ingress-nginx (Pulumi name "ingress-nginx") sets both values ' +
                    'controller.service.loadBalancerIP "192.168.1.249" and values ' +
                    'controller.service.annotations["metallb.io/loadBalancerIPs"] "192.168.1.249": MetalLB refuses to assign ' +
                    "an address to a Service that sets both, so it stays pending. Remove values " +
                    "controller.service.loadBalancerIP and keep the annotation.",
            ],
        );
    });

    it("during preview, says nothing about a Service whose annotations are unknown", async () => {
        const spec = service("apps", "pending", { loadBalancerIP: "192.168.1.249" });
        (spec.props.metadata as Record<string, unknown>).annotations = unknownString;
        assert.deepStrictEqual(await runResourcePolicy(loadBalancerIpSetInOnePlace, spec), {
            violations: [],
        });
    });
});
