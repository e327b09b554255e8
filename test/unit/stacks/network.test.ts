import * as assert from "assert";
import {
    findAddressesInText,
    findOverlaps,
    formatAddressRange,
    formatIp,
    isPrivateAddress,
    parseCidr,
    parseIp,
    rangeToCidrs,
    rangesOverlap,
    subtractAddresses,
    RangeIndex,
} from "../../../stacks/network";
import { readPoolEntry } from "../../../stacks/metallbAddresses";
import { planPools } from "../../../stacks/pools";

function range(text: string) {
    const reading = readPoolEntry(text);
    assert.ok(reading.accepted && reading.range, `${text} should parse`);
    return reading.range;
}

function ip(text: string) {
    const parsed = parseIp(text);
    assert.ok(parsed, `${text} should parse`);
    return parsed;
}

describe("network: addresses", () => {
    it("parses and formats IPv4 and IPv6", () => {
        assert.strictEqual(formatIp(4, ip("192.168.1.249").value), "192.168.1.249");
        assert.strictEqual(
            formatIp(6, ip("2001:0db8:0000:0000:0001:0000:0000:0001").value),
            "2001:db8::1:0:0:1",
        );
        assert.strictEqual(formatIp(6, ip("::").value), "::");
        assert.strictEqual(formatIp(6, ip("fd00::1").value), "fd00::1");
        assert.deepStrictEqual(ip("::ffff:192.168.1.1"), { family: 6, value: 0xffffc0a80101n });
    });

    it("rejects malformed addresses", () => {
        for (const text of [
            "192.168.1.256",
            "192.168.1",
            "192.168.01.1",
            "1.2.3.4.5",
            "fd00:::1",
            "1::2::3",
            "g::1",
            "",
        ]) {
            assert.strictEqual(parseIp(text), undefined, text);
        }
    });

    it("parses CIDRs and rejects host bits or bad prefixes", () => {
        assert.deepStrictEqual(parseCidr("192.168.1.0/24"), {
            family: 4,
            first: ip("192.168.1.0").value,
            last: ip("192.168.1.255").value,
            prefixLength: 24,
        });
        assert.strictEqual(parseCidr("192.168.1.1/24"), undefined);
        assert.strictEqual(parseCidr("192.168.1.0/33"), undefined);
        assert.strictEqual(parseCidr("192.168.1.0/024"), undefined);
        assert.strictEqual(parseCidr("fd00::/8")?.prefixLength, 8);
    });

    it("tells private addresses from public ones", () => {
        assert.ok(isPrivateAddress(ip("192.168.1.203")));
        assert.ok(isPrivateAddress(ip("10.43.0.10")));
        assert.ok(isPrivateAddress(ip("fd00::5")));
        assert.ok(!isPrivateAddress(ip("8.8.8.8")));
    });

    it("finds IP literals in URLs but not in version strings or hostnames", () => {
        const found = findAddressesInText(
            "http://192.168.1.203:5000, grpc://[fd00::5]:80, v1.2.3.4x, host-10.0.0.1.nip",
        );
        assert.deepStrictEqual(
            found.map((address) => formatIp(address.family, address.value)),
            ["fd00::5", "192.168.1.203"],
        );
    });
});

describe("network: ranges", () => {
    it("formats a single block as CIDR and anything else as start-end", () => {
        assert.strictEqual(formatAddressRange(range("192.168.1.250-192.168.1.250")), "192.168.1.250/32");
        assert.strictEqual(formatAddressRange(range("192.168.1.192-192.168.1.199")), "192.168.1.192/29");
        assert.strictEqual(
            formatAddressRange(range("192.168.1.200-192.168.1.248")),
            "192.168.1.200-192.168.1.248",
        );
        assert.strictEqual(formatAddressRange(range("fd00::1-fd00::1")), "fd00::1/128");
    });

    it("splits a range around reserved addresses", () => {
        const pieces = subtractAddresses(range("192.168.1.200-192.168.1.250"), [ip("192.168.1.249")]);
        assert.deepStrictEqual(pieces.map(formatAddressRange), [
            "192.168.1.200-192.168.1.248",
            "192.168.1.250/32",
        ]);
    });

    it("ignores duplicate and outside addresses when splitting", () => {
        const pieces = subtractAddresses(range("10.0.0.0/30"), [
            ip("10.0.0.1"),
            ip("10.0.0.1"),
            ip("10.0.1.1"),
        ]);
        assert.deepStrictEqual(pieces.map(formatAddressRange), ["10.0.0.0/32", "10.0.0.2/31"]);
    });

    it("covers a range with the fewest CIDR blocks", () => {
        assert.deepStrictEqual(rangeToCidrs(range("192.168.1.200-192.168.1.250")), [
            "192.168.1.200/29",
            "192.168.1.208/28",
            "192.168.1.224/28",
            "192.168.1.240/29",
            "192.168.1.248/31",
            "192.168.1.250/32",
        ]);
        assert.deepStrictEqual(rangeToCidrs(range("0.0.0.0/0")), ["0.0.0.0/0"]);
    });

    it("treats adjacent ranges as disjoint and any shared address as overlap", () => {
        assert.ok(!rangesOverlap(range("192.168.1.200-192.168.1.248"), range("192.168.1.249/32")));
        assert.ok(rangesOverlap(range("192.168.1.200-192.168.1.249"), range("192.168.1.249/32")));
        assert.ok(!rangesOverlap(range("192.168.1.0/24"), range("fd00::/8")));
    });

    it("finds every range that overlaps an earlier one, in one sweep", () => {
        const overlaps = findOverlaps([
            { range: range("192.168.1.200-192.168.1.250"), label: "homelab-pool" },
            { range: range("192.168.1.249/32"), label: "ingress-pool" },
            { range: range("192.168.1.251-192.168.1.254"), label: "adjacent" },
            { range: range("fd00::/120"), label: "v6" },
            { range: range("fd00::10-fd00::20"), label: "v6-inside" },
        ]);
        assert.deepStrictEqual(
            overlaps.map((overlap) => [overlap.earlier.label, overlap.later.label]),
            [
                ["homelab-pool", "ingress-pool"],
                ["v6", "v6-inside"],
            ],
        );
    });

    it("indexes ranges for address lookups, overlapping ones included", () => {
        const index = new RangeIndex([
            { range: range("192.168.1.200-192.168.1.250"), label: "wide" },
            { range: range("192.168.1.201/32"), label: "narrow" },
            { range: range("192.168.1.240/28"), label: "tail" },
            { range: range("fd00::/64"), label: "v6" },
        ]);
        const labels = (text: string) => index.containing(ip(text)).map((entry) => entry.label);
        assert.deepStrictEqual(labels("192.168.1.201"), ["wide", "narrow"]);
        assert.deepStrictEqual(labels("192.168.1.245"), ["wide", "tail"]);
        assert.deepStrictEqual(labels("192.168.1.199"), []);
        assert.deepStrictEqual(labels("fd00::1"), ["v6"]);
        assert.deepStrictEqual(labels("10.0.0.1"), []);
    });
});

describe("pools: the general pool split", () => {
    const split = (generalRange: string, addresses: string[]) =>
        planPools(
            "homelab-pool",
            generalRange,
            addresses.map((address, index) => ({ pool: `reserved-${index}`, address })),
        );

    it("splits the homelab pool around the ingress IP", () => {
        const layout = planPools("homelab-pool", "192.168.1.200-192.168.1.250", [
            { pool: "ingress-pool", address: "192.168.1.249" },
        ]);
        assert.deepStrictEqual(layout.generalPool.addresses, [
            "192.168.1.200-192.168.1.248",
            "192.168.1.250/32",
        ]);
        assert.deepStrictEqual(layout.reservedPools, [
            { name: "ingress-pool", address: "192.168.1.249", addresses: ["192.168.1.249/32"] },
        ]);
    });

    it("handles reservations at the start and the end of the range", () => {
        assert.deepStrictEqual(
            split("192.168.1.200-192.168.1.250", ["192.168.1.200"]).generalPool.addresses,
            ["192.168.1.201-192.168.1.250"],
        );
        assert.deepStrictEqual(
            split("192.168.1.200-192.168.1.250", ["192.168.1.250"]).generalPool.addresses,
            ["192.168.1.200-192.168.1.249"],
        );
    });

    it("handles several reservations, in any order", () => {
        const layout = split("192.168.1.200-192.168.1.250", [
            "192.168.1.240",
            "192.168.1.210",
            "192.168.1.211",
        ]);
        assert.deepStrictEqual(layout.generalPool.addresses, [
            "192.168.1.200-192.168.1.209",
            "192.168.1.212-192.168.1.239",
            "192.168.1.241-192.168.1.250",
        ]);
        assert.deepStrictEqual(
            layout.reservedPools.map((pool) => pool.addresses[0]),
            ["192.168.1.240/32", "192.168.1.210/32", "192.168.1.211/32"],
        );
    });

    it("handles a CIDR-form general range and IPv6", () => {
        assert.deepStrictEqual(split("192.168.1.192/27", ["192.168.1.200"]).generalPool.addresses, [
            "192.168.1.192/29",
            "192.168.1.201-192.168.1.223",
        ]);
        const v6 = split("fd00::/126", ["fd00::1"]);
        assert.deepStrictEqual(v6.generalPool.addresses, ["fd00::/128", "fd00::2/127"]);
        assert.deepStrictEqual(v6.reservedPools[0].addresses, ["fd00::1/128"]);
    });
});
