import * as assert from "assert";
import { metallbAnnotationsUseCurrentPrefix } from "../../../policy/policies/metallbAnnotationsUseCurrentPrefix";
import { resourceViolations, runResourcePolicy, unknownString } from "../../harness/policy/harness";
import { helmChart, homelabStack, service } from "../../harness/policy/resources";

describe("metallb-annotations-use-current-prefix", () => {
    it("accepts every resource of the homelab (metallb.io/ annotations)", async () => {
        for (const spec of homelabStack()) {
            assert.deepStrictEqual(
                await resourceViolations(metallbAnnotationsUseCurrentPrefix, spec),
                [],
                spec.name,
            );
        }
    });

    it("flags each metallb.universe.tf/ annotation on a Service, on any Service type", async () => {
        const spec = service("apps", "dns", {
            type: "ClusterIP",
            annotations: {
                "metallb.universe.tf/allow-shared-ip": "dns",
                "metallb.universe.tf/address-pool": "general",
            },
        });
        assert.deepStrictEqual(
            (await resourceViolations(metallbAnnotationsUseCurrentPrefix, spec)).map(
                (violation) => violation.message,
            ),
            [
                'Service apps/dns (Pulumi name "dns") uses the deprecated annotation metallb.universe.tf/allow-shared-ip: ' +
                    "rename it to metallb.io/allow-shared-ip (MetalLB v0.14.9 and later read the metallb.io/ prefix; the " +
                    "metallb.universe.tf/ one is on its way out).",
                'Service apps/dns (Pulumi name "dns") uses the deprecated annotation metallb.universe.tf/address-pool: ' +
                    "rename it to metallb.io/address-pool (MetalLB v0.14.9 and later read the metallb.io/ prefix; the " +
                    "metallb.universe.tf/ one is on its way out).",
            ],
        );
    });

    it("flags them in ingress chart values", async () => {
        const spec = helmChart("ingress-nginx", "ingress-nginx", "ingress-nginx", {
            controller: {
                service: { annotations: { "metallb.universe.tf/loadBalancerIPs": "192.168.1.249" } },
            },
        });
        assert.deepStrictEqual(
            (await resourceViolations(metallbAnnotationsUseCurrentPrefix, spec)).map(
                (violation) => violation.message,
            ),
            [
                'Chart ingress-nginx/ingress-nginx (Pulumi name "ingress-nginx") uses the deprecated values ' +
                    "controller.service.annotations metallb.universe.tf/loadBalancerIPs: rename it to " +
                    "metallb.io/loadBalancerIPs (MetalLB v0.14.9 and later read the metallb.io/ prefix; the " +
                    "metallb.universe.tf/ one is on its way out).",
            ],
        );
    });

    it("during preview, says nothing when annotations are unknown", async () => {
        const spec = service("apps", "pending", {
            annotations: { "metallb.universe.tf/address-pool": "general" },
        });
        (spec.props.metadata as Record<string, unknown>).annotations = unknownString;
        assert.deepStrictEqual(await runResourcePolicy(metallbAnnotationsUseCurrentPrefix, spec), {
            violations: [],
        });
    });
});
