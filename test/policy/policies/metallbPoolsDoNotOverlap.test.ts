import * as assert from "assert";
import { metallbPoolsDoNotOverlap } from "../../../policy/policies/metallbPoolsDoNotOverlap";
import { runStackPolicy, stackViolations, unknownString, urnOf } from "../../harness/policy/harness";
import { addressPool, homelabStack, types } from "../../harness/policy/resources";

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

    it("rejects overlapping pools whatever their labels: the reserved pools' label earns no exemption", async () => {
        const reserved = { "homelab-platform/reserved-pool": "true" };
        const specs = [
            addressPool("ingress-pool", ["192.168.1.249/32"], { autoAssign: false, labels: reserved }),
            addressPool("copied-label-pool", ["192.168.1.249/32"], { autoAssign: false, labels: reserved }),
        ];
        assert.deepStrictEqual(
            (await stackViolations(metallbPoolsDoNotOverlap, specs)).map((violation) => violation.urn),
            [urnOf({ type: types.ipAddressPool, name: "copied-label-pool" })],
        );
    });

    it("treats a /32 and the single-address range a-a as the same address, and never suggests emptying a pool", async () => {
        const specs = [addressPool("a", ["10.0.0.5/32"]), addressPool("b", ["10.0.0.5-10.0.0.5"])];
        assert.deepStrictEqual(
            (await stackViolations(metallbPoolsDoNotOverlap, specs)).map((violation) => violation.message),
            [
                `${pool("b")} address 10.0.0.5-10.0.0.5 overlaps ${pool("a")} address 10.0.0.5/32 (shared: 10.0.0.5/32): ` +
                    "MetalLB's webhook rejects overlapping pools. Both pools hold exactly these addresses and nothing " +
                    "else: delete b, or give it other addresses.",
            ],
        );
    });

    it("compares what MetalLB reads: a CIDR with host bits is its whole block, and says so", async () => {
        const specs = [
            addressPool("ingress-pool", ["192.168.1.249/32"], { autoAssign: false }),
            addressPool("homelab-pool", ["192.168.1.249/29"]),
        ];
        assert.deepStrictEqual(await stackViolations(metallbPoolsDoNotOverlap, specs), [
            {
                message:
                    `${pool("homelab-pool")} address 192.168.1.249/29 is read by MetalLB as 192.168.1.248/29, which ` +
                    `overlaps ${pool("ingress-pool")} address 192.168.1.249/32 (shared: 192.168.1.249/32): MetalLB's ` +
                    "webhook rejects overlapping pools. Take the shared addresses out of one pool: in homelab-pool, " +
                    "replace 192.168.1.249/29 with 192.168.1.248/32, 192.168.1.250-192.168.1.255.",
                urn: urnOf({ type: types.ipAddressPool, name: "homelab-pool" }),
            },
        ]);
    });

    it("reports an IPv4-mapped CIDR overlapping an IPv4 one even where MetalLB's webhook misses it", async () => {
        const specs = [addressPool("mapped", ["::ffff:10.0.0.0/120"]), addressPool("plain", ["10.0.0.5/32"])];
        assert.deepStrictEqual(
            (await stackViolations(metallbPoolsDoNotOverlap, specs)).map((violation) => violation.message),
            [
                `${pool("mapped")} address ::ffff:10.0.0.0/120 is read by MetalLB as 10.0.0.0/24, which overlaps ` +
                    `${pool("plain")} address 10.0.0.5/32 (shared: 10.0.0.5/32): MetalLB's webhook misses this ` +
                    "overlap (it compares the prefix length of an IPv4-mapped IPv6 CIDR with IPv4 ones), but MetalLB " +
                    "hands out addresses by their IPv4 form, so one address could go to Services of both pools. Take " +
                    "the shared addresses out of one pool: in mapped, replace ::ffff:10.0.0.0/120 with " +
                    "10.0.0.0-10.0.0.4, 10.0.0.6-10.0.0.255.",
            ],
        );
    });

    it("shrinks the other pool when the larger entry is all its pool has", async () => {
        const specs = [
            addressPool("only", ["10.0.0.0/30"]),
            addressPool("more", ["10.0.0.0-10.0.0.3", "10.0.0.8/30"]),
        ];
        assert.deepStrictEqual(
            (await stackViolations(metallbPoolsDoNotOverlap, specs)).map((violation) => violation.message),
            [
                `${pool("more")} address 10.0.0.0-10.0.0.3 overlaps ${pool("only")} address 10.0.0.0/30 (shared: ` +
                    "10.0.0.0/30): MetalLB's webhook rejects overlapping pools. Take the shared addresses out of one " +
                    "pool: remove 10.0.0.0-10.0.0.3 from more.",
            ],
        );
    });

    it("drops the auto-assign pool of two that hold exactly the same addresses", async () => {
        const specs = [
            addressPool("general", ["10.0.0.5/32"]),
            addressPool("reserved", ["10.0.0.5/32"], { autoAssign: false }),
        ];
        assert.deepStrictEqual(
            (await stackViolations(metallbPoolsDoNotOverlap, specs)).map((violation) => violation.message),
            [
                `${pool("reserved")} address 10.0.0.5/32 overlaps ${pool("general")} address 10.0.0.5/32 (shared: ` +
                    "10.0.0.5/32): MetalLB's webhook rejects overlapping pools. Both pools hold exactly these addresses " +
                    "and nothing else: delete general, or give it other addresses.",
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
