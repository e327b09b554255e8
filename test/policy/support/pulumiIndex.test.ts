// The pack's bundle gives @pulumi/policy policy/support/pulumiIndex.ts in place of @pulumi/pulumi's
// index (policy/build.js). That holds only while @pulumi/policy uses no more of the index than the
// slice exports, and only if the slice is the SDK's own objects: an upgrade of either package that
// breaks this fails here, not in a user's preview.

import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

const slicePath = path.join(__dirname, "../../../policy/support/pulumiIndex");
const policyPackage = path.join(__dirname, "../../../policy/node_modules/@pulumi/policy");
// The index as @pulumi/policy would load it, from the pack's own node_modules.
const sdkIndex = path.join(__dirname, "../../../policy/node_modules/@pulumi/pulumi");

/** `name` for every `<binding>.name` a compiled module reads off its `require("@pulumi/pulumi")`. */
function indexMembersUsed(source: string): Set<string> {
    const used = new Set<string>();
    for (const [, binding] of source.matchAll(/(\w+)\s*=\s*require\("@pulumi\/pulumi"\)/g)) {
        for (const [, member] of source.matchAll(new RegExp(`\\b${binding}\\.(\\w+)`, "g"))) {
            used.add(member);
        }
    }
    return used;
}

describe("the slice of @pulumi/pulumi's index the pack's bundle gives @pulumi/policy", () => {
    const used = new Set<string>();
    for (const file of fs.readdirSync(policyPackage).filter((name) => name.endsWith(".js"))) {
        for (const member of indexMembersUsed(fs.readFileSync(path.join(policyPackage, file), "utf8"))) {
            used.add(member);
        }
    }

    it("finds what @pulumi/policy uses of the index", () => {
        // A reader that finds nothing would make the next test pass for nothing.
        assert.ok(used.has("asset") && used.has("Output"), [...used].join(", "));
    });

    it("exports every member @pulumi/policy uses, as the SDK's own objects", () => {
        // Both loaded now, from the same module cache (other tests may have cleared it since this file loaded).
        /* eslint-disable @typescript-eslint/no-require-imports */
        const index = require(sdkIndex) as Record<string, unknown>;
        const exported = require(slicePath) as Record<string, Record<string, unknown>>;
        /* eslint-enable @typescript-eslint/no-require-imports */
        for (const member of used) {
            assert.ok(member in exported, `@pulumi/policy uses ${member} of @pulumi/pulumi's index`);
            const fromIndex = index[member] as Record<string, unknown>;
            if (typeof fromIndex === "object") {
                for (const key of Object.keys(fromIndex)) {
                    assert.strictEqual(exported[member][key], fromIndex[key], `${member}.${key}`);
                }
            } else {
                assert.strictEqual(exported[member], fromIndex, member);
            }
        }
    });

    it("is what the built pack loads: @pulumi/policy is inlined, the index is never required", () => {
        const built = fs.readFileSync(path.join(__dirname, "../../../policy/dist/index.js"), "utf8");
        const required = new Set([...built.matchAll(/require\("([^"]+)"\)/g)].map(([, module]) => module));
        assert.ok(!required.has("@pulumi/pulumi"), "the pack requires @pulumi/pulumi's index");
        assert.ok(!required.has("@pulumi/policy"), "the pack requires @pulumi/policy instead of inlining it");
        assert.ok(required.has("@pulumi/pulumi/asset") && required.has("@pulumi/pulumi/output"));
    });
});
