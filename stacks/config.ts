// Reads the stack's Pulumi config once and validates it into StackSettings.

import * as pulumi from "@pulumi/pulumi";
import { StackSettings } from "./settings";
import { RawSettings, settingKeys, validateSettings } from "./validation";

/** Loads and validates this stack's settings; throws a SettingsError naming every bad key and value. */
export function loadStackSettings(config: pulumi.Config = new pulumi.Config()): StackSettings {
    const raw: RawSettings = {};
    for (const key of settingKeys) {
        raw[key] = config.getObject<unknown>(key);
    }
    return validateSettings(raw);
}
