import * as assert from "assert";
import { unknownCheckingProxy } from "../../policy/node_modules/@pulumi/policy";
import * as proxyModule from "../../policy/node_modules/@pulumi/policy/proxy";
import { isUnknownSentinel, toPlain, unknownValue } from "../../policy/policies/plainValues";
import { unknownArray, unknownString } from "./harness";

describe("plain values: reading properties the way the engine hands them over", () => {
    it("copies proxied properties, turning each unknown into the marker instead of throwing", () => {
        const props = unknownCheckingProxy({
            metadata: { name: "pool", labels: unknownString },
            spec: { addresses: ["10.0.0.0/24", unknownString], autoAssign: false, extra: unknownArray },
        });
        assert.throws(() => props.metadata.labels, /can't be known during preview/);
        assert.deepStrictEqual(toPlain(props), {
            metadata: { name: "pool", labels: unknownValue },
            spec: { addresses: ["10.0.0.0/24", unknownValue], autoAssign: false, extra: unknownValue },
        });
    });

    it("reads the same sentinels when properties come without the proxy", () => {
        assert.deepStrictEqual(toPlain({ ip: unknownString, list: [unknownArray] }), {
            ip: unknownValue,
            list: [unknownValue],
        });
    });

    it("knows every sentinel @pulumi/policy defines", () => {
        const sentinels = Object.entries(proxyModule as unknown as Record<string, unknown>).filter(([name]) =>
            /^unknown.*Value$/.test(name),
        );
        assert.strictEqual(sentinels.length, 7);
        for (const [name, value] of sentinels) {
            assert.ok(isUnknownSentinel(value as string), name);
        }
    });

    it("drops class instances (assets, archives) and keeps plain data", () => {
        class Asset {}
        assert.deepStrictEqual(toPlain({ asset: new Asset(), n: 1, b: true, z: null }), {
            n: 1,
            b: true,
            z: null,
        });
    });
});
