// Runs the whole pack over one stack, as \`pulumi preview --policy-pack ./policy\` would: every
// stack policy once, every resource policy on every resource.

import * as fs from "fs";
import * as path from "path";
import {
    Policy,
    ResourceValidationPolicy,
    StackValidationPolicy,
} from "../../../policy/node_modules/@pulumi/policy";
import { policies } from "../../../policy/allPolicies";
import { resourceViolations, ResourceSpec, stackViolations, Violation } from "./harness";

export type PackConfigFile = Record<string, Record<string, unknown>>;

export interface PackViolation {
    policy: string;
    level: string;
    violation: Violation;
}

export const packDirectory = path.resolve(__dirname, "..", "..", "..", "policy");

/** policy/config.homelab.json, the config the homelab runs the pack with. */
export function homelabPolicyConfig(): PackConfigFile {
    return JSON.parse(
        fs.readFileSync(path.join(packDirectory, "config.homelab.json"), "utf8"),
    ) as PackConfigFile;
}

function isStackPolicy(policy: Policy): policy is StackValidationPolicy {
    return "validateStack" in policy;
}

/** Every violation of the whole pack, in policy order. */
export async function packViolations(
    specs: ResourceSpec[],
    config: PackConfigFile = {},
): Promise<PackViolation[]> {
    const found: PackViolation[] = [];
    for (const policy of policies) {
        const given = config[policy.name] ?? {};
        const violations = isStackPolicy(policy)
            ? await stackViolations(policy, specs, given)
            : (
                  await Promise.all(
                      specs.map((spec) =>
                          resourceViolations(policy as ResourceValidationPolicy, spec, given),
                      ),
                  )
              ).flat();
        found.push(
            ...violations.map((violation) => ({
                policy: policy.name,
                level: policy.enforcementLevel!,
                violation,
            })),
        );
    }
    return found;
}
