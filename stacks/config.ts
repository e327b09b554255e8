// Reads the stack's Pulumi config once and validates it into StackSettings.

import * as pulumi from "@pulumi/pulumi";
import { SettingsError } from "./problems";
import { StackSettings } from "./settings";
import { RawSettings, settingKeys, validateSettings } from "./validation";

/**
 * Each setting as the stack file wrote it: JSON (objects, lists, booleans, numbers) parsed, any
 * other text kept as text, so that validation names it (`skipAwait: "yes" must be true or
 * false`) instead of failing on it as Pulumi's `getObject` does.
 */
export function readRawSettings(config: pulumi.Config = new pulumi.Config()): RawSettings {
    const raw: RawSettings = {};
    // Every key of the project's namespace, so that a misspelt one is reported, not ignored.
    const prefix = `${config.name}:`;
    const keys = new Set<string>(settingKeys);
    for (const fullKey of Object.keys(pulumi.runtime.allConfig())) {
        if (fullKey.startsWith(prefix)) {
            keys.add(fullKey.slice(prefix.length));
        }
    }
    for (const key of keys) {
        const text = config.get(key);
        if (text === undefined) {
            continue;
        }
        try {
            raw[key] = JSON.parse(text);
        } catch {
            raw[key] = text;
        }
    }
    return raw;
}

/** Loads and validates this stack's settings; throws a SettingsError naming every bad key and value. */
export function loadStackSettings(config: pulumi.Config = new pulumi.Config()): StackSettings {
    return validateSettings(readRawSettings(config));
}

/**
 * Like loadStackSettings, for the program: invalid settings end the run with their list alone,
 * as the CLI prints an error (a RunError), not as an unhandled exception with a stack trace.
 */
export function loadStackSettingsOrStop(config?: pulumi.Config): StackSettings {
    try {
        return loadStackSettings(config);
    } catch (error) {
        if (error instanceof SettingsError) {
            throw new pulumi.RunError(error.message);
        }
        throw error;
    }
}
