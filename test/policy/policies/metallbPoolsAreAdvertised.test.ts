import * as assert from "assert";
import { metallbPoolsAreAdvertised } from "../../../policy/policies/metallbPoolsAreAdvertised";
import { runStackPolicy, stackViolations, unknownString, urnOf } from "../../harness/policy/harness";
import { addressPool, homelabStack, l2Advertisement, types } from "../../harness/policy/resources";

const general = addressPool("homelab-pool", ["192.168.1.200-192.168.1.248", "192.168.1.250/32"], {
    labels: { tier: "general" },
});
const ingress = addressPool("ingress-pool", ["192.168.1.249/32"], {
    autoAssign: false,
    labels: { tier: "reserved" },
});

function notAdvertised(name: string, addresses: string, namespace = "metallb-system"): string {
    return (
        `IPAddressPool ${namespace}/${name} (Pulumi name "${name}") is not covered by any L2Advertisement or ` +
        `BGPAdvertisement in ${namespace}: MetalLB assigns its addresses (${addresses}) but never announces them, so ` +
        `they are unreachable from the LAN. Add ${name} to an L2Advertisement's spec.ipAddressPools in ${namespace}.`
    );
}

describe("metallb-pools-are-advertised", () => {
    it("accepts the homelab's L2Advertisement naming both pools", async () => {
        assert.deepStrictEqual(await stackViolations(metallbPoolsAreAdvertised, homelabStack()), []);
    });

    it("accepts an advertisement with neither pool names nor selectors, which covers every pool", async () => {
        const specs = [general, ingress, l2Advertisement("all", {})];
        assert.deepStrictEqual(await stackViolations(metallbPoolsAreAdvertised, specs), []);
    });

    it("accepts pools matched by label selectors (matchLabels, In, Exists) and by a BGPAdvertisement", async () => {
        const bgp = {
            ...l2Advertisement("bgp", { ipAddressPools: ["bgp-pool"] }),
            type: types.bgpAdvertisement,
        };
        const specs = [
            general,
            ingress,
            addressPool("lab-pool", ["10.0.0.0/28"], { labels: { lab: "yes" } }),
            addressPool("bgp-pool", ["10.0.1.0/28"]),
            l2Advertisement("by-label", {
                ipAddressPoolSelectors: [
                    { matchLabels: { tier: "general" } },
                    { matchExpressions: [{ key: "tier", operator: "In", values: ["reserved"] }] },
                    { matchExpressions: [{ key: "lab", operator: "Exists" }] },
                ],
            }),
            bgp,
        ];
        assert.deepStrictEqual(await stackViolations(metallbPoolsAreAdvertised, specs), []);
    });

    it("rejects the reserved pool when the advertisement names only the general pool", async () => {
        const specs = [general, ingress, l2Advertisement("homelab-l2", { ipAddressPools: ["homelab-pool"] })];
        assert.deepStrictEqual(await stackViolations(metallbPoolsAreAdvertised, specs), [
            {
                message: notAdvertised("ingress-pool", "192.168.1.249/32"),
                urn: urnOf({ type: types.ipAddressPool, name: "ingress-pool" }),
            },
        ]);
    });

    it("names no addresses for a pool without a readable entry", async () => {
        const empty = addressPool("empty-pool", ["not-an-address"]);
        const specs = [general, empty, l2Advertisement("homelab-l2", { ipAddressPools: ["homelab-pool"] })];
        const [violation] = await stackViolations(metallbPoolsAreAdvertised, specs);
        assert.ok(
            violation.message.includes("MetalLB assigns its addresses but never announces them"),
            violation.message,
        );
        assert.ok(!violation.message.includes("()"), violation.message);
    });

    it("rejects pools no selector matches, and pools whose advertisement lives in another namespace", async () => {
        const specs = [
            general,
            ingress,
            l2Advertisement("by-label", {
                ipAddressPoolSelectors: [
                    {
                        matchLabels: { tier: "general" },
                        matchExpressions: [{ key: "tier", operator: "NotIn", values: ["general"] }],
                    },
                ],
            }),
            addressPool("elsewhere", ["10.0.0.0/28"], { namespace: "metallb" }),
            l2Advertisement("elsewhere-l2", { ipAddressPools: ["elsewhere"] }),
        ];
        assert.deepStrictEqual(
            (await stackViolations(metallbPoolsAreAdvertised, specs)).map((violation) => violation.message),
            [
                notAdvertised("homelab-pool", "192.168.1.200-192.168.1.248, 192.168.1.250/32"),
                notAdvertised("ingress-pool", "192.168.1.249/32"),
                notAdvertised("elsewhere", "10.0.0.0/28", "metallb"),
            ],
        );
    });

    it("during preview, decides nothing for a namespace whose advertisements are unknown", async () => {
        const unknownNames = [
            general,
            ingress,
            l2Advertisement("pending", { ipAddressPools: unknownString }),
        ];
        assert.deepStrictEqual(await runStackPolicy(metallbPoolsAreAdvertised, unknownNames), {
            violations: [],
        });
        const unknownLabels = [
            general,
            addressPool("labels-pending", ["10.0.0.0/28"], {
                labels: unknownString as unknown as Record<string, string>,
            }),
            l2Advertisement("by-label", {
                ipAddressPools: ["homelab-pool"],
                ipAddressPoolSelectors: [{ matchLabels: { lab: "yes" } }],
            }),
        ];
        assert.deepStrictEqual(await runStackPolicy(metallbPoolsAreAdvertised, unknownLabels), {
            violations: [],
        });
    });
});
