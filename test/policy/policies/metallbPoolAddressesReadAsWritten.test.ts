import * as assert from "assert";
import { metallbPoolAddressesReadAsWritten } from "../../../policy/policies/metallbPoolAddressesReadAsWritten";
import { stackViolations, unknownString, urnOf } from "../../harness/policy/harness";
import { addressPool, homelabStack, types } from "../../harness/policy/resources";

const pool = (name: string) => `IPAddressPool metallb-system/${name} (Pulumi name "${name}")`;

async function messages(specs: Parameters<typeof stackViolations>[1]): Promise<string[]> {
    return (await stackViolations(metallbPoolAddressesReadAsWritten, specs)).map(
        (violation) => violation.message,
    );
}

describe("metallb-pool-addresses-read-as-written", () => {
    it("accepts the homelab, spaces around a dash and a zero-padded prefix: MetalLB reads them as written", async () => {
        assert.deepStrictEqual(await stackViolations(metallbPoolAddressesReadAsWritten, homelabStack()), []);
        assert.deepStrictEqual(
            await messages([addressPool("plain", ["10.0.0.1 - 10.0.0.9", "10.0.1.0/024"])]),
            [],
        );
    });

    it("says what MetalLB reads from a CIDR with host bits, and the range that may have been meant", async () => {
        assert.deepStrictEqual(
            await stackViolations(metallbPoolAddressesReadAsWritten, [
                addressPool("general", ["192.168.1.249/29"]),
            ]),
            [
                {
                    message:
                        `${pool("general")} spec.addresses[0] "192.168.1.249/29" is read by MetalLB as 192.168.1.248/29 ` +
                        "(a CIDR names a whole block, so MetalLB clears the host bits of its address). Write " +
                        "192.168.1.248/29, or 192.168.1.249-192.168.1.255 if you meant the addresses from 192.168.1.249.",
                    urn: urnOf({ type: types.ipAddressPool, name: "general" }),
                },
            ],
        );
    });

    it("says that IPv4-mapped IPv6 entries are IPv4 to MetalLB", async () => {
        assert.deepStrictEqual(
            await messages([
                addressPool("mapped", ["::ffff:10.0.0.0/120", "::ffff:10.0.1.1-::ffff:10.0.1.9"]),
            ]),
            [
                `${pool("mapped")} spec.addresses[0] "::ffff:10.0.0.0/120" is read by MetalLB as 10.0.0.0/24 (MetalLB ` +
                    "reads an IPv4-mapped IPv6 CIDR (::ffff:a.b.c.d/96-128) as IPv4, and its overlap check compares that " +
                    "prefix length with IPv4 ones, so it misses overlaps with IPv4 entries). Write 10.0.0.0/24.",
                `${pool("mapped")} spec.addresses[1] "::ffff:10.0.1.1-::ffff:10.0.1.9" is read by MetalLB as ` +
                    "10.0.1.1-10.0.1.9 (MetalLB reads IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) as IPv4). Write " +
                    "10.0.1.1-10.0.1.9.",
            ],
        );
    });

    it("says that a range across families names no addresses, suggesting removal only when the pool keeps others", async () => {
        assert.deepStrictEqual(
            await messages([
                addressPool("kept", ["10.0.0.0/24", "10.0.1.1-fd00::1"]),
                addressPool("alone", ["10.0.1.1-fd00::1"]),
            ]),
            [
                `${pool("kept")} spec.addresses[1] "10.0.1.1-fd00::1" names no addresses for MetalLB: its ends are an ` +
                    "IPv4 and an IPv6 address, and MetalLB accepts such a range but reads nothing from it. Write one " +
                    "start-end range per family, or remove it (the pool keeps 10.0.0.0/24).",
                `${pool("alone")} spec.addresses[0] "10.0.1.1-fd00::1" names no addresses for MetalLB: its ends are an ` +
                    "IPv4 and an IPv6 address, and MetalLB accepts such a range but reads nothing from it. Write one " +
                    "start-end range per family.",
            ],
        );
    });

    it("skips entries that are unknown during preview and leaves rejected ones to metallb-pool-addresses-are-valid", async () => {
        assert.deepStrictEqual(
            await messages([addressPool("pending", [unknownString, "10.0.0.1", "10.0.0.1/24"])]),
            [
                `${pool("pending")} spec.addresses[2] "10.0.0.1/24" is read by MetalLB as 10.0.0.0/24 (a CIDR names a ` +
                    "whole block, so MetalLB clears the host bits of its address). Write 10.0.0.0/24, or " +
                    "10.0.0.1-10.0.0.255 if you meant the addresses from 10.0.0.1.",
            ],
        );
    });
});
