// The MetalLB pool-entry parser: the rules of go.universe.tf/metallb@v0.15.2 internal/config
// ParseCIDR and Go's net/netip, one by one. test/policy/metallbParity.test.ts holds the table of
// MetalLB's own verdicts; these tests say which rule each behaviour comes from.

import * as assert from "assert";
import {
    AcceptedEntry,
    describeEntryProblem,
    goQuote,
    goTrimSpace,
    MetallbBlock,
    metallbBlocksOverlap,
    PoolEntryReading,
    readPoolEntry,
    RejectedEntry,
} from "../../../lib/metallb/poolEntry";
import { formatAddressRange } from "../../../lib/addresses/ranges";
import { formatBlock, metallbPoolsError } from "../../harness/metallbWebhook";

function accepted(text: string): AcceptedEntry {
    const reading = readPoolEntry(text);
    assert.ok(
        reading.accepted,
        `${JSON.stringify(text)} should be accepted: ${reading.accepted || reading.reason}`,
    );
    return reading;
}

function rejected(text: string): RejectedEntry {
    const reading = readPoolEntry(text);
    assert.ok(!reading.accepted, `${JSON.stringify(text)} should be rejected`);
    return reading;
}

function reads(reading: PoolEntryReading): string {
    assert.ok(reading.accepted && reading.range);
    return formatAddressRange(reading.range);
}

describe("lib/metallb/poolEntry: reading pool entries as MetalLB 0.15.2 does", () => {
    describe("CIDRs (net.ParseCIDR)", () => {
        it("clears host bits and says so: 192.168.1.249/29 is 192.168.1.248/29", () => {
            const reading = accepted("192.168.1.249/29");
            assert.strictEqual(reading.readAs, "192.168.1.248/29");
            assert.deepStrictEqual(reading.differences, ["host-bits"]);
            assert.deepStrictEqual(reading.address, { family: 4, value: 0xc0a801f9n });
            assert.deepStrictEqual(accepted("fd00::1/120").readAs, "fd00::/120");
            assert.deepStrictEqual(accepted("192.168.1.248/29").differences, []);
        });

        it("takes leading zeros in the prefix length (dtoi), however many", () => {
            assert.strictEqual(reads(readPoolEntry("192.168.1.0/024")), "192.168.1.0/24");
            assert.strictEqual(reads(readPoolEntry(`192.168.1.0/${"0".repeat(5000)}24`)), "192.168.1.0/24");
            assert.deepStrictEqual(accepted("192.168.1.0/024").differences, []);
            assert.match(
                rejected("192.168.1.0/4294967320").reason,
                /prefix length \/4294967320 is longer than/,
            );
        });

        it("trims nothing around a CIDR", () => {
            for (const text of [" 10.0.0.0/8", "10.0.0.0/8\n", "\t10.0.0.0/8", "10.0.0.0/8\u00a0"]) {
                const reading = rejected(text);
                assert.strictEqual(
                    reading.reason,
                    "a CIDR must not have whitespace around it (MetalLB trims only the two ends of a start-end range)",
                );
                assert.strictEqual(reading.metallbError, `invalid CIDR ${goQuote(text)}`);
                assert.strictEqual(reading.suggestion, "10.0.0.0/8");
            }
            assert.match(rejected("10.0.0.0 /8").reason, /whitespace/);
        });

        it("reads an IPv4-mapped IPv6 CIDR as IPv4, keeping its 128-bit mask for the overlap check", () => {
            const reading = accepted("::ffff:10.0.0.0/120");
            assert.deepStrictEqual(reading.blocks, [
                { family: 4, first: 0x0a000000n, last: 0x0a0000ffn, maskOnes: 120 },
            ]);
            assert.strictEqual(reading.readAs, "10.0.0.0/24");
            assert.deepStrictEqual(reading.differences, ["ipv4-mapped"]);
            assert.strictEqual(accepted("::ffff:10.0.0.5/96").readAs, "0.0.0.0/0");
            // Below /96 the network is no longer IPv4-mapped: an IPv6 block.
            assert.strictEqual(accepted("::ffff:10.0.0.0/95").readAs, "::fffe:0:0/95");
            // An IPv4-compatible address (::a.b.c.d) is plain IPv6.
            assert.deepStrictEqual(accepted("::10.0.0.1/128").differences, []);
        });

        it("refuses zones, leading zeros in octets, octets above 255, and prefixes longer than the address", () => {
            assert.match(
                rejected("fe80::1%eth0/64").reason,
                /it has a zone \("%eth0"\), which MetalLB does not accept/,
            );
            assert.match(rejected("192.168.01.1/32").reason, /an octet has a leading zero/);
            assert.match(rejected("192.168.1.256/32").reason, /an octet is above 255/);
            assert.match(rejected("192.168.1.0/33").reason, /longer than an IPv4 address \(32 bits\)/);
            assert.match(rejected("fd00::/129").reason, /longer than an IPv6 address \(128 bits\)/);
            // A mapped address is 128 bits wide for the prefix length.
            assert.strictEqual(accepted("::ffff:10.0.0.0/33").readAs, "::/33");
        });

        it("refuses a single address, naming it so", () => {
            const reading = rejected("192.168.1.249");
            assert.strictEqual(
                reading.reason,
                "it is a single address; MetalLB takes CIDRs and start-end ranges only",
            );
            assert.strictEqual(reading.metallbError, 'invalid CIDR "192.168.1.249"');
            assert.strictEqual(reading.suggestion, "192.168.1.249/32");
            assert.strictEqual(rejected("fd00::1").suggestion, "fd00::1/128");
        });
    });

    describe("IPv6 syntax (netip.ParseAddr)", () => {
        it("follows its rules for groups, :: and an embedded IPv4 tail", () => {
            for (const [text, expected] of [
                ["::/0", "::/0"],
                ["FD00::/8", "fd00::/8"],
                ["1:2:3:4:5:6:7::/128", "1:2:3:4:5:6:7:0/128"],
                ["::ffff:1.2.3.4/128", "1.2.3.4/32"],
                ["0:0:0:0:0:ffff:1.2.3.4/128", "1.2.3.4/32"],
                ["1:2:3:4:5:6:1.2.3.4/128", "1:2:3:4:5:6:102:304/128"],
            ]) {
                assert.strictEqual(reads(readPoolEntry(text)), expected, text);
            }
            for (const [text, problem] of [
                ["fd000::/16", "a group has more than four hex digits"],
                ["fd00::1::/64", "it has more than one ::"],
                ["fd00:0:0:0:0:0:0:0:1/128", "it has more than eight groups"],
                ["1:2:3:4:5:6:7:8::/128", "it has more than eight groups"],
                [
                    "1:2:3:4:5:6:7::8/128",
                    "its :: stands for no group (a :: replaces at least one group of zeros)",
                ],
                ["fd00:1/64", "it has fewer than eight groups and no ::"],
                [":1::/64", "it has an empty group"],
                ["1::2:/64", "it ends with a single colon"],
                ["1:2::1.2.3.4:5/128", 'its IPv4 part "1.2.3.4:5": it has an unexpected character ":"'],
                ["1:2:3:1.2.3.4/128", "an embedded IPv4 address must take the place of the last two groups"],
                ["1.2.3.4::/64", 'it has an unexpected character ":"'],
            ]) {
                assert.ok(rejected(text).reason.endsWith(problem), `${text}: ${rejected(text).reason}`);
            }
        });
    });

    describe("start-end ranges", () => {
        it("trims the two ends with Go's strings.TrimSpace (NEL and no-break space yes, byte-order mark no)", () => {
            assert.strictEqual(reads(readPoolEntry("40.0.0.210 - 40.0.0.240")), "40.0.0.210-40.0.0.240");
            assert.strictEqual(reads(readPoolEntry("\u00a010.0.0.1-10.0.0.2\u0085")), "10.0.0.1-10.0.0.2");
            assert.strictEqual(reads(readPoolEntry("10.0.0.1\t-\n10.0.0.2")), "10.0.0.1-10.0.0.2");
            const bom = rejected("\ufeff10.0.0.1-10.0.0.2");
            assert.strictEqual(
                bom.metallbError,
                'invalid IP range "\\ufeff10.0.0.1-10.0.0.2": invalid start IP "\\ufeff10.0.0.1"',
            );
            assert.strictEqual(goTrimSpace("\u0085 x \ufeff"), "x \ufeff");
        });

        it("summarizes a range into MetalLB's CIDRs", () => {
            assert.deepStrictEqual(accepted("3.3.3.2-3.3.3.9").blocks.map(formatBlock), [
                "3.3.3.2/31",
                "3.3.3.4/30",
                "3.3.3.8/31",
            ]);
            assert.deepStrictEqual(accepted("0.0.0.0-255.255.255.255").blocks.map(formatBlock), [
                "0.0.0.0/0",
            ]);
        });

        it("refuses reversed ends, comparing 16-byte forms as bytes.Compare does", () => {
            const reading = rejected("1.2.3.10-1.2.3.1");
            assert.strictEqual(reading.reason, "it starts at 1.2.3.10, after its end 1.2.3.1");
            assert.strictEqual(
                reading.metallbError,
                'invalid IP range "1.2.3.10-1.2.3.1": start IP "1.2.3.10" is after the end IP "1.2.3.1"',
            );
            assert.strictEqual(reading.suggestion, "1.2.3.1-1.2.3.10");
            // IPv4 sorts as ::ffff:a.b.c.d, below fd00::1.
            assert.match(
                rejected("fd00::1-10.0.0.1").reason,
                /after its end 10.0.0.1; its ends are of different families/,
            );
        });

        it("accepts ends of two families and reads nothing from them", () => {
            const reading = accepted("10.0.0.1-fd00::1");
            assert.deepStrictEqual(
                [reading.range, reading.blocks, reading.differences],
                [undefined, [], ["mixed-families"]],
            );
            assert.deepStrictEqual(accepted("::1-10.0.0.1").differences, ["mixed-families"]);
            assert.strictEqual(
                describeEntryProblem(reading),
                "names no addresses for MetalLB: its ends are an IPv4 and an IPv6 address, and MetalLB accepts such a " +
                    "range but reads nothing from it",
            );
        });

        it("reads IPv4-mapped ends as IPv4", () => {
            const reading = accepted("10.0.0.1-::ffff:10.0.0.9");
            assert.strictEqual(reading.readAs, "10.0.0.1-10.0.0.9");
            assert.deepStrictEqual(reading.differences, ["ipv4-mapped"]);
            assert.ok(reading.blocks.every((block) => block.maskOnes <= 32));
        });

        it("splits at the first dash only", () => {
            const reading = rejected("10.0.0.1-10.0.0.2-10.0.0.3");
            assert.strictEqual(
                reading.reason,
                'its end "10.0.0.2-10.0.0.3" is not an IP address: it has an unexpected character "-" (a range has ' +
                    'exactly one "-")',
            );
            assert.match(
                rejected("10.0.0.0/24-10.0.1.0/24").reason,
                /^its start "10.0.0.0\/24" is not an IP address/,
            );
        });
    });

    describe("suggested spellings", () => {
        it("repairs what has one clear meaning, and nothing else", () => {
            for (const [text, suggestion] of [
                ["192.168.1.1\u2013192.168.1.9", "192.168.1.1-192.168.1.9"],
                ["fe80::1%eth0/64", "fe80::/64"],
                ["192.168.001.010/32", "192.168.1.10/32"],
                ["192.168.1.9 - 192.168.1.1 ", "192.168.1.1-192.168.1.9"],
                [" 192.168.1.249/29", "192.168.1.248/29"],
                ["192.168.1.0/33", undefined],
                ["ten", undefined],
                ["fd00::1-10.0.0.1", undefined],
            ] as const) {
                assert.strictEqual(rejected(text).suggestion, suggestion, text);
            }
        });
    });

    describe("robustness", () => {
        it("reads 100,000-character entries quickly and without throwing", () => {
            for (const text of [
                "1".repeat(100_000),
                `10.0.0.0/${"0".repeat(100_000)}`,
                `${"1.2.3.4-".repeat(12_500)}`,
                `${":".repeat(100_000)}`,
                `::${"f".repeat(100_000)}/64`,
                `${" ".repeat(50_000)}10.0.0.0/8${" ".repeat(50_000)}`,
                "\ud800".repeat(100_000),
            ]) {
                const reading = readPoolEntry(text);
                if (!reading.accepted) {
                    assert.ok(reading.reason.length < 400, reading.reason.slice(0, 100));
                }
            }
        });
    });

    describe("goQuote (Go's %q)", () => {
        it("escapes as strconv.Quote does", () => {
            assert.strictEqual(goQuote('a"b\\c'), '"a\\"b\\\\c"');
            assert.strictEqual(goQuote("\t\n\x00\x7f"), '"\\t\\n\\x00\\x7f"');
            assert.strictEqual(goQuote("\u00a0\u0085\u2013é"), '"\\u00a0\\u0085–é"');
            assert.strictEqual(goQuote("\u{1f600}\u{e0001}"), '"\u{1f600}\\U000e0001"');
        });
    });
});

describe("lib/metallb/poolEntry: MetalLB's overlap check and pool rules", () => {
    const block = (text: string): MetallbBlock => accepted(text).blocks[0];

    it("finds overlaps by containment of CIDRs, as cidrsOverlap does", () => {
        assert.ok(metallbBlocksOverlap(block("10.0.0.0/24"), block("10.0.0.128/25")));
        assert.ok(metallbBlocksOverlap(block("10.0.0.5/32"), block("10.0.0.5/32")));
        assert.ok(!metallbBlocksOverlap(block("10.0.0.0/25"), block("10.0.0.128/25")));
        assert.ok(!metallbBlocksOverlap(block("10.0.0.0/8"), block("fd00::/8")));
    });

    it("misses an IPv4 CIDR inside an IPv4-mapped one unless it holds the mapped one's first address (MetalLB's bug)", () => {
        assert.ok(!metallbBlocksOverlap(block("::ffff:10.0.0.0/120"), block("10.0.0.5/32")));
        assert.ok(!metallbBlocksOverlap(block("10.0.0.5/32"), block("::ffff:10.0.0.0/120")));
        assert.ok(metallbBlocksOverlap(block("::ffff:10.0.0.0/120"), block("10.0.0.0/24")));
        assert.ok(metallbBlocksOverlap(block("::ffff:10.0.0.5/128"), block("10.0.0.0/24")));
    });

    it("answers a list of pools with MetalLB's first error, in list order", () => {
        assert.strictEqual(metallbPoolsError([{ name: "a", addresses: ["10.0.0.0/24"] }]), undefined);
        assert.strictEqual(
            metallbPoolsError([{ name: "empty", addresses: [] }]),
            "parsing address pool empty: pool has no prefixes defined",
        );
        assert.strictEqual(
            metallbPoolsError([
                { name: "a", addresses: ["10.0.0.1/32"] },
                { name: "a", addresses: ["10.0.0.2/32"] },
            ]),
            'duplicate definition of pool "a"',
        );
        assert.strictEqual(
            metallbPoolsError([
                { name: "homelab-pool", addresses: ["192.168.1.200-192.168.1.250"] },
                { name: "ingress-pool", addresses: ["192.168.1.249/32"] },
            ]),
            'CIDR "192.168.1.249/32" in pool "ingress-pool" overlaps with already defined CIDR "192.168.1.248/31"',
        );
        assert.strictEqual(
            metallbPoolsError([{ name: "b", addresses: ["10.0.1.0/24 "] }]),
            'parsing address pool b: invalid CIDR "10.0.1.0/24 " in pool "b": invalid CIDR "10.0.1.0/24 "',
        );
    });
});
