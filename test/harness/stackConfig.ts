// Reads a stack's raw settings the way `pulumi config` resolves them: project defaults from
// Pulumi.yaml, then each top-level key the stack file sets replaces the default whole.

import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { RawSettings, SettingKey } from "../../stacks/validation";

export const projectRoot = path.resolve(__dirname, "..", "..");
export const projectName = "homelab-platform";

interface ProjectFile {
    config?: Record<string, { default?: unknown }>;
}

interface StackFile {
    config?: Record<string, unknown>;
}

function readYaml<T>(file: string): T {
    return yaml.load(fs.readFileSync(path.join(projectRoot, file), "utf8")) as T;
}

/** Raw settings of `Pulumi.<stack>.yaml` over the Pulumi.yaml defaults, deep-copied so tests may mutate them. */
export function readStackConfig(stack: string): RawSettings {
    const raw: Record<string, unknown> = {};
    for (const [key, declaration] of Object.entries(readYaml<ProjectFile>("Pulumi.yaml").config ?? {})) {
        if (declaration.default !== undefined) {
            raw[key] = declaration.default;
        }
    }
    for (const [key, value] of Object.entries(readYaml<StackFile>(`Pulumi.${stack}.yaml`).config ?? {})) {
        const [namespace, name] = key.split(":");
        if (namespace === projectName) {
            raw[name as SettingKey] = value;
        }
    }
    return structuredClone(raw) as RawSettings;
}
