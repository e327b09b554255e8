// The project's stack files, as the tests read them (stacks/stackFiles.ts).

import * as path from "path";
import { readStackFiles } from "../../stacks/stackFiles";
import { RawSettings } from "../../stacks/validation";

/** Data the tests reach into and change (settings, recorded inputs, objects read back): untyped on purpose. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Editable = any;

export const projectRoot = path.resolve(__dirname, "..", "..");
export const projectName = "homelab-platform";

/** Raw settings of `Pulumi.<stack>.yaml` over the Pulumi.yaml defaults, deep-copied so tests may mutate them. */
export function readStackConfig(stack: string): RawSettings {
    return readStackFiles(projectRoot, stack);
}
