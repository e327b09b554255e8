// The Node.js language host hack/toolchain.sh provides runs a program as its Pulumi.yaml's
// runtime options say: through ts-node unless `typescript: false` (hack/toolchain/
// nodejs_program_options.go reads the option where the current CLI sends it). The stack's own
// Pulumi.yaml says false: its program is the compiled bundle. Each case is a small project of its
// own, whose program reports what the host started it with.

import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PulumiWorkspace } from "../../hack/cluster/workspace";

/** Prints whether the host asked for TypeScript, and whether ts-node's hook is in place. */
const reportingProgram = `"use strict";
console.log("typescript option: " + (process.env.PULUMI_NODEJS_TYPESCRIPT ?? "unset"));
console.log("ts-node registered: " + (require.extensions[".ts"] !== undefined));
`;

/** The program's report under `pulumi preview`, with Pulumi.yaml's runtime options as given. */
async function reportWith(options: Record<string, unknown> | undefined): Promise<string[]> {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-runtime-options-"));
    try {
        const runtime = options ? { name: "nodejs", options } : "nodejs";
        fs.writeFileSync(
            path.join(project, "Pulumi.yaml"),
            JSON.stringify({ name: "runtime-options", runtime }),
        );
        fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ main: "index.js" }));
        fs.writeFileSync(path.join(project, "index.js"), reportingProgram);
        const workspace = await PulumiWorkspace.create({ programDirectory: project, stack: "dev" });
        try {
            const result = await workspace.preview();
            assert.strictEqual(result.code, 0, result.output);
            return result.output
                .split("\n")
                .map((line) => line.trim())
                .filter((line) => /^(typescript option|ts-node registered): /.test(line));
        } finally {
            workspace.dispose();
        }
    } finally {
        fs.rmSync(project, { recursive: true, force: true });
    }
}

describe("the toolchain's Node.js language host and Pulumi.yaml's runtime options", function () {
    it("runs the program without ts-node when Pulumi.yaml says typescript: false, as the stack's does", async () => {
        assert.deepStrictEqual(await reportWith({ typescript: false }), [
            "typescript option: unset",
            "ts-node registered: false",
        ]);
    });

    it("runs it through ts-node when Pulumi.yaml says typescript: true, or nothing", async () => {
        const expected = ["typescript option: true", "ts-node registered: true"];
        assert.deepStrictEqual(await reportWith({ typescript: true }), expected);
        assert.deepStrictEqual(await reportWith(undefined), expected);
    });
});
