import * as assert from "assert";
import { loadBalancerIpFieldIsDeprecated } from "../../../policy/policies/loadBalancerIpFieldIsDeprecated";
import { resourceViolations, runResourcePolicy, unknownString } from "../../harness/policy/harness";
import { helmRelease, homelabStack, service } from "../../harness/policy/resources";

describe("loadbalancer-ip-field-is-deprecated", () => {
    it("accepts every resource of the homelab (annotations only)", async () => {
        for (const spec of homelabStack()) {
            assert.deepStrictEqual(
                await resourceViolations(loadBalancerIpFieldIsDeprecated, spec),
                [],
                spec.name,
            );
        }
    });

    it("flags spec.loadBalancerIP on a Service", async () => {
        const spec = service("ingress-nginx", "controller", { loadBalancerIP: "192.168.1.249" });
        assert.deepStrictEqual(await resourceViolations(loadBalancerIpFieldIsDeprecated, spec), [
            {
                message:
                    'Service ingress-nginx/controller (Pulumi name "controller") sets spec.loadBalancerIP "192.168.1.249", ' +
                    "deprecated since Kubernetes 1.24: request the address with annotation metallb.io/loadBalancerIPs: " +
                    '"192.168.1.249" instead.',
            },
        ]);
    });

    it("flags controller.service.loadBalancerIP in chart values (the seed's helm --set)", async () => {
        const spec = helmRelease("ingress-nginx", "ingress-nginx", "ingress-nginx", {
            controller: { service: { loadBalancerIP: "192.168.1.249" } },
        });
        assert.deepStrictEqual(
            (await resourceViolations(loadBalancerIpFieldIsDeprecated, spec)).map(
                (violation) => violation.message,
            ),
            [
                'Release ingress-nginx/ingress-nginx (Pulumi name "ingress-nginx") sets values controller.service.loadBalancerIP ' +
                    '"192.168.1.249", deprecated since Kubernetes 1.24: request the address with values ' +
                    'controller.service.annotations["metallb.io/loadBalancerIPs"]: "192.168.1.249" instead.',
            ],
        );
    });

    it("during preview, says nothing when the field is unknown", async () => {
        const spec = service("ingress-nginx", "controller", { loadBalancerIP: unknownString });
        assert.deepStrictEqual(await runResourcePolicy(loadBalancerIpFieldIsDeprecated, spec), {
            violations: [],
        });
    });
});
