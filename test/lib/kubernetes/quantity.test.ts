import * as assert from "assert";
import { formatQuantity, parseQuantity } from "../../../lib/kubernetes/quantity";

/** A quantity the test knows is valid. */
function quantity(text: string): bigint {
    const value = parseQuantity(text);
    assert.ok(value !== undefined, text);
    return value;
}

describe("lib/kubernetes/quantity", () => {
    it("parses decimal and binary suffixes exactly", () => {
        assert.strictEqual(parseQuantity("500m"), 500_000_000n);
        assert.strictEqual(parseQuantity("1"), 1_000_000_000n);
        assert.strictEqual(parseQuantity(2), 2_000_000_000n);
        assert.strictEqual(parseQuantity("1.5"), 1_500_000_000n);
        assert.strictEqual(parseQuantity("256Mi"), 256n * 1024n * 1024n * 1_000_000_000n);
        assert.strictEqual(parseQuantity("1k"), 1_000_000_000_000n);
        assert.strictEqual(parseQuantity("2e3"), parseQuantity("2k"));
        assert.strictEqual(parseQuantity("1e-3"), parseQuantity("1m"));
    });

    it("adds without floating-point error", () => {
        assert.strictEqual(quantity("100m") + quantity("200m"), quantity("300m"));
        assert.strictEqual(quantity("0.1") + quantity("0.2"), quantity("300m"));
    });

    it("orders cpu and memory the way the API server does", () => {
        assert.ok(quantity("128Mi") < quantity("256Mi"));
        assert.ok(quantity("1Gi") > quantity("1G"));
        assert.ok(quantity("500m") < quantity("1"));
    });

    it("rejects what is not a quantity", () => {
        for (const text of ["abc", "256MB", "12Mib", "1.2.3", "", "m", "5 Gi"]) {
            assert.strictEqual(parseQuantity(text), undefined, text);
        }
    });

    it("formats back into readable units", () => {
        assert.strictEqual(formatQuantity(quantity("1500m"), "cpu"), "1500m");
        assert.strictEqual(formatQuantity(quantity("2"), "cpu"), "2");
        assert.strictEqual(formatQuantity(quantity("512Mi") * 2n, "memory"), "1Gi");
        assert.strictEqual(formatQuantity(quantity("384Mi"), "memory"), "384Mi");
    });
});
