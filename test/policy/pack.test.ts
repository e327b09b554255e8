import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { policies } from "../../policy/allPolicies";
import { configKeys, readPackConfig } from "../../policy/support/policyConfig";
import { homelabPolicyConfig, packDirectory, packViolations } from "../harness/policy/packRun";
import { homelabStack } from "../harness/policy/resources";

/** A small JSON Schema check for the keywords the pack's schemas use (what `pulumi policy validate-config` applies). */
function schemaProblems(schema: Record<string, unknown>, value: unknown, at: string): string[] {
    const problems: string[] = [];
    const type = schema.type as string | undefined;
    const typeOk =
        type === undefined ||
        (type === "array" && Array.isArray(value)) ||
        (type === "string" && typeof value === "string") ||
        (type === "boolean" && typeof value === "boolean");
    if (!typeOk) {
        return [`${at}: expected ${type}`];
    }
    if (typeof value === "string") {
        if (schema.pattern && !new RegExp(schema.pattern as string).test(value)) {
            problems.push(`${at}: "${value}" does not match ${schema.pattern}`);
        }
        if (schema.maxLength !== undefined && value.length > (schema.maxLength as number)) {
            problems.push(`${at}: longer than ${schema.maxLength}`);
        }
    }
    if (Array.isArray(value)) {
        if (schema.minItems !== undefined && value.length < (schema.minItems as number)) {
            problems.push(`${at}: fewer than ${schema.minItems} items`);
        }
        if (schema.uniqueItems && new Set(value.map((item) => JSON.stringify(item))).size !== value.length) {
            problems.push(`${at}: items are not unique`);
        }
        value.forEach((item, index) =>
            problems.push(
                ...schemaProblems(schema.items as Record<string, unknown>, item, `${at}[${index}]`),
            ),
        );
    }
    return problems;
}

describe("policy pack", () => {
    it("names each policy once, in kebab-case, with an explicit enforcement level, severity and description", () => {
        const names = policies.map((policy) => policy.name);
        assert.strictEqual(new Set(names).size, names.length);
        for (const policy of policies) {
            assert.match(policy.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
            assert.ok(["mandatory", "advisory"].includes(policy.enforcementLevel ?? ""), policy.name);
            assert.ok(policy.severity, policy.name);
            assert.ok(policy.description.endsWith("."), policy.name);
        }
    });

    it("keeps one policy per file, named after the policy, and nothing else in policies/", () => {
        const files = fs.readdirSync(path.join(packDirectory, "policies"));
        for (const policy of policies) {
            const file = policy.name.replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
            const candidates = files.filter((entry) => entry.toLowerCase() === `${file.toLowerCase()}.ts`);
            assert.strictEqual(candidates.length, 1, `no file for ${policy.name}`);
        }
        const policyFiles = policies.map(
            (policy) =>
                `${policy.name.replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase())}.ts`,
        );
        assert.deepStrictEqual(
            files.filter(
                (file) => !policyFiles.some((policyFile) => policyFile.toLowerCase() === file.toLowerCase()),
            ),
            [],
            "files in policy/policies that hold no policy of the pack (helpers go to policy/support)",
        );
    });

    it("declares schema defaults that the policies accept, and requires the keys without one", () => {
        for (const [key, schema] of Object.entries(configKeys)) {
            if ("default" in schema) {
                assert.deepStrictEqual(
                    schemaProblems(schema as Record<string, unknown>, schema.default, key),
                    [],
                );
                continue;
            }
            for (const policy of policies.filter((candidate) => candidate.configSchema?.properties?.[key])) {
                assert.ok(policy.configSchema?.required?.includes(key), `${policy.name} must require ${key}`);
            }
        }
    });

    it("ships a homelab config that neither switches a policy off nor lowers a mandatory one", () => {
        const shipped = JSON.parse(fs.readFileSync(path.join(packDirectory, "config.homelab.json"), "utf8"));
        assert.ok(!("all" in shipped), "config.homelab.json sets the level of every policy at once");
        for (const [policyName, values] of Object.entries(shipped as Record<string, unknown>)) {
            const level =
                typeof values === "string"
                    ? values
                    : (values as { enforcementLevel?: string }).enforcementLevel;
            const declared = policies.find((policy) => policy.name === policyName)?.enforcementLevel;
            assert.ok(
                level === undefined || level === declared,
                `${policyName}: ${level} overrides ${declared}`,
            );
        }
    });

    it("ships a homelab config that only sets keys the policies declare, with valid values", () => {
        for (const [policyName, values] of Object.entries(homelabPolicyConfig())) {
            const policy = policies.find((candidate) => candidate.name === policyName);
            assert.ok(policy, `config.homelab.json configures unknown policy ${policyName}`);
            const properties = policy.configSchema?.properties ?? {};
            for (const [key, value] of Object.entries(values)) {
                assert.ok(properties[key], `${policyName}.${key} is not in the policy's configSchema`);
                assert.deepStrictEqual(
                    schemaProblems(properties[key] as Record<string, unknown>, value, `${policyName}.${key}`),
                    [],
                );
            }
            readPackConfig(policyName, Object.keys(properties) as (keyof typeof configKeys)[], values);
        }
    });

    it("finds nothing mandatory in the homelab's fixed state; only the retired ingress chart, as advisory", async () => {
        const found = await packViolations(homelabStack(), homelabPolicyConfig());
        assert.deepStrictEqual(
            found.map(({ policy, level }) => `${level} ${policy}`),
            ["advisory community-ingress-nginx-is-retired"],
        );
    });
});
