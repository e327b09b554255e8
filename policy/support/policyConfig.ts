// The pack's configuration keys: one JSON Schema per key, shared by the policies that read it, and a
// strict reader. The engine validates a policy's config against its `configSchema` and fills in the
// defaults, but it cannot reject keys the schema does not name (a policy schema has no
// `additionalProperties`) nor check that a CIDR has no host bits: the reader does both, so a typo in
// the config file stops the preview instead of silently checking against the defaults.

import { PolicyConfigSchema } from "@pulumi/policy";
import { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { Cidr, parseCidr } from "../../lib/addresses/ip";

const namespaceName: PolicyConfigJSONSchema = {
    type: "string",
    pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$",
    maxLength: 63,
};

// RE2 (the engine's JSON Schema validator is Go): no look-arounds. Octets (0-255) and prefix
// lengths (0-32, 0-128) are checked here, before the program runs; host bits at run time.
const octet = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
const cidrText: PolicyConfigJSONSchema = {
    type: "string",
    pattern:
        `^((${octet}\\.){3}${octet}/(3[0-2]|[12]?[0-9])` +
        "|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*/(12[0-8]|1[01][0-9]|[1-9]?[0-9]))$",
};

function namespaceList(description: string, defaults: string[]): PolicyConfigJSONSchema {
    return { type: "array", items: namespaceName, uniqueItems: true, default: defaults, description };
}

function cidrList(description: string, defaults?: string[]): PolicyConfigJSONSchema {
    return {
        type: "array",
        items: cidrText,
        minItems: 1,
        uniqueItems: true,
        ...(defaults ? { default: defaults } : {}),
        description,
    };
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
    // No default: the home network is the site's own, and a config file that is empty or null
    // (which the CLI reads as no config at all) must not pass for one that states it.
    lanCidrs: cidrList("The home network(s) the nodes and MetalLB pools live in (required)."),
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

/** The `configSchema` of a policy that reads the given keys; a key without a default is required. */
export function configSchemaOf(...keys: ConfigKey[]): PolicyConfigSchema {
    const required = keys.filter((key) => !("default" in configKeys[key]));
    return {
        properties: Object.fromEntries(keys.map((key) => [key, configKeys[key]])),
        ...(required.length > 0 ? { required } : {}),
    };
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
    const raw = (key: ConfigKey): unknown => {
        const value = given[key] ?? (configKeys[key] as PolicyConfigJSONSchema).default;
        if (value === undefined) {
            fail(policyName, `${key} is required`);
        }
        return value;
    };
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
