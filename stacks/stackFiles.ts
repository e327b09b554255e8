// Reads a stack's raw settings from the project's files the way `pulumi config` resolves them:
// project defaults from Pulumi.yaml, then each top-level key the stack file sets replaces the
// default whole. For what runs without the Pulumi engine (`npm run addresses`, the tests); the
// program itself reads the same values through pulumi.Config.

import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { RawSettings, SettingKey } from "./validation";

interface ProjectFile {
    name: string;
    /** The project's settings with their defaults, and values for other namespaces (`kubernetes:...`). */
    config?: Record<string, { default?: unknown } | unknown>;
}

interface StackFile {
    config?: Record<string, unknown>;
}

function readYaml<T>(file: string): T {
    return yaml.load(fs.readFileSync(file, "utf8")) as T;
}

/** Raw settings of `Pulumi.<stack>.yaml` over the Pulumi.yaml defaults, deep-copied so callers may mutate them. */
export function readStackFiles(projectDirectory: string, stack: string): RawSettings {
    const project = readYaml<ProjectFile>(path.join(projectDirectory, "Pulumi.yaml"));
    const stackFile = path.join(projectDirectory, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(stackFile)) {
        throw new Error(`stack "${stack}" has no settings file: ${stackFile} does not exist`);
    }
    const raw: Record<string, unknown> = {};
    for (const [key, declaration] of Object.entries(project.config ?? {})) {
        const fallback = (declaration as { default?: unknown } | undefined)?.default;
        if (!key.includes(":") && fallback !== undefined) {
            raw[key] = fallback;
        }
    }
    for (const [key, value] of Object.entries(readYaml<StackFile>(stackFile).config ?? {})) {
        const [namespace, name] = key.split(":");
        if (namespace === project.name) {
            raw[name as SettingKey] = value;
        }
    }
    return structuredClone(raw) as RawSettings;
}
