// hack/toolchain.sh with a Pulumi CLI already installed, the way a user has it. Runs inside the
// control plane's network namespace, so Pulumi's normal plugin download fails as it does on a
// machine without internet. The toolchain's cache is shared through links (nothing is rebuilt),
// while its bin/ folder and the Pulumi home are the test's own.

import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { run, runOrFail } from "../../hack/cluster/commands";
import { repositoryRoot } from "../../hack/cluster/workspace";

const toolchainScript = path.join(repositoryRoot, "hack", "toolchain.sh");

interface Sandbox {
    root: string;
    cache: string;
    /** A folder standing for the user's Pulumi install, first on PATH. */
    userBin: string;
    pulumiHome: string;
    environment: NodeJS.ProcessEnv;
}

/** The links folder the integration run put on PATH, inside the real cache. */
function realBin(): string {
    const bin = process.env.HOMELAB_TOOLCHAIN_BIN;
    assert.ok(bin, "HOMELAB_TOOLCHAIN_BIN is not set: run inside hack/integration.sh");
    return bin;
}

const realCache = () => path.dirname(realBin());
/** The sandbox's links folder: the same name, since the toolchain's definition is the same. */
const sandboxBin = (box: Sandbox) => path.join(box.cache, path.basename(realBin()));

function sandbox(): Sandbox {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "toolchain-"));
    const cache = path.join(root, "cache");
    fs.mkdirSync(cache);
    for (const entry of fs.readdirSync(realCache())) {
        // Not the links folders: the sandbox makes its own.
        if (!entry.startsWith("bin") && !entry.startsWith(".")) {
            fs.symlinkSync(path.join(realCache(), entry), path.join(cache, entry));
        }
    }
    const userBin = path.join(root, "user-bin");
    fs.mkdirSync(userBin);
    const pulumiHome = path.join(root, "pulumi-home");
    fs.mkdirSync(pulumiHome);
    // PATH without the integration run's toolchain links, as a user's shell has it.
    const path_ = (process.env.PATH ?? "")
        .split(path.delimiter)
        .filter((entry) => entry !== process.env.HOMELAB_TOOLCHAIN_BIN)
        .join(path.delimiter);
    return {
        root,
        cache,
        userBin,
        pulumiHome,
        environment: {
            ...process.env,
            PATH: `${userBin}${path.delimiter}${path_}`,
            HOMELAB_TOOLCHAIN_CACHE: cache,
            PULUMI_HOME: pulumiHome,
            HOMELAB_TOOLCHAIN_BIN: "",
        },
    };
}

/** Installs the cached CLI and its language host into the user's folder, as a release archive does. */
function installUserPulumi(box: Sandbox): void {
    const cli = fs.realpathSync(path.join(realBin(), "pulumi"));
    for (const binary of ["pulumi", "pulumi-language-nodejs"]) {
        fs.copyFileSync(path.join(path.dirname(cli), binary), path.join(box.userBin, binary));
        fs.chmodSync(path.join(box.userBin, binary), 0o755);
    }
}

describe("hack/toolchain.sh with a Pulumi CLI on PATH", function () {
    let box: Sandbox;

    beforeEach(() => {
        box = sandbox();
    });

    afterEach(() => fs.rmSync(box.root, { recursive: true, force: true }));

    it("uses the installed CLI, and installs the plugin from a local build when the download fails", async () => {
        installUserPulumi(box);

        const result = await runOrFail("bash", [toolchainScript], { env: box.environment });

        assert.ok(
            result.stderr.includes(`using the Pulumi CLI at ${path.join(box.userBin, "pulumi")} (v3.274.1)`),
            result.stderr,
        );
        assert.ok(
            result.stderr.includes(
                "the download failed (offline?); building the plugin from the Go module proxy instead",
            ),
            result.stderr,
        );
        assert.ok(!result.stdout.includes("PULUMI_HOME"), result.stdout);
        assert.ok(
            !fs.existsSync(path.join(sandboxBin(box), "pulumi")),
            "a built pulumi was linked into bin/",
        );
        const plugins = await runOrFail(path.join(box.userBin, "pulumi"), ["plugin", "ls", "--json"], {
            env: box.environment,
        });
        const installed = JSON.parse(plugins.stdout) as { name: string; kind: string; version: string }[];
        assert.deepStrictEqual(
            installed.map((plugin) => `${plugin.kind} ${plugin.name} ${plugin.version}`),
            ["resource kubernetes 4.25.0"],
        );

        // A second run finds everything in place and changes nothing.
        const again = await runOrFail("bash", [toolchainScript], { env: box.environment });
        assert.ok(!again.stderr.includes("installing the kubernetes"), again.stderr);
    });

    it("builds its own CLI when the installed one is too old to run policy packs", async () => {
        const old = path.join(box.userBin, "pulumi");
        fs.writeFileSync(old, '#!/bin/sh\n[ "$1" = version ] && echo v3.100.0\n');
        fs.chmodSync(old, 0o755);

        const result = await run("bash", [toolchainScript], { env: box.environment });

        assert.strictEqual(result.code, 0, result.output);
        assert.ok(!result.stderr.includes("using the Pulumi CLI at"), result.stderr);
        assert.strictEqual(
            fs.realpathSync(path.join(sandboxBin(box), "pulumi")),
            fs.realpathSync(path.join(realBin(), "pulumi")),
        );
        assert.ok(
            result.stdout.includes(`export PULUMI_HOME=${path.join(box.cache, "pulumi-home")}`),
            result.stdout,
        );
    });
});
