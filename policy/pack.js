// What `pulumi preview --policy-pack ./policy` loads (package.json "main"): the compiled pack, so
// neither ts-node nor the TypeScript compiler runs at preview time. See build.js.
"use strict";

require("./build").buildIfStale();
require("./dist/index.js");
