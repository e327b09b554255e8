import * as assert from "assert";
import {
    formatAddressRange,
    rangeIntersection,
    rangesOverlap,
    subtractAddresses,
    subtractRange,
} from "../../../lib/addresses/ranges";
import { ip, range } from "../../harness/addresses";

describe("lib/addresses/ranges", () => {
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

    it("treats adjacent ranges as disjoint and any shared address as overlap", () => {
        assert.ok(!rangesOverlap(range("192.168.1.200-192.168.1.248"), range("192.168.1.249/32")));
        assert.ok(rangesOverlap(range("192.168.1.200-192.168.1.249"), range("192.168.1.249/32")));
        assert.ok(!rangesOverlap(range("192.168.1.0/24"), range("fd00::/8")));
    });

    it("intersects and subtracts ranges, IPv4 and IPv6", () => {
        assert.strictEqual(
            formatAddressRange(rangeIntersection(range("10.0.0.0/24"), range("10.0.0.200-10.0.1.5"))!),
            "10.0.0.200-10.0.0.255",
        );
        assert.strictEqual(rangeIntersection(range("10.0.0.0-10.0.0.9"), range("10.0.0.10/32")), undefined);
        assert.strictEqual(rangeIntersection(range("fd00::/120"), range("10.0.0.0/8")), undefined);
        assert.deepStrictEqual(
            subtractRange(range("192.168.1.200-192.168.1.250"), range("192.168.1.249/32")).map(
                formatAddressRange,
            ),
            ["192.168.1.200-192.168.1.248", "192.168.1.250/32"],
        );
        assert.deepStrictEqual(subtractRange(range("10.0.0.5/32"), range("10.0.0.5-10.0.0.5")), []);
        assert.deepStrictEqual(
            subtractRange(range("fd00::/126"), range("fd00::/127")).map(formatAddressRange),
            ["fd00::2/127"],
        );
    });
});
