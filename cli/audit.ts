// `npm run audit -- [--policy-pack-config FILE] [--context NAME]`: the policy pack's rules over the
// live cluster the kubeconfig points at.
//
// `pulumi preview` judges what the program declares and `pulumi policy analyze` what the stack's
// state records; neither sees what other tools made. This reads every object of the kinds the pack
// reads, in every namespace, whoever made it (Helm releases' values included), runs the pack's own
// policies over them, with the same config file as the preview, and prints the violations as the
// CLI does. Read-only (GET only). Exit status: 0 without mandatory violations, 1 with, 2 when the
// cluster cannot be read at all.

import * as k8s from "@kubernetes/client-node";
import * as fs from "fs";
import * as path from "path";
import {
    Policy,
    ResourceValidationPolicy,
    StackValidationPolicy,
} from "../policy/node_modules/@pulumi/policy";
import { EngineResource } from "../policy/support/kubernetes";
import { policies } from "../policy/allPolicies";
import { readFlags } from "./arguments";
import { ClusterRead, readCluster } from "./clusterObjects";

const projectDirectory = path.resolve(__dirname, "..");
const packDirectory = path.join(projectDirectory, "policy");
const usage = "usage: npm run audit -- [--policy-pack-config FILE] [--context NAME]";

interface Options {
    policyPackConfig: string;
    context?: string;
}

function parseArguments(argv: string[]): Options {
    const options: Options = { policyPackConfig: path.join(packDirectory, "config.homelab.json") };
    readFlags(argv, usage, (flag, value) => {
        if (flag === "--policy-pack-config") {
            options.policyPackConfig = path.resolve(value());
        } else if (flag === "--context") {
            options.context = value();
        } else {
            return false;
        }
        return true;
    });
    return options;
}

export interface AuditViolation {
    policy: Policy;
    message: string;
    /** The object the violation is about, when the policy names one. */
    resource?: EngineResource;
}

/** Each policy's config from the file, over its schema's defaults, as the CLI hands it over. */
function policyConfig(
    policy: Policy,
    file: Record<string, Record<string, unknown>>,
): Record<string, unknown> {
    const defaults = Object.entries(policy.configSchema?.properties ?? {}).filter(
        ([, schema]) => schema.default !== undefined,
    );
    return {
        ...Object.fromEntries(defaults.map(([key, schema]) => [key, structuredClone(schema.default)])),
        ...file[policy.name],
    };
}

/** Runs every policy of the pack over the cluster's objects: stack policies once, resource policies on each object. */
export async function runPack(
    resources: EngineResource[],
    configFile: Record<string, Record<string, unknown>>,
): Promise<AuditViolation[]> {
    const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
    const found: AuditViolation[] = [];
    for (const policy of policies) {
        const config = policyConfig(policy, configFile);
        const common = {
            stackTags: new Map<string, string>(),
            getConfig: <T extends object>() => config as T,
            notApplicable: (reason?: string): never => {
                throw new Error(`policy ${policy.name} is not applicable: ${reason ?? ""}`);
            },
        };
        const report = (subject?: EngineResource) => (message: string, urn?: string) =>
            found.push({ policy, message, resource: urn === undefined ? subject : byUrn.get(urn) });
        if ("validateStack" in policy) {
            const stackPolicy = policy as StackValidationPolicy;
            await stackPolicy.validateStack({ ...common, resources: resources as never }, report());
            continue;
        }
        const resourcePolicy = policy as ResourceValidationPolicy;
        const validations = [resourcePolicy.validateResource ?? []].flat();
        for (const resource of resources) {
            const args = {
                ...common,
                type: resource.type,
                props: resource.props,
                urn: resource.urn,
                name: resource.name,
                opts: {} as never,
                isType: () => false,
                asType: () => undefined,
            };
            for (const validate of validations) {
                await validate(args, report(resource));
            }
        }
    }
    return found;
}

/** `(kubernetes:core/v1:Service: ingress-nginx/ingress-nginx-controller)`, as the CLI names a resource. */
function subjectOf(violation: AuditViolation, server: string): string {
    return violation.resource
        ? `${violation.resource.type}: ${violation.resource.name}`
        : `cluster: ${server}`;
}

/** The report, laid out as `pulumi preview` prints a pack's violations. */
export function renderAudit(read: ClusterRead, violations: AuditViolation[], version: string): string {
    const mandatory = violations.filter((violation) => violation.policy.enforcementLevel === "mandatory");
    const mark = mandatory.length > 0 ? "❌" : violations.length > 0 ? "⚠️" : "✅";
    const objects = read.resources.length;
    const lines = [
        `Audit of ${read.server}: ${objects} object${objects === 1 ? "" : "s"} of ${read.counts.size} kinds` +
            (read.ownedByControllers > 0
                ? ` (and ${read.ownedByControllers} made by controllers from them, judged through their owners)`
                : ""),
        "",
        "Policies:",
        `    ${mark} homelab-platform@v${version} (audit: ${read.server})`,
    ];
    const ordered = [...mandatory, ...violations.filter((violation) => !mandatory.includes(violation))];
    for (const violation of ordered) {
        const severity = violation.policy.severity ? ` [severity: ${violation.policy.severity}]` : "";
        lines.push(
            `        - [${violation.policy.enforcementLevel}]${severity}  ${violation.policy.name}  (${subjectOf(violation, read.server)})`,
        );
        for (const text of [violation.policy.description, violation.message]) {
            lines.push(...text.split("\n").map((line) => `          ${line}`));
        }
    }
    if (read.unreadable.length > 0) {
        lines.push("", "Not read (this identity may not list them; what they hold was not judged):");
        lines.push(...read.unreadable.map(({ kind, reason }) => `    ${kind}: ${reason}`));
    }
    if (read.notServed.length > 0) {
        lines.push("", `Not served by this cluster: ${read.notServed.join(", ")}`);
    }
    const advisory = violations.length - mandatory.length;
    lines.push(
        "",
        `${mandatory.length} mandatory, ${advisory} advisory violation${advisory === 1 ? "" : "s"}`,
    );
    return `${lines.join("\n")}\n`;
}

export interface AuditResult {
    text: string;
    violations: AuditViolation[];
    read: ClusterRead;
}

export async function audit(argv: string[]): Promise<AuditResult> {
    const options = parseArguments(argv);
    const configFile = JSON.parse(fs.readFileSync(options.policyPackConfig, "utf8") || "{}") ?? {};
    const config = new k8s.KubeConfig();
    config.loadFromDefault();
    if (options.context) {
        config.setCurrentContext(options.context);
    }
    const read = await readCluster(config);
    const violations = await runPack(read.resources, configFile);
    const version = JSON.parse(fs.readFileSync(path.join(packDirectory, "package.json"), "utf8")).version;
    return { text: renderAudit(read, violations, version), violations, read };
}

if (require.main === module) {
    audit(process.argv.slice(2)).then(
        ({ text, violations }) => {
            process.stdout.write(text);
            process.exitCode = violations.some(
                (violation) => violation.policy.enforcementLevel === "mandatory",
            )
                ? 1
                : 0;
        },
        (error: unknown) => {
            process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
            process.exitCode = 2;
        },
    );
}
