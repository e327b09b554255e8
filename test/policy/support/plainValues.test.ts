import * as assert from "assert";
import { Secret, unknownCheckingProxy } from "../../../policy/node_modules/@pulumi/policy";
import { secretsPreservingProxy } from "../../../policy/node_modules/@pulumi/policy/secret";
import * as proxyModule from "../../../policy/node_modules/@pulumi/policy/proxy";
import { isUnknownSentinel, toPlain, unknownValue } from "../../../policy/support/plainValues";
import { unknownArray, unknownString } from "../../harness/policy/harness";

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

    it("reads the data under the engine's proxies, secrets as their values", () => {
        const props = unknownCheckingProxy(
            secretsPreservingProxy({
                metadata: { name: "db", annotations: { token: new Secret("s3cret") } },
                data: new Secret({ url: "http://mlflow", port: unknownString }),
            }),
        );
        assert.deepStrictEqual(toPlain(props), {
            metadata: { name: "db", annotations: { token: "s3cret" } },
            data: { url: "http://mlflow", port: unknownValue },
        });
    });

    it("returns data that is already plain as it is, without a copy, and copies the rest", () => {
        const plain = { metadata: { name: "pool" }, spec: { addresses: ["10.0.0.0/24"], autoAssign: false } };
        assert.strictEqual(toPlain(unknownCheckingProxy(plain)), plain);
        const withUnknown = { spec: { addresses: [unknownString] } };
        const read = toPlain(unknownCheckingProxy(withUnknown));
        assert.notStrictEqual(read, withUnknown);
        assert.deepStrictEqual(
            withUnknown,
            { spec: { addresses: [unknownString] } },
            "the input was changed",
        );
    });

    it("reads through a proxy nested in plain data, as through one at the top", () => {
        const nested = {
            metadata: { name: "pool" },
            spec: unknownCheckingProxy({ addresses: [unknownString] }),
        };
        assert.deepStrictEqual(toPlain(nested), {
            metadata: { name: "pool" },
            spec: { addresses: [unknownValue] },
        });
        const nestedArray = { spec: { addresses: unknownCheckingProxy(["10.0.0.1", unknownString]) } };
        assert.deepStrictEqual(toPlain(nestedArray), { spec: { addresses: ["10.0.0.1", unknownValue] } });
    });

    it("drops undefined, functions and class instances at any depth, and keeps array slots as null", () => {
        class Asset {}
        assert.deepStrictEqual(
            toPlain({
                a: { b: undefined, c: () => 1, d: [new Asset(), undefined, "x"] },
                e: Object.create(null),
            }),
            { a: { d: [null, null, "x"] } },
        );
    });
});
