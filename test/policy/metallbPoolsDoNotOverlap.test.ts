import * as assert from "assert";
import { metallbPoolsDoNotOverlap } from "../../policy/policies/metallbPoolsDoNotOverlap";
import { runStackPolicy, stackViolations, unknownString, urnOf } from "./harness";
import { addressPool, homelabStack, types } from "./resources";

const pool = (name: string) => `IPAddressPool metallb-system/${name} (Pulumi name "${name}")`;

describe("metallb-pools-do-not-overlap", () => {
    it("accepts the homelab's split pools", async () => {
        assert.deepStrictEqual(await stackViolations(metallbPoolsDoNotOverlap, homelabStack()), []);
    });

    it("accepts adjacent ranges, a /32 next to a range, and IPv6 pools beside IPv4 ones", async () => {
        const specs = [
            addressPool("general", ["192.168.1.200-192.168.1.248", "192.168.1.250/32"]),
            addressPool("ingress", ["192.168.1.249-192.168.1.249"], { autoAssign: false }),
            addressPool("v6", ["fd00::c0a8:1c8/125", "fd00::c0a8:1f9/128"]),
            addressPool("next", ["192.168.1.251/32", "192.168.1.252-192.168.1.255"]),
        ];
        assert.deepStrictEqual(await stackViolations(metallbPoolsDoNotOverlap, specs), []);
    });

    it("rejects a reserved pool added next to the general pool that still holds the address (the seed)", async () => {
        const specs = [
            addressPool("homelab-pool", ["192.168.1.200-192.168.1.250"]),
            addressPool("ingress-pool", ["192.168.1.249/32"], { autoAssign: false }),
        ];
        assert.deepStrictEqual(await stackViolations(metallbPoolsDoNotOverlap, specs), [
            {
                message:
                    `${pool("ingress-pool")} address 192.168.1.249/32 overlaps ${pool("homelab-pool")} address ` +
                    "192.168.1.200-192.168.1.250 (shared: 192.168.1.249/32): MetalLB's webhook rejects overlapping pools. " +
                    "Take the shared addresses out of one pool: in homelab-pool, replace 192.168.1.200-192.168.1.250 with " +
                    "192.168.1.200-192.168.1.248, 192.168.1.250/32.",
                urn: urnOf({ type: types.ipAddressPool, name: "ingress-pool" }),
            },
        ]);
    });

    it("treats a /32 and the single-address range a-a as the same address", async () => {
        const specs = [addressPool("a", ["10.0.0.5/32"]), addressPool("b", ["10.0.0.5-10.0.0.5"])];
        assert.deepStrictEqual(
            (await stackViolations(metallbPoolsDoNotOverlap, specs)).map((violation) => violation.message),
            [
                `${pool("b")} address 10.0.0.5-10.0.0.5 overlaps ${pool("a")} address 10.0.0.5/32 (shared: 10.0.0.5/32): ` +
                    "MetalLB's webhook rejects overlapping pools. Take the shared addresses out of one pool: remove " +
                    "10.0.0.5/32 from a.",
            ],
        );
    });

    it("rejects ranges that overlap by one address at their ends", async () => {
        const specs = [addressPool("low", ["10.0.0.0-10.0.0.10"]), addressPool("high", ["10.0.0.10/31"])];
        assert.deepStrictEqual(
            (await stackViolations(metallbPoolsDoNotOverlap, specs)).map((violation) => violation.message),
            [
                `${pool("high")} address 10.0.0.10/31 overlaps ${pool("low")} address 10.0.0.0-10.0.0.10 (shared: ` +
                    "10.0.0.10/32): MetalLB's webhook rejects overlapping pools. Take the shared addresses out of one " +
                    "pool: in low, replace 10.0.0.0-10.0.0.10 with 10.0.0.0-10.0.0.9.",
            ],
        );
    });

    it("rejects overlapping IPv6 pools", async () => {
        const specs = [
            addressPool("v6-general", ["fd00::/120"]),
            addressPool("v6-ingress", ["fd00::10-fd00::10"]),
        ];
        assert.deepStrictEqual(
            (await stackViolations(metallbPoolsDoNotOverlap, specs)).map((violation) => violation.message),
            [
                `${pool("v6-ingress")} address fd00::10-fd00::10 overlaps ${pool("v6-general")} address fd00::/120 ` +
                    "(shared: fd00::10/128): MetalLB's webhook rejects overlapping pools. Take the shared addresses out " +
                    "of one pool: in v6-general, replace fd00::/120 with fd00::/124, fd00::11-fd00::ff.",
            ],
        );
    });

    it("rejects one pool that lists an address twice", async () => {
        const specs = [addressPool("twice", ["10.0.0.0/24", "10.0.0.128-10.0.0.200"])];
        assert.deepStrictEqual(
            (await stackViolations(metallbPoolsDoNotOverlap, specs)).map((violation) => violation.message),
            [
                `${pool("twice")} lists overlapping addresses 10.0.0.0/24 and 10.0.0.128-10.0.0.200 (shared: ` +
                    "10.0.0.128-10.0.0.200): MetalLB's webhook rejects the pool. List each address once: drop " +
                    "10.0.0.128-10.0.0.200.",
            ],
        );
    });

    it("skips pools whose addresses are unknown during preview, and still checks the others", async () => {
        const specs = [
            addressPool("homelab-pool", ["192.168.1.200-192.168.1.250"]),
            addressPool("pending", unknownString),
            addressPool("pending-entry", ["192.168.1.1/32", unknownString]),
            addressPool("ingress-pool", ["192.168.1.249/32"], { autoAssign: false }),
        ];
        const run = await runStackPolicy(metallbPoolsDoNotOverlap, specs);
        assert.strictEqual(run.unknownDuringPreview, undefined);
        assert.deepStrictEqual(
            run.violations.map((violation) => violation.urn),
            [urnOf({ type: types.ipAddressPool, name: "ingress-pool" })],
        );
    });
});
