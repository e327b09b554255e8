// Runs one policy the way the engine's analyzer does (@pulumi/policy 1.21 server.js): properties
// wrapped in `unknownCheckingProxy`, stack resources with parents and dependencies resolved to the
// resource objects, `getConfig` returning the schema defaults overlaid with the given config, and an
// UnknownValueError escaping the policy turned into the engine's "can't run ... during preview"
// advisory. Everything comes from the same copy of @pulumi/policy the pack loads.

import * as assert from "assert";
import {
    Policy,
    PolicyResource,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
    unknownCheckingProxy,
    UnknownValueError,
} from "../../../policy/node_modules/@pulumi/policy";
import * as policyModule from "../../../policy/node_modules/@pulumi/policy/policy";
import * as proxyModule from "../../../policy/node_modules/@pulumi/policy/proxy";

/** The runner's own reading of a validation's Pulumi type (internal to @pulumi/policy, not in its typings). */
const { getPulumiType } = policyModule as unknown as {
    getPulumiType(validation: unknown): string | undefined;
};

/** The engine's sentinel for a string that is unknown during preview (it crosses the wire as this value). */
export const unknownString = (proxyModule as unknown as { unknownStringValue: string }).unknownStringValue;
/** The sentinel for an unknown array or object. */
export const unknownArray = (proxyModule as unknown as { unknownArrayValue: string }).unknownArrayValue;
export const unknownObject = (proxyModule as unknown as { unknownObjectValue: string }).unknownObjectValue;

export interface ResourceSpec {
    type: string;
    /** The Pulumi resource name. */
    name: string;
    /** Defaults to `urn:pulumi:test::homelab-platform::<type>::<name>`. */
    urn?: string;
    props: Record<string, unknown>;
    /** Pulumi name or URN of the parent resource (anywhere in the same list). */
    parent?: string;
    /** Pulumi names or URNs of the resources this one depends on. */
    dependsOn?: string[];
    provider?: { type: string; name: string; props: Record<string, unknown> };
}

export interface Violation {
    message: string;
    urn?: string;
}

export interface PolicyRun {
    violations: Violation[];
    /** What the engine would report if the policy let an unknown value escape. */
    unknownDuringPreview?: string;
}

export function urnOf(spec: Pick<ResourceSpec, "type" | "name" | "urn">): string {
    return spec.urn ?? `urn:pulumi:test::homelab-platform::${spec.type}::${spec.name}`;
}

/** A policy's config as the engine hands it over: the schema's defaults overlaid with the given config. */
export function configFor(policy: Policy, given: Record<string, unknown>): Record<string, unknown> {
    const config: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
        if (schema.default !== undefined) {
            config[key] = structuredClone(schema.default);
        }
    }
    return { ...config, ...structuredClone(given) };
}

function isTypeOf(type: string, resourceClass: unknown): boolean {
    return (resourceClass as { __pulumiType?: string }).__pulumiType === type;
}

function providerOf(spec: ResourceSpec) {
    return spec.provider
        ? {
              type: spec.provider.type,
              name: spec.provider.name,
              urn: urnOf(spec.provider),
              props: unknownCheckingProxy(structuredClone(spec.provider.props)) as Record<string, unknown>,
          }
        : undefined;
}

/** The stack resources the engine would build for these specs (fresh proxies on every call, as the engine does per policy). */
export function stackResources(specs: ResourceSpec[]): PolicyResource[] {
    const byName = new Map<string, PolicyResource>();
    const byUrn = new Map<string, PolicyResource>();
    const resources = specs.map((spec) => {
        // The closures below keep the type, not the spec: like the engine's, a resource holds one
        // copy of its properties (what the pack bench measures at 100k resources).
        const type = spec.type;
        const props = unknownCheckingProxy(structuredClone(spec.props)) as Record<string, unknown>;
        const resource: PolicyResource = {
            type: spec.type,
            name: spec.name,
            urn: urnOf(spec),
            props,
            opts: {
                protect: false,
                ignoreChanges: [],
                aliases: [],
                customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
                additionalSecretOutputs: [],
            },
            dependencies: [],
            propertyDependencies: {},
            isType: (resourceClass) => isTypeOf(type, resourceClass),
            asType: ((resourceClass: unknown) =>
                isTypeOf(type, resourceClass) ? props : undefined) as PolicyResource["asType"],
        };
        const provider = providerOf(spec);
        if (provider) {
            resource.provider = provider;
        }
        assert.ok(!byUrn.has(resource.urn), `two test resources have the URN ${resource.urn}`);
        byUrn.set(resource.urn, resource);
        byName.set(spec.name, resource);
        return resource;
    });
    for (const [index, spec] of specs.entries()) {
        const resource = resources[index];
        if (spec.parent) {
            resource.parent = byUrn.get(spec.parent) ?? byName.get(spec.parent);
            assert.ok(resource.parent, `parent ${spec.parent} of ${spec.name} is not in the stack`);
            resource.opts.parent = resource.parent.urn;
        }
        resource.dependencies = (spec.dependsOn ?? [])
            .map((reference) => byUrn.get(reference) ?? byName.get(reference))
            .filter((dependency): dependency is PolicyResource => dependency !== undefined);
    }
    return resources;
}

function collector(): { violations: Violation[]; report: (message: string, urn?: string) => void } {
    const violations: Violation[] = [];
    return {
        violations,
        report: (message, urn) => violations.push(urn === undefined ? { message } : { message, urn }),
    };
}

async function guarded(policy: Policy, run: () => Promise<void> | void): Promise<string | undefined> {
    try {
        await run();
        return undefined;
    } catch (error) {
        if (error instanceof UnknownValueError) {
            return `can't run policy '${policy.name}' during preview: ${(error as Error).message}`;
        }
        throw error;
    }
}

export async function runStackPolicy(
    policy: StackValidationPolicy,
    specs: ResourceSpec[],
    config: Record<string, unknown> = {},
): Promise<PolicyRun> {
    const { violations, report } = collector();
    const resolved = configFor(policy, config);
    const args: StackValidationArgs = {
        resources: stackResources(specs),
        stackTags: new Map(),
        getConfig: <T extends object>() => resolved as T,
        notApplicable: (reason?: string) => {
            throw new Error(`not applicable: ${reason}`);
        },
    };
    const unknownDuringPreview = await guarded(policy, () => policy.validateStack(args, report));
    return unknownDuringPreview ? { violations, unknownDuringPreview } : { violations };
}

/** The arguments the engine hands a resource policy for one resource of the stack. */
export function resourceValidationArgs(
    resource: PolicyResource,
    config: object = {},
): ResourceValidationArgs {
    const args: ResourceValidationArgs = {
        type: resource.type,
        props: resource.props,
        urn: resource.urn,
        name: resource.name,
        opts: resource.opts,
        stackTags: new Map(),
        isType: resource.isType,
        asType: resource.asType as ResourceValidationArgs["asType"],
        getConfig: <T extends object>() => config as T,
        notApplicable: (reason?: string) => {
            throw new Error(`not applicable: ${reason}`);
        },
    };
    if (resource.provider) {
        args.provider = resource.provider;
    }
    return args;
}

/**
 * The engine runner's fast check: a policy whose single validation carries a Pulumi type
 * (`validateResourceOfType`, or the pack's `validateOnlyType`) is not called for resources of
 * any other type. An array of validations is always called.
 */
export function isCalledFor(policy: ResourceValidationPolicy, type: string): boolean {
    const validate = policy.validateResource;
    const onlyType = Array.isArray(validate) ? undefined : getPulumiType(validate);
    return onlyType === undefined || onlyType === type;
}

export async function runResourcePolicy(
    policy: ResourceValidationPolicy,
    spec: ResourceSpec,
    config: Record<string, unknown> = {},
): Promise<PolicyRun> {
    const { violations, report } = collector();
    if (!isCalledFor(policy, spec.type)) {
        return { violations };
    }
    const resolved = configFor(policy, config);
    // A resource under validation knows its parent only as a URN (opts.parent).
    const [resource] = stackResources([{ ...spec, parent: undefined }]);
    if (spec.parent) {
        resource.opts.parent = urnOf({ type: "unknown", name: spec.parent });
    }
    const args = resourceValidationArgs(resource, resolved);
    const validations = Array.isArray(policy.validateResource)
        ? policy.validateResource
        : [policy.validateResource!];
    let unknownDuringPreview: string | undefined;
    for (const validation of validations) {
        unknownDuringPreview ??= await guarded(policy, () => validation(args, report));
    }
    return unknownDuringPreview ? { violations, unknownDuringPreview } : { violations };
}

/** Runs a stack policy and returns the violation messages, failing if the policy could not run. */
export async function stackViolations(
    policy: StackValidationPolicy,
    specs: ResourceSpec[],
    config: Record<string, unknown> = {},
): Promise<Violation[]> {
    const run = await runStackPolicy(policy, specs, config);
    assert.strictEqual(run.unknownDuringPreview, undefined, "the policy let an unknown value escape");
    return run.violations;
}

export async function resourceViolations(
    policy: ResourceValidationPolicy,
    spec: ResourceSpec,
    config: Record<string, unknown> = {},
): Promise<Violation[]> {
    const run = await runResourcePolicy(policy, spec, config);
    assert.strictEqual(run.unknownDuringPreview, undefined, "the policy let an unknown value escape");
    return run.violations;
}
