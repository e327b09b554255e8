import * as assert from "assert";
import { SettingsError } from "../../../stacks/problems";
import { validateSettings } from "../../../stacks/validation";
import { malformedSettings } from "../../harness/malformedSettings";
import { readStackConfig } from "../../harness/stackConfig";

describe("malformed settings, each refused with its key and value", () => {
    it("has at least 40 cases, each with its own problem", () => {
        assert.ok(malformedSettings.length >= 40, `${malformedSettings.length} cases`);
        assert.strictEqual(
            new Set(malformedSettings.map((entry) => entry.problem)).size,
            malformedSettings.length,
        );
    });

    for (const entry of malformedSettings) {
        it(entry.title, () => {
            const raw = readStackConfig("homelab");
            entry.edit(raw);
            assert.throws(
                () => validateSettings(raw),
                (error: unknown) => {
                    assert.ok(error instanceof SettingsError, String(error));
                    assert.ok(error.problems.includes(entry.problem), error.problems.join("\n"));
                    return true;
                },
            );
        });
    }
});
