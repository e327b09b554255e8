// The pack's configuration keys: one JSON Schema per key, shared by the policies that read it, and a
// strict reader. The engine validates a policy's config against its `configSchema` and fills in the
// defaults, but it cannot reject keys the schema does not name (a policy schema has no
// `additionalProperties`) nor check that a CIDR has no host bits: the reader does both, so a typo in
// the config file stops the preview instead of silently checking against the defaults.

import { PolicyConfigSchema } from "@pulumi/policy";
import { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { Cidr, parseCidr } from "../../stacks/network";

const namespaceName: PolicyConfigJSONSchema = {
    type: "string",
    pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$",
    maxLength: 63,
};

// RE2 (the engine's JSON Schema validator is Go): no look-arounds. Host bits are checked at run time.
const cidrText: PolicyConfigJSONSchema = {
    type: "string",
    pattern: "^(([0-9]{1,3}\\.){3}[0-9]{1,3}/[0-9]{1,2}|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*/[0-9]{1,3})$",
};

function namespaceList(description: string, defaults: string[]): PolicyConfigJSONSchema {
    return { type: "array", items: namespaceName, uniqueItems: true, default: defaults, description };
}

function cidrList(description: string, defaults: string[]): PolicyConfigJSONSchema {
    return { type: "array", items: cidrText, minItems: 1, uniqueItems: true, default: defaults, description };
}

export const configKeys = {
    exemptNamespaces: namespaceList("Namespaces the policy ignores.", [
        "kube-system",
        "kube-public",
        "kube-node-lease",
    ]),
    quotaNamespaces: namespaceList(
        "Namespaces that must always have a ResourceQuota, declared in the stack or not.",
        [],
    ),
    requireQuotaForWorkloadNamespaces: {
        type: "boolean",
        default: false,
        description: "Also require a ResourceQuota in every namespace that has workloads in the stack.",
    },
    workflowNamespaces: namespaceList(
        "Namespaces that run Argo workflows, in addition to those the stack shows (Workflow resources, chart values).",
        [],
    ),
    lanCidrs: cidrList("The home network(s) the nodes and MetalLB pools live in.", ["192.168.1.0/24"]),
    podCidrs: cidrList("Pod address ranges (k3s --cluster-cidr).", ["10.42.0.0/16"]),
    serviceCidrs: cidrList("ClusterIP ranges (k3s --service-cidr).", ["10.43.0.0/16"]),
    clusterDomain: {
        type: "string",
        pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$",
        default: "cluster.local",
        description: "The cluster DNS domain (k3s --cluster-domain).",
    },
} satisfies Record<string, PolicyConfigJSONSchema>;

export type ConfigKey = keyof typeof configKeys;

export interface CidrSetting {
    text: string;
    cidr: Cidr;
}

export interface PackConfig {
    exemptNamespaces: Set<string>;
    quotaNamespaces: string[];
    requireQuotaForWorkloadNamespaces: boolean;
    workflowNamespaces: string[];
    lanCidrs: CidrSetting[];
    podCidrs: CidrSetting[];
    serviceCidrs: CidrSetting[];
    clusterDomain: string;
}

/** The `configSchema` of a policy that reads the given keys. */
export function configSchemaOf(...keys: ConfigKey[]): PolicyConfigSchema {
    return { properties: Object.fromEntries(keys.map((key) => [key, configKeys[key]])) };
}

function fail(policyName: string, problem: string): never {
    throw new Error(`policy ${policyName}: invalid configuration: ${problem}`);
}

function stringList(policyName: string, key: string, value: unknown): string[] {
    if (!Array.isArray(value) || value.some((item) => typeof item !== "string")) {
        fail(policyName, `${key} must be a list of strings, got ${JSON.stringify(value)}`);
    }
    return value as string[];
}

function cidrs(policyName: string, key: string, value: unknown): CidrSetting[] {
    return stringList(policyName, key, value).map((text, index) => {
        const cidr = parseCidr(text);
        if (!cidr) {
            fail(
                policyName,
                `${key}[${index}] "${text}" is not a CIDR (network address/prefix length, no host bits)`,
            );
        }
        return { text, cidr };
    });
}

/**
 * Reads a policy's configuration: the engine's values over the schema defaults (the engine fills
 * them in already; this covers callers that do not), rejecting keys the policy does not declare.
 */
export function readPackConfig<K extends ConfigKey>(
    policyName: string,
    keys: K[],
    given: Record<string, unknown>,
): Pick<PackConfig, K> {
    const unknownKeys = Object.keys(given).filter((key) => !(keys as string[]).includes(key));
    if (unknownKeys.length > 0) {
        fail(policyName, `unknown key(s) ${unknownKeys.join(", ")}; this policy reads ${keys.join(", ")}`);
    }
    const raw = (key: ConfigKey): unknown => given[key] ?? configKeys[key].default;
    const config: Partial<PackConfig> = {};
    for (const key of keys as ConfigKey[]) {
        switch (key) {
            case "exemptNamespaces":
                config.exemptNamespaces = new Set(stringList(policyName, key, raw(key)));
                break;
            case "quotaNamespaces":
            case "workflowNamespaces":
                config[key] = stringList(policyName, key, raw(key));
                break;
            case "requireQuotaForWorkloadNamespaces": {
                const value = raw(key);
                if (typeof value !== "boolean") {
                    fail(policyName, `${key} must be true or false, got ${JSON.stringify(value)}`);
                }
                config.requireQuotaForWorkloadNamespaces = value;
                break;
            }
            case "lanCidrs":
            case "podCidrs":
            case "serviceCidrs":
                config[key] = cidrs(policyName, key, raw(key));
                break;
            case "clusterDomain": {
                const value = raw(key);
                if (typeof value !== "string" || value === "") {
                    fail(policyName, `${key} must be a DNS domain, got ${JSON.stringify(value)}`);
                }
                config.clusterDomain = value;
                break;
            }
        }
    }
    return config as Pick<PackConfig, K>;
}
