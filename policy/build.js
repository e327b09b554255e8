// Builds the pack into dist/index.js: one CommonJS file with lib/ (the rules it shares with the
// stack), js-yaml and @pulumi/policy inlined, @pulumi/pulumi, gRPC and protobuf left to the pack's
// own dependencies, with a source map so stack traces point at the TypeScript lines. Type checking is
// `npm test`'s job (tsc -p policy); this only transpiles, in a fraction of a second.
//
//     node policy/build.js        (npm run build does it; so do `npm ci` and `npm pack`)
//
// A packed copy of the pack (`npm pack`, what `pulumi policy publish` uploads) holds dist/ and no
// sources: there, installing it runs this script, which has nothing to build.
//
// `bundle()` is also how the program is built (program/build.js): one bundler, one rule for
// when a build is stale.
"use strict";

const { execFileSync } = require("child_process");
const fs = require("fs");
const path = require("path");

/**
 * A bundle of `entry` into `outfile` (plus its source map), rebuilt when a file the last build read
 * is newer. `external` lists packages left to node_modules; `packages: "external"` leaves all of them.
 * esbuild runs `plugins` only in its asynchronous API: a bundle with plugins names the script that
 * builds it (`builder`, which calls `buildAsync`), and `build` runs that script in a child process.
 */
function bundle({ entry, outfile, external = [], packages, plugins = [], builder }) {
    // The files the last build read, so that a checkout can tell when the bundle is older than its sources.
    const inputsFile = path.join(path.dirname(outfile), `${path.basename(outfile, ".js")}.inputs.json`);

    function options() {
        return {
            entryPoints: [entry],
            outfile,
            bundle: true,
            platform: "node",
            target: "node22",
            format: "cjs",
            sourcemap: true,
            external,
            ...(packages ? { packages } : {}),
            metafile: true,
            write: false,
            logLevel: "warning",
        };
    }

    function write(result) {
        const inputs = Object.keys(result.metafile.inputs).map((input) => path.resolve(input));
        fs.mkdirSync(path.dirname(outfile), { recursive: true });
        // Each file is written whole and renamed into place: previews started side by side may
        // build at once, and none of them may load half a file.
        const writes = [
            ...result.outputFiles.map((file) => [file.path, file.contents]),
            [inputsFile, JSON.stringify(inputs, null, 1) + "\n"],
        ];
        for (const [target, contents] of writes) {
            const partial = `${target}.${process.pid}.partial`;
            fs.writeFileSync(partial, contents);
            fs.renameSync(partial, target);
        }
    }

    function build() {
        if (plugins.length === 0) {
            write(require("esbuild").buildSync(options()));
            return;
        }
        // The builder's output goes to stderr: a policy pack's stdout is where it tells the engine its port.
        execFileSync(process.execPath, [builder], { stdio: ["ignore", 2, 2] });
    }

    async function buildAsync() {
        write(await require("esbuild").build({ ...options(), plugins }));
    }

    /** True when a file the last build read is newer than the bundle, or when there is no build yet. */
    function isStale() {
        let built;
        let inputs;
        try {
            built = fs.statSync(outfile).mtimeMs;
            inputs = JSON.parse(fs.readFileSync(inputsFile, "utf8"));
        } catch {
            return true;
        }
        return inputs.some((input) => {
            try {
                return fs.statSync(input).mtimeMs > built;
            } catch {
                return true; // a file the last build read is gone: rebuild (and let esbuild name it)
            }
        });
    }

    /**
     * In a checkout (the TypeScript is here), rebuilds when a source changed since the last build,
     * so an edit never runs stale. A packed copy has no sources: the bundle is all there is.
     */
    function buildIfStale() {
        if (fs.existsSync(entry) && isStale()) {
            build();
        }
    }

    return { build, buildAsync, buildIfStale, isStale };
}

/**
 * Resolves @pulumi/policy's `require("@pulumi/pulumi")`, the SDK's whole index, to the part of it
 * that @pulumi/policy uses (support/pulumiIndex.ts). Every `@pulumi/pulumi/...` module stays external.
 */
const pulumiIndexForPolicy = {
    name: "pulumi-index-for-policy",
    setup(build) {
        build.onResolve({ filter: /^@pulumi\/pulumi$/ }, () => ({
            path: path.join(__dirname, "support", "pulumiIndex.ts"),
        }));
    },
};

const packEntry = path.join(__dirname, "index.ts");
// The SDK, gRPC and protobuf stay in node_modules, where Pulumi's pack runner loads them too.
const pack = bundle({
    entry: packEntry,
    outfile: path.join(__dirname, "dist", "index.js"),
    external: ["@pulumi/pulumi", "@grpc/grpc-js", "google-protobuf"],
    plugins: [pulumiIndexForPolicy],
    builder: __filename,
});

module.exports = { bundle, ...pack };

if (require.main === module && fs.existsSync(packEntry)) {
    pack.buildAsync().catch(() => {
        process.exitCode = 1; // esbuild has printed what failed
    });
}
