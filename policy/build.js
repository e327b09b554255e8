// Builds the pack into dist/index.js: one CommonJS file with lib/ (the rules it shares with the
// stack) and js-yaml inlined, @pulumi/policy and @pulumi/pulumi left to the pack's own
// dependencies, with a source map so stack traces point at the TypeScript lines. Type checking is
// `npm test`'s job (tsc -p policy); this only transpiles, in a fraction of a second.
//
//     node policy/build.js        (npm run build does it; so do `npm ci` and `npm pack`)
//
// A packed copy of the pack (`npm pack`, what `pulumi policy publish` uploads) holds dist/ and no
// sources: there, installing it runs this script, which has nothing to build.
//
// `bundle()` is also how the program is built (scripts/build-program.js): one bundler, one rule for
// when a build is stale.
"use strict";

const fs = require("fs");
const path = require("path");

/**
 * A bundle of `entry` into `outfile` (plus its source map), rebuilt when a file the last build read
 * is newer. `external` lists packages left to node_modules; `packages: "external"` leaves all of them.
 */
function bundle({ entry, outfile, external = [], packages }) {
    // The files the last build read, so that a checkout can tell when the bundle is older than its sources.
    const inputsFile = path.join(path.dirname(outfile), `${path.basename(outfile, ".js")}.inputs.json`);

    function build() {
        const esbuild = require("esbuild");
        const result = esbuild.buildSync({
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
        });
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

    return { build, buildIfStale, isStale };
}

const packEntry = path.join(__dirname, "index.ts");
const pack = bundle({
    entry: packEntry,
    outfile: path.join(__dirname, "dist", "index.js"),
    external: ["@pulumi/policy", "@pulumi/pulumi"],
});

module.exports = { bundle, ...pack };

if (require.main === module && fs.existsSync(packEntry)) {
    pack.build();
}
