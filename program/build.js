// Builds the program into bin/index.js: index.ts and the modules it imports in one CommonJS file
// with a source map, every npm package left to node_modules. Pulumi runs that file through
// program/main.js, so neither ts-node nor the TypeScript compiler loads on `pulumi preview`
// (they cost seconds of CPU per run). Type checking is `npm test`'s job (tsc -p tsconfig.json).
//
//     node program/build.js      (`npm ci` does it; program/main.js whenever a source is newer)
"use strict";

const path = require("path");
const { bundle } = require("../policy/build");

const projectRoot = path.resolve(__dirname, "..");

const program = bundle({
    entry: path.join(projectRoot, "index.ts"),
    outfile: path.join(projectRoot, "bin", "index.js"),
    packages: "external",
});

module.exports = program;

if (require.main === module) {
    program.build();
}
