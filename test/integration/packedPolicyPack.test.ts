// The policy pack as `npm pack` ships it (what `pulumi policy publish` uploads for an organisation
// to enforce): unpacked into an empty folder outside the repository, its dependencies installed
// there from the pack's lockfile alone, and run by the real CLI against a plain Kubernetes program.
// It must find what the pack in the repository finds, with nothing of the repository at hand.

import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runOrFail } from "../../hack/cluster/commands";
import {
    homelabPolicyConfig,
    policyPackDirectory,
    PulumiWorkspace,
    repositoryRoot,
} from "../../hack/cluster/workspace";

const project = "seed-regressions";

/** Every file below `folder`, relative to it, without the installed dependencies. */
function filesBelow(folder: string): string[] {
    return fs
        .readdirSync(folder, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)))
        .filter((file) => !file.startsWith(`node_modules${path.sep}`))
        .sort();
}

describe("the policy pack, packed and unpacked in an empty folder", function () {
    this.timeout(10 * 60 * 1000);
    let folder: string;
    let pack: string;
    let workspace: PulumiWorkspace;

    before(async () => {
        folder = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-packed-pack-"));
        const packed = await runOrFail("npm", ["pack", "--json", "--pack-destination", folder], {
            cwd: policyPackDirectory,
        });
        const [{ filename }] = JSON.parse(packed.stdout) as { filename: string }[];
        const unpacked = path.join(folder, "unpacked");
        fs.mkdirSync(unpacked);
        await runOrFail("tar", ["-xzf", path.join(folder, filename), "-C", unpacked]);
        pack = path.join(unpacked, "package");
        // What the tarball leaves to the installer: its dependencies, pinned as the lockfile pins
        // them and taken from the npm cache (the cluster's network has no way out).
        fs.copyFileSync(
            path.join(policyPackDirectory, "package-lock.json"),
            path.join(pack, "package-lock.json"),
        );
        await runOrFail("npm", ["ci", "--omit=dev", "--offline", "--no-audit", "--no-fund"], { cwd: pack });
        workspace = await PulumiWorkspace.create({
            programDirectory: path.join(repositoryRoot, "test/fixtures/programs/regressions"),
            stack: "packed",
        });
    });

    after(() => {
        workspace?.dispose();
        if (folder) {
            fs.rmSync(folder, { recursive: true, force: true });
        }
    });

    it("holds the compiled pack and its manifests, no sources", () => {
        assert.deepStrictEqual(filesBelow(pack), [
            "PulumiPolicy.yaml",
            "build.js",
            "dist/index.js",
            "dist/index.js.map",
            "pack.js",
            "package-lock.json",
            "package.json",
        ]);
    });

    it("blocks a quota without LimitRange defaults, run from the unpacked folder", async () => {
        workspace.setSettings(project, { scenario: "quota-without-defaults" });

        const result = await workspace.preview([
            "--policy-pack",
            pack,
            "--policy-pack-config",
            homelabPolicyConfig,
        ]);

        assert.notStrictEqual(result.code, 0, result.output);
        for (const expected of [
            "limit-range-defaults-cover-quota",
            "defaults limits.memory, requests.cpu, requests.memory: quota admission rejects every container that declares none of its own",
            "argo-executor-resources-satisfy-quota",
        ]) {
            assert.ok(result.output.includes(expected), `missing "${expected}" in:\n${result.output}`);
        }
        assert.ok(!result.output.includes(repositoryRoot + "/policy"), result.output);
    });
});
