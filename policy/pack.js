// What `pulumi preview --policy-pack ./policy` loads (package.json "main"): the compiled pack, so
// neither ts-node nor the TypeScript compiler runs at preview time. In a checkout, dist/ is rebuilt
// first when a source is newer (see build.js); a packed copy (`npm pack`) holds dist/ alone.
"use strict";

require("./build").buildIfStale();
require("./dist/index.js");
