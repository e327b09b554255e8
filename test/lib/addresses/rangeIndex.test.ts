import * as assert from "assert";
import { findOverlaps, RangeIndex } from "../../../lib/addresses/rangeIndex";
import { ip, range } from "../../harness/addresses";

describe("lib/addresses/rangeIndex", () => {
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
