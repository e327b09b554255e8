// Builds the pack into dist/index.js: one CommonJS file, the shared IP/quantity code inlined,
// @pulumi/policy and @pulumi/pulumi left to the pack's own dependencies, with a source map so
// stack traces point at the TypeScript lines. Type checking is `npm test`'s job (tsc -p policy);
// this only transpiles, in a fraction of a second.
//
//     node policy/build.js        (npm run build does it; so does `npm ci`)
"use strict";

const fs = require("fs");
const path = require("path");

const entry = path.join(__dirname, "index.ts");
const outfile = path.join(__dirname, "dist", "index.js");
// The files the last build read, so that a checkout can tell when dist/ is older than its sources.
const inputsFile = path.join(__dirname, "dist", "inputs.json");

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
        external: ["@pulumi/policy", "@pulumi/pulumi"],
        metafile: true,
        logLevel: "warning",
    });
    const inputs = Object.keys(result.metafile.inputs).map((input) => path.resolve(input));
    fs.writeFileSync(inputsFile, JSON.stringify(inputs, null, 1) + "\n");
}

/** True when a file the last build read is newer than dist/, or when there is no build yet. */
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
            return true; // a file the pack imported is gone: rebuild (and let esbuild name it)
        }
    });
}

/**
 * In a checkout (the TypeScript is here), rebuilds when a source changed since the last build, so
 * an edited policy never runs stale. A packed copy of the pack has no sources: dist/ is the pack.
 */
function buildIfStale() {
    if (fs.existsSync(entry) && isStale()) {
        build();
    }
}

module.exports = { build, buildIfStale, isStale };

if (require.main === module) {
    build();
}
