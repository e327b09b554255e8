// The project's stack files, as the tests read them (stacks/stackFiles.ts).

import * as path from "path";
import { readStackFiles } from "../../stacks/stackFiles";
import { RawSettings } from "../../stacks/validation";

export const projectRoot = path.resolve(__dirname, "..", "..");
export const projectName = "homelab-platform";

/** Raw settings of `Pulumi.<stack>.yaml` over the Pulumi.yaml defaults, deep-copied so tests may mutate them. */
export function readStackConfig(stack: string): RawSettings {
    return readStackFiles(projectRoot, stack);
}
