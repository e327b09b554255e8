// The pure IP helpers the pack added to stacks/network.ts.
import * as assert from "assert";
import {
    findAddressMentions,
    formatAddressRange,
    IpRange,
    rangeIntersection,
    RangeIndex,
    subtractRange,
} from "../../../stacks/network";
import { readPoolEntry } from "../../../stacks/metallbAddresses";

function range(text: string): IpRange {
    const reading = readPoolEntry(text);
    assert.ok(reading.accepted && reading.range, `${text} should parse`);
    return reading.range;
}

function mentions(text: string): string[] {
    return findAddressMentions(text).map((mention) => `${mention.form} ${mention.text}`);
}

describe("network: address mentions, intersections and overlap queries", () => {
    it("says how each address is written", () => {
        assert.deepStrictEqual(mentions("http://192.168.1.203:5000/api"), ["url http://192.168.1.203:5000"]);
        assert.deepStrictEqual(mentions("postgres://user:pw@10.0.0.5:5432/db"), [
            "url postgres://10.0.0.5:5432",
        ]);
        assert.deepStrictEqual(mentions("10.0.0.5:53 and 10.0.0.6"), [
            "host-port 10.0.0.5:53",
            "bare 10.0.0.6",
        ]);
        assert.deepStrictEqual(mentions("10.0.0.0/8,192.168.1.200-192.168.1.250"), [
            "network 10.0.0.0",
            "network 192.168.1.200",
            "network 192.168.1.250",
        ]);
        assert.deepStrictEqual(mentions("http://[fd00::1]:80 [::ffff:10.0.0.1]"), [
            "url http://[fd00::1]:80",
            "bare [::ffff:10.0.0.1]",
        ]);
        assert.deepStrictEqual(mentions(" fd00::1 "), ["bare fd00::1"]);
        assert.deepStrictEqual(mentions("version 1.2.3.4.5, 300.1.1.1, mlflow.mlflow.svc:5000"), []);
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

    it("finds every range overlapping a query range", () => {
        const index = new RangeIndex(
            ["10.0.0.0/8", "10.1.0.0/16", "10.2.0.5-10.2.0.9", "192.168.1.0/24", "fd00::/8"].map((text) => ({
                range: range(text),
                label: text,
            })),
        );
        const labels = (query: string) => index.overlapping(range(query)).map((entry) => entry.label);
        assert.deepStrictEqual(labels("10.2.0.0/29"), ["10.0.0.0/8", "10.2.0.5-10.2.0.9"]);
        assert.deepStrictEqual(labels("10.2.0.10/31"), ["10.0.0.0/8"]);
        assert.deepStrictEqual(labels("192.168.0.0/16"), ["192.168.1.0/24"]);
        assert.deepStrictEqual(labels("192.168.2.0/24"), []);
        assert.deepStrictEqual(labels("fd00::1/128"), ["fd00::/8"]);
    });
});
