// The program Pulumi runs (package.json's main): the bundle of index.ts, rebuilt first if a source
// changed since it was built (see build-program.js). Its exports are the stack's outputs.
"use strict";

require("./build").buildIfStale();
// Stack traces name the TypeScript files and lines, not the bundle's.
process.setSourceMapsEnabled(true);
module.exports = require("../bin/index.js");
