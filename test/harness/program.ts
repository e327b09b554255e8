// Runs the whole Pulumi program (index.ts) under Pulumi's mocks and records every resource it
// registers, so tests (and the policy pack's tests) can inspect exactly what the engine would see.
//
// Usage:
//     const ingress = { ...(stackSettings().ingress as object), controller: "nginx-ingress" };
//     const run = await runProgram({ overrides: { ingress } });
//     const pool = findObject(run, "IPAddressPool", "ingress-pool", "metallb-system");
//     pool.inputs.spec; // { addresses: ["192.168.1.249/32"], autoAssign: false }
//
// runComponents does the same for components constructed directly, with the test's arguments:
//     const run = await runComponents(() => new Metallb("lb", { ...args }));
//
// Runs share Pulumi's global runtime state: await each run before starting the next.

import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import { RawSettings, SettingKey } from "../../stacks/validation";
import { projectName, projectRoot, readStackConfig } from "./stackConfig";

/** One resource as the program registered it. */
export interface RecordedResource {
    /** Pulumi type token, e.g. `kubernetes:core/v1:Namespace`, `kubernetes:helm.sh/v4:Chart`, `homelab:platform:Metallb`. */
    type: string;
    /** Logical name, e.g. `metallb-ingress-pool`. */
    name: string;
    urn: string;
    /**
     * The inputs sent to the engine, as plain data. Kubernetes objects carry `apiVersion`, `kind`,
     * `metadata` and their spec; a helm.v4.Chart carries `chart`, `version`, `repositoryOpts`,
     * `values`, ...; one of this project's components carries its args, with each resource in them
     * as its URN. A secret appears as its value; an unknown value (only with `preview: true`) as
     * the string `pulumi.runtime.unknownValue`.
     */
    inputs: Record<string, unknown>;
    /** URN of the parent component; absent for top-level resources (their parent is the root stack, not recorded). */
    parent?: string;
    /**
     * URNs this resource waits for, from `dependsOn` and from Outputs used in its inputs. A
     * dependency on a local component is expanded into that component's resources; a helm.v4.Chart
     * appears as itself (the engine expands it). Empty when there are none.
     */
    dependencies: string[];
}

export interface ProgramRun {
    /**
     * Every resource, without the root `pulumi:pulumi:Stack`, in the order its registration reached
     * the monitor: a parent comes before its children, otherwise the order is not the program's.
     */
    resources: RecordedResource[];
    /** The stack outputs (index.ts's exports), resolved to plain values. */
    outputs: Record<string, unknown>;
}

export interface RunOptions {
    /** Stack file `Pulumi.<stack>.yaml` read over the Pulumi.yaml defaults. Defaults to `homelab`. */
    stack?: string;
    /** Whole top-level settings that replace the stack's; a key set to `undefined` is removed. */
    overrides?: Partial<Record<SettingKey, unknown>>;
    /** Run as `pulumi preview` instead of `pulumi up`. Defaults to false. */
    preview?: boolean;
}

/** The program threw (or a registration failed); `resources` holds what it had registered by then. */
export class ProgramFailure extends Error {
    constructor(
        readonly cause: unknown,
        readonly resources: RecordedResource[],
    ) {
        super(cause instanceof Error ? cause.message : String(cause));
        this.name = "ProgramFailure";
    }
}

/** The raw settings a run uses: the stack file over the project defaults, then the overrides. */
export function stackSettings(options: RunOptions = {}): RawSettings {
    const raw: Record<string, unknown> = { ...readStackConfig(options.stack ?? "homelab") };
    for (const [key, value] of Object.entries(options.overrides ?? {})) {
        if (value === undefined) {
            delete raw[key];
        } else {
            raw[key] = structuredClone(value);
        }
    }
    return raw as RawSettings;
}

/** The part of the mock monitor's gRPC request that the recorder reads. */
interface RegisterResourceRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getDependenciesList(): string[];
    getObject(): { toJavaScript(): unknown } | undefined;
}

interface RegisterResourceResponse {
    getUrn(): string;
}

type RegisterCallback = (error: unknown, response?: RegisterResourceResponse) => void;

interface RegisteringMonitor {
    registerResource(request: RegisterResourceRequest, callback: RegisterCallback): unknown;
}

const rootStackType = "pulumi:pulumi:Stack";

/**
 * The mock monitor puts the root stack's type in its children's URNs; the engine does not. Records
 * use the engine's form, e.g. `urn:pulumi:test::homelab-platform::homelab:platform:Metallb::metallb`.
 */
function engineUrn(urn: string): string {
    return urn.replace(`::${rootStackType}$`, "::");
}

/**
 * Turns the engine's wire form of a value into plain data: a secret becomes its value, a resource
 * reference its URN, and an unknown value stays the wire sentinel `pulumi.runtime.unknownValue`.
 */
function plainValue(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(plainValue);
    }
    if (typeof value !== "object" || value === null) {
        return value;
    }
    const record = value as Record<string, unknown>;
    switch (record[pulumi.runtime.specialSigKey]) {
        case pulumi.runtime.specialSecretSig:
            return plainValue(record.value);
        case pulumi.runtime.specialResourceSig:
            return engineUrn(String(record.urn));
        default:
            return Object.fromEntries(Object.entries(record).map(([key, entry]) => [key, plainValue(entry)]));
    }
}

/** Installs Pulumi's mocks with a monitor that also records parent and dependencies of each registration. */
async function installRecordingMocks(preview: boolean): Promise<RecordedResource[]> {
    const resources: RecordedResource[] = [];
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => ({
                // Custom resources get an ID; components (and the remote Chart component) do not.
                id: args.custom ? `${args.name}-id` : undefined,
                state: args.inputs,
            }),
            call: (args) => {
                throw new Error(`the program made an unexpected provider call: ${args.token}`);
            },
        },
        projectName,
        "test",
        preview,
    );
    const monitor = pulumi.runtime.getMonitor() as unknown as RegisteringMonitor;
    const register = monitor.registerResource.bind(monitor);
    let stackUrn: string | undefined;
    monitor.registerResource = (request, callback) =>
        register(request, (error, response) => {
            if (!error && response) {
                const urn = engineUrn(response.getUrn());
                const object = request.getObject();
                if (request.getType() === rootStackType) {
                    stackUrn = urn;
                } else {
                    const parent = request.getParent() ? engineUrn(request.getParent()) : undefined;
                    resources.push({
                        type: request.getType(),
                        name: request.getName(),
                        urn,
                        inputs: object ? (plainValue(object.toJavaScript()) as Record<string, unknown>) : {},
                        ...(parent && parent !== stackUrn ? { parent } : {}),
                        dependencies: request.getDependenciesList().map(engineUrn),
                    });
                }
            }
            callback(error, response);
        });
    return resources;
}

/** Forgets the project's own modules (index.ts, components/, stacks/) so the next import runs them afresh. */
function forgetProjectModules(): void {
    const testDirectory = path.join(projectRoot, "test") + path.sep;
    const dependencies = path.join(projectRoot, "node_modules") + path.sep;
    for (const file of Object.keys(require.cache)) {
        if (
            file.startsWith(projectRoot + path.sep) &&
            !file.startsWith(dependencies) &&
            !file.startsWith(testDirectory)
        ) {
            delete require.cache[file];
        }
    }
}

/** Waits until every registration the program started has reached the monitor. */
async function registrationsSettled(): Promise<void> {
    // The language host waits on this same queue before it disconnects from the engine; the SDK
    // exports it from runtime without declaring it.
    const runtime = pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> };
    if (!runtime.waitForRPCs) {
        throw new Error(
            "@pulumi/pulumi no longer exports runtime.waitForRPCs: update test/harness/program.ts",
        );
    }
    await runtime.waitForRPCs();
}

/**
 * Runs index.ts with the given settings under mocks, inside a root stack as the language host does,
 * and returns every registered resource and the stack outputs. Throws a ProgramFailure when the
 * program throws or logs an error: its message is the program's error message (e.g. the
 * SettingsError listing every bad setting), `cause` the error itself (from a freshly loaded module:
 * compare its `name`, not `instanceof`).
 */
export async function runProgram(options: RunOptions = {}): Promise<ProgramRun> {
    const config: Record<string, string> = {};
    for (const [key, value] of Object.entries(stackSettings(options))) {
        config[`${projectName}:${key}`] = JSON.stringify(value);
    }
    pulumi.runtime.setAllConfig(config);
    const indexPath = path.join(projectRoot, "index.ts");
    return runUnderMocks(async () => {
        forgetProjectModules();
        return (await import(indexPath)) as Record<string, unknown>;
    }, options.preview ?? false);
}

/**
 * Runs `declare` under mocks inside a root stack, as runProgram runs index.ts, and returns every
 * resource it registered: for constructing components directly, with arguments of the test's
 * choosing. Throws a ProgramFailure as runProgram does.
 */
export async function runComponents(
    declare: () => void,
    options: { preview?: boolean } = {},
): Promise<ProgramRun> {
    return runUnderMocks(async () => {
        declare();
        return {};
    }, options.preview ?? false);
}

async function runUnderMocks(
    body: () => Promise<Record<string, unknown> | undefined>,
    preview: boolean,
): Promise<ProgramRun> {
    const resources = await installRecordingMocks(preview);
    // A failed registration (say, an Output callback that throws) rejects a promise nobody awaits;
    // the language host fails the run on such a rejection, and so does this.
    const rejections: unknown[] = [];
    const recordRejection = (reason: unknown) => rejections.push(reason);
    process.on("unhandledRejection", recordRejection);
    let outputs: Record<string, unknown> | undefined;
    let failure: unknown;
    try {
        outputs = (await pulumi.runtime.runInPulumiStack(body)) as Record<string, unknown> | undefined;
    } catch (error) {
        failure = error;
    }
    try {
        await registrationsSettled();
        // Node reports unhandled rejections after the microtask queue drains.
        await new Promise((resolve) => setImmediate(resolve));
    } finally {
        process.off("unhandledRejection", recordRejection);
    }
    failure ??= rejections[0];
    if (failure === undefined && pulumi.log.hasErrors()) {
        failure = new Error("the program logged errors (see the output above)");
    }
    if (failure !== undefined) {
        throw new ProgramFailure(failure, resources);
    }
    return { resources, outputs: outputs ?? {} };
}

/** The resources of one type, e.g. `kubernetes:networking.k8s.io/v1:NetworkPolicy`. */
export function resourcesOfType(run: ProgramRun, type: string): RecordedResource[] {
    return run.resources.filter((resource) => resource.type === type);
}

/** The one resource with this type and logical name; throws naming what exists when there is none. */
export function findResource(run: ProgramRun, type: string, name: string): RecordedResource {
    const found = run.resources.find((resource) => resource.type === type && resource.name === name);
    if (!found) {
        const names = resourcesOfType(run, type).map((resource) => resource.name);
        throw new Error(
            `no ${type} named ${name}; the program registered: ${names.join(", ") || "none of that type"}`,
        );
    }
    return found;
}

/** The Kubernetes object with this kind and `metadata.name` (and namespace, when given). */
export function findObject(
    run: ProgramRun,
    kind: string,
    objectName: string,
    namespace?: string,
): RecordedResource {
    const matches = run.resources.filter((resource) => {
        const metadata = resource.inputs.metadata as { name?: string; namespace?: string } | undefined;
        return (
            resource.inputs.kind === kind &&
            metadata?.name === objectName &&
            (namespace === undefined || metadata?.namespace === namespace)
        );
    });
    if (matches.length !== 1) {
        throw new Error(
            `expected one ${kind} ${namespace ? `${namespace}/` : ""}${objectName}, found ${matches.length}`,
        );
    }
    return matches[0];
}
