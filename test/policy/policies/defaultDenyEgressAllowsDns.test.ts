import * as assert from "assert";
import { defaultDenyEgressAllowsDns } from "../../../policy/policies/defaultDenyEgressAllowsDns";
import { runStackPolicy, stackViolations, unknownString, urnOf } from "../../harness/policy/harness";
import { homelabStack, networkPolicy, replaced, types } from "../../harness/policy/resources";

const denyAll = networkPolicy("seldon-system", "default-deny-egress", {
    podSelector: {},
    policyTypes: ["Egress"],
});
const allowing = (egress: unknown[], podSelector: unknown = {}) =>
    networkPolicy("seldon-system", "allow", { podSelector, policyTypes: ["Egress"], egress });
const kubeDns = {
    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
    podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
};
const message =
    'NetworkPolicy seldon-system/default-deny-egress (Pulumi name "default-deny-egress") denies all egress in ' +
    'seldon-system, and no NetworkPolicy selecting all pods there allows DNS: every lookup times out ("Temporary ' +
    'failure in name resolution"). Add an egress rule to namespaceSelector {kubernetes.io/metadata.name: kube-system} ' +
    "with podSelector {k8s-app: kube-dns} on 53/UDP and 53/TCP.";

describe("default-deny-egress-allows-dns", () => {
    it("accepts the homelab: default deny plus allow-dns-egress", async () => {
        assert.deepStrictEqual(await stackViolations(defaultDenyEgressAllowsDns, homelabStack()), []);
    });

    it("accepts every way of allowing DNS: an open rule, any port to kube-dns, a port range, a named port, an ipBlock over the pod CIDR", async () => {
        for (const egress of [
            [{}],
            [{ to: [kubeDns] }],
            [{ to: [{ namespaceSelector: {} }], ports: [{ protocol: "UDP", port: 50, endPort: 60 }] }],
            [
                {
                    to: [
                        {
                            namespaceSelector: {
                                matchExpressions: [
                                    {
                                        key: "kubernetes.io/metadata.name",
                                        operator: "In",
                                        values: ["kube-system"],
                                    },
                                ],
                            },
                        },
                    ],
                    ports: [{ protocol: "UDP", port: "dns" }],
                },
            ],
            [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "UDP", port: 53 }] }],
        ]) {
            assert.deepStrictEqual(
                await stackViolations(defaultDenyEgressAllowsDns, [denyAll, allowing(egress)]),
                [],
                JSON.stringify(egress),
            );
        }
    });

    it("accepts namespaces without a default deny (egress rules present, Egress not in policyTypes, or some pods only)", async () => {
        const specs = [
            networkPolicy("a", "web-only", {
                podSelector: { matchLabels: { app: "web" } },
                policyTypes: ["Egress"],
            }),
            networkPolicy("b", "ingress-only", { podSelector: {}, policyTypes: ["Ingress"] }),
            networkPolicy("c", "some-egress", {
                podSelector: {},
                policyTypes: ["Egress"],
                egress: [{ to: [{ podSelector: {} }] }],
            }),
        ];
        assert.deepStrictEqual(await stackViolations(defaultDenyEgressAllowsDns, specs), []);
    });

    it("rejects a default deny with no DNS exception (the homelab with allow-dns-egress removed)", async () => {
        const specs = replaced(homelabStack(), { "allow-dns-egress": null });
        assert.deepStrictEqual(await stackViolations(defaultDenyEgressAllowsDns, specs), [
            { message, urn: urnOf({ type: types.networkPolicy, name: "default-deny-egress" }) },
        ]);
    });

    it("rejects DNS rules that miss: TCP only, protocol unset, wrong namespace, wrong pods, some pods only, pod CIDR excepted", async () => {
        for (const policy of [
            allowing([{ to: [kubeDns], ports: [{ protocol: "TCP", port: 53 }] }]),
            allowing([{ to: [kubeDns], ports: [{ port: 53 }] }]),
            allowing([
                {
                    to: [
                        {
                            namespaceSelector: {
                                matchLabels: { "kubernetes.io/metadata.name": "kube-public" },
                            },
                        },
                    ],
                },
            ]),
            allowing([
                { to: [{ ...kubeDns, podSelector: { matchLabels: { "k8s-app": "metrics-server" } } }] },
            ]),
            allowing([{ to: [{ podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }] }]),
            allowing([{ to: [kubeDns] }], { matchLabels: { app: "trainer" } }),
            allowing([
                { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.42.0.0/16", "10.43.0.0/16"] } }] },
            ]),
            allowing([
                { to: [{ ipBlock: { cidr: "10.43.0.10/32" } }], ports: [{ protocol: "UDP", port: 53 }] },
            ]),
        ]) {
            assert.deepStrictEqual(
                (await stackViolations(defaultDenyEgressAllowsDns, [denyAll, policy])).map(
                    (violation) => violation.message,
                ),
                [message],
                JSON.stringify(policy.props.spec),
            );
        }
    });

    it("during preview, decides nothing for a namespace whose policies hold unknown values", async () => {
        const specs = [
            denyAll,
            allowing([{ to: [kubeDns], ports: [{ protocol: unknownString, port: 53 }] }]),
        ];
        assert.deepStrictEqual(await runStackPolicy(defaultDenyEgressAllowsDns, specs), { violations: [] });
        const unknownNamespace = [
            denyAll,
            networkPolicy(unknownString, "pending", { podSelector: {}, egress: [{}] }),
        ];
        assert.deepStrictEqual(await runStackPolicy(defaultDenyEgressAllowsDns, unknownNamespace), {
            violations: [],
        });
    });
});
