import * as assert from "assert";
import { pinnedPoolContainsRequestedIp } from "../../../policy/policies/pinnedPoolContainsRequestedIp";
import { runStackPolicy, stackViolations, unknownString, urnOf } from "../../harness/policy/harness";
import { addressPool, homelabStack, service, types } from "../../harness/policy/resources";
import { Editable } from "../../harness/stackConfig";

const pools = [
    addressPool("homelab-pool", ["192.168.1.200-192.168.1.248", "192.168.1.250/32"]),
    addressPool("ingress-pool", ["192.168.1.249/32"], { autoAssign: false }),
];

describe("pinned-pool-contains-requested-ip", () => {
    it("accepts the homelab's ingress Service pinned to the pool that holds its address", async () => {
        assert.deepStrictEqual(await stackViolations(pinnedPoolContainsRequestedIp, homelabStack()), []);
    });

    it("accepts a pinned pool with no requested address, and a request without a pinned pool", async () => {
        const specs = [
            ...pools,
            service("apps", "any", { annotations: { "metallb.io/address-pool": "homelab-pool" } }),
            service("apps", "free", { annotations: { "metallb.io/loadBalancerIPs": "192.168.1.249" } }),
        ];
        assert.deepStrictEqual(await stackViolations(pinnedPoolContainsRequestedIp, specs), []);
    });

    it("rejects a Service that pins a reserved pool whose serviceAllocation is for another Service, as MetalLB does", async () => {
        const controllerLabels = {
            "app.kubernetes.io/name": "ingress-nginx",
            "app.kubernetes.io/instance": "ingress-nginx",
            "app.kubernetes.io/component": "controller",
        };
        const reserved = addressPool("ingress-pool", ["192.168.1.249/32"], { autoAssign: false });
        (reserved.props.spec as Editable).serviceAllocation = {
            namespaces: ["ingress-nginx"],
            serviceSelectors: [{ matchLabels: controllerLabels }],
        };
        const pinning = {
            "metallb.io/loadBalancerIPs": "192.168.1.249",
            "metallb.io/address-pool": "ingress-pool",
        };
        const owner = service("ingress-nginx", "ingress-nginx-controller", { annotations: pinning });
        (owner.props.metadata as Editable).labels = controllerLabels;
        // Copying the labels does not help from another namespace; the right namespace without them neither.
        const tenant = service("tenant", "ingress-nginx-controller", {
            annotations: pinning,
            pulumiName: "tenant",
        });
        (tenant.props.metadata as Editable).labels = controllerLabels;
        const neighbour = service("ingress-nginx", "neighbour", { annotations: pinning });
        const specs = [pools[0], reserved, owner, tenant, neighbour];
        const allocation =
            "namespaces ingress-nginx and Services labelled app.kubernetes.io/name=ingress-nginx," +
            "app.kubernetes.io/instance=ingress-nginx,app.kubernetes.io/component=controller";
        const refusal = (description: string) =>
            `${description} pins IPAddressPool "ingress-pool" (annotation metallb.io/address-pool), whose serviceAllocation ` +
            `serves only ${allocation}: MetalLB gives the Service no address ("pool ingress-pool not compatible for ip ` +
            'assignment"). The pool is reserved for another Service: pin a pool of its own, or leave the address to the ' +
            "Service it is reserved for.";
        assert.deepStrictEqual(await stackViolations(pinnedPoolContainsRequestedIp, specs), [
            {
                message: refusal('Service tenant/ingress-nginx-controller (Pulumi name "tenant")'),
                urn: urnOf({ type: types.service, name: "tenant" }),
            },
            {
                message: refusal('Service ingress-nginx/neighbour (Pulumi name "neighbour")'),
                urn: urnOf({ type: types.service, name: "neighbour" }),
            },
        ]);
    });

    it("rejects a pinned pool that does not exist", async () => {
        const specs = [
            ...pools,
            service("apps", "typo", { annotations: { "metallb.universe.tf/address-pool": "ingres-pool" } }),
        ];
        assert.deepStrictEqual(await stackViolations(pinnedPoolContainsRequestedIp, specs), [
            {
                message:
                    'Service apps/typo (Pulumi name "typo") pins IPAddressPool "ingres-pool" (annotation ' +
                    "metallb.universe.tf/address-pool), but no IPAddressPool in this stack has that name: MetalLB never " +
                    "assigns the Service an address. Declare the pool or correct the annotation.",
                urn: urnOf({ type: types.service, name: "typo" }),
            },
        ]);
    });

    it("rejects a request outside the pinned pool, naming the pool that holds it", async () => {
        const specs = [
            ...pools,
            service("ingress-nginx", "controller", {
                annotations: {
                    "metallb.io/loadBalancerIPs": "192.168.1.250",
                    "metallb.io/address-pool": "ingress-pool",
                },
            }),
        ];
        assert.deepStrictEqual(
            (await stackViolations(pinnedPoolContainsRequestedIp, specs)).map(
                (violation) => violation.message,
            ),
            [
                'Service ingress-nginx/controller (Pulumi name "controller") requests LoadBalancer IP 192.168.1.250 ' +
                    '(annotation metallb.io/loadBalancerIPs) from pinned IPAddressPool "ingress-pool" (annotation ' +
                    "metallb.io/address-pool), which does not contain it (ingress-pool: 192.168.1.249/32): MetalLB never " +
                    "assigns the Service an address. Request an address of ingress-pool, or pin the pool that holds " +
                    "192.168.1.250 (it is in homelab-pool).",
            ],
        );
    });

    it("during preview, skips pools whose name or addresses are unknown", async () => {
        const pinned = service("apps", "pinned", {
            annotations: {
                "metallb.io/loadBalancerIPs": "192.168.1.249",
                "metallb.io/address-pool": "ingress-pool",
            },
        });
        const unknownAddresses = [addressPool("ingress-pool", unknownString, { autoAssign: false }), pinned];
        assert.deepStrictEqual(await runStackPolicy(pinnedPoolContainsRequestedIp, unknownAddresses), {
            violations: [],
        });
        const unknownName = [
            addressPool(unknownString, ["192.168.1.249/32"], { pulumiName: "pending" }),
            pinned,
        ];
        assert.deepStrictEqual(await runStackPolicy(pinnedPoolContainsRequestedIp, unknownName), {
            violations: [],
        });
    });
});
