// The project's own YAML manifests (the RBAC files of cli/), as the tests apply and inspect them.

import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { Editable, projectRoot } from "./stackConfig";

/** Every object of a manifest, in order: its documents, without the empty ones. */
export function readManifest(file: string): Editable[] {
    return yaml
        .loadAll(fs.readFileSync(path.join(projectRoot, file), "utf8"))
        .filter((object) => object !== null && typeof object === "object");
}
