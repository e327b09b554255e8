// The program Pulumi runs (package.json's main): the bundle of index.ts, rebuilt first if a source
// changed since it was built (see build-program.js). Its exports are the stack's outputs.
"use strict";

require("./build").buildIfStale();
// Stack traces name the TypeScript files and lines, not the bundle's: Pulumi's program runner
// installs source-map-support, which reads bin/index.js.map. (Node's own source maps would add
// nothing but the cost of mapping every module the program loads.)
module.exports = require("../bin/index.js");
