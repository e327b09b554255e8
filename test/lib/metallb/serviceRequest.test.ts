import * as assert from "assert";
import { readAddressRequest } from "../../../lib/metallb/serviceRequest";
import { serviceAddressesOf } from "../../../stacks/addressMap";

interface Case {
    what: string;
    annotations: Record<string, string>;
    spec?: string;
    written: string[];
    pinned?: string;
    sharingKey?: string;
}

// Each case as `text@field`; the same table holds the pack's reading (policy/support/loadBalancerRequests.ts
// builds on it) and the address map's.
const cases: Case[] = [
    { what: "nothing asked", annotations: {}, written: [] },
    {
        what: "the current annotation, two addresses, spaces trimmed",
        annotations: { "metallb.io/loadBalancerIPs": "192.168.1.249, 2001:db8::1" },
        written: ["192.168.1.249@metallb.io/loadBalancerIPs", "2001:db8::1@metallb.io/loadBalancerIPs"],
    },
    {
        what: "the deprecated spelling alone",
        annotations: { "metallb.universe.tf/loadBalancerIPs": "192.168.1.249" },
        written: ["192.168.1.249@metallb.universe.tf/loadBalancerIPs"],
    },
    {
        what: "both spellings and the spec field: every one, the spec field first",
        annotations: {
            "metallb.universe.tf/loadBalancerIPs": "192.168.1.248",
            "metallb.io/loadBalancerIPs": "192.168.1.249",
        },
        spec: "192.168.1.247",
        written: [
            "192.168.1.247@spec.loadBalancerIP",
            "192.168.1.249@metallb.io/loadBalancerIPs",
            "192.168.1.248@metallb.universe.tf/loadBalancerIPs",
        ],
    },
    {
        what: "a pinned pool without an address, current spelling winning",
        annotations: { "metallb.universe.tf/address-pool": "old", "metallb.io/address-pool": "ingress-pool" },
        written: [],
        pinned: "ingress-pool",
    },
    {
        what: "empty entries dropped, a sharing key read",
        annotations: {
            "metallb.io/loadBalancerIPs": " ,192.168.1.249,",
            "metallb.io/allow-shared-ip": "edge",
        },
        written: ["192.168.1.249@metallb.io/loadBalancerIPs"],
        sharingKey: "edge",
    },
];

describe("lib/metallb/serviceRequest: what a Service asks of MetalLB", () => {
    for (const example of cases) {
        it(example.what, () => {
            const request = readAddressRequest(example.annotations, example.spec);
            if (example.written.length === 0 && example.pinned === undefined) {
                assert.strictEqual(request, undefined);
                return;
            }
            assert.deepStrictEqual(
                request?.written.map(({ text, field }) => `${text}@${field}`),
                example.written,
            );
            assert.strictEqual(request?.pinnedPool?.value, example.pinned);
            assert.strictEqual(request?.sharingKey, example.sharingKey);
        });
    }

    it("the address map shows a request written twice with both its addresses, not the first spelling's alone", () => {
        const service = serviceAddressesOf({
            metadata: {
                namespace: "tenants",
                name: "twice",
                annotations: {
                    "metallb.io/loadBalancerIPs": "192.168.1.249",
                    "metallb.universe.tf/loadBalancerIPs": "192.168.1.240",
                },
            },
            spec: { type: "LoadBalancer" },
        });
        assert.deepStrictEqual(service?.requested, ["192.168.1.249", "192.168.1.240"]);
    });
});
