// Runs the real `pulumi` CLI against the local control plane, the way a user does.
//
// Each workspace is a temporary folder that links to the project's sources and holds its own copy
// of the stack file, with a file backend beside it. Tests edit that copy freely and never touch
// the committed Pulumi.<stack>.yaml (`pulumi stack init` also writes a secrets salt into it).

import * as fs from "fs";
import * as yaml from "js-yaml";
import * as os from "os";
import * as path from "path";
import { CommandResult, RunningCommand, start } from "./commands";

export { CommandResult } from "./commands";

export const repositoryRoot = path.resolve(__dirname, "..", "..");
export const policyPackDirectory = path.join(repositoryRoot, "policy");
export const homelabPolicyConfig = path.join(policyPackDirectory, "config.homelab.json");

export interface WorkspaceOptions {
    /** Folder holding Pulumi.yaml and the program; its entries are linked, not copied. */
    programDirectory: string;
    stack: string;
    /** Print the CLI's output as it runs (for the demo). */
    echo?: boolean;
}

type StackFile = { config: Record<string, unknown> } & Record<string, unknown>;

/** The file backend's folder in a workspace's temporary folder (beside the program's). */
function backendDirectory(workspaceFolder: string): string {
    return path.join(workspaceFolder, "state");
}

export class PulumiWorkspace {
    private readonly pristineStackFile: string;

    private constructor(
        readonly directory: string,
        readonly stack: string,
        private readonly environment: NodeJS.ProcessEnv,
        private readonly echo: boolean,
    ) {
        this.pristineStackFile = fs.readFileSync(this.stackFilePath, "utf8");
    }

    /** Links the program into a temporary folder, points a file backend there and creates the stack. */
    static async create(options: WorkspaceOptions): Promise<PulumiWorkspace> {
        const directory = fs.mkdtempSync(path.join(os.tmpdir(), `homelab-${options.stack}-`));
        const program = path.join(directory, "program");
        fs.mkdirSync(program);
        for (const entry of fs.readdirSync(options.programDirectory)) {
            if (entry.startsWith("Pulumi.") || entry === "node_modules") {
                continue;
            }
            fs.symlinkSync(path.join(options.programDirectory, entry), path.join(program, entry));
        }
        fs.copyFileSync(
            path.join(options.programDirectory, "Pulumi.yaml"),
            path.join(program, "Pulumi.yaml"),
        );
        const stackFile = path.join(options.programDirectory, `Pulumi.${options.stack}.yaml`);
        if (fs.existsSync(stackFile)) {
            fs.copyFileSync(stackFile, path.join(program, `Pulumi.${options.stack}.yaml`));
        } else {
            fs.writeFileSync(path.join(program, `Pulumi.${options.stack}.yaml`), "config: {}\n");
        }
        fs.symlinkSync(path.join(repositoryRoot, "node_modules"), path.join(program, "node_modules"));
        const backend = backendDirectory(directory);
        fs.mkdirSync(backend);
        const environment: NodeJS.ProcessEnv = {
            ...process.env,
            // The language host runs `node`: Node 22 from node_modules/.bin, not the machine's.
            PATH: `${path.join(repositoryRoot, "node_modules", ".bin")}${path.delimiter}${process.env.PATH}`,
            PULUMI_BACKEND_URL: `file://${backend}`,
            PULUMI_CONFIG_PASSPHRASE: "",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            PULUMI_SKIP_CONFIRMATIONS: "true",
            // Enables `--event-log`, which the tests read to check the order of operations.
            PULUMI_DEBUG_COMMANDS: "true",
        };
        const workspace = new PulumiWorkspace(program, options.stack, environment, options.echo ?? false);
        await workspace.pulumiOrFail(["stack", "init"]);
        return workspace;
    }

    get stackFilePath(): string {
        return path.join(this.directory, `Pulumi.${this.stack}.yaml`);
    }

    /** Replaces whole top-level settings (e.g. `metallb`) in this workspace's stack file. */
    setSettings(project: string, settings: Record<string, unknown>): void {
        const file = yaml.load(fs.readFileSync(this.stackFilePath, "utf8")) as StackFile;
        file.config = file.config ?? {};
        for (const [key, value] of Object.entries(settings)) {
            file.config[`${project}:${key}`] = value;
        }
        fs.writeFileSync(this.stackFilePath, yaml.dump(file));
    }

    /** Replaces all of the project's settings in this workspace's stack file (keys absent are dropped). */
    replaceSettings(project: string, settings: Record<string, unknown>): void {
        const file = yaml.load(fs.readFileSync(this.stackFilePath, "utf8")) as StackFile;
        const others = Object.entries(file.config ?? {}).filter(([key]) => !key.startsWith(`${project}:`));
        file.config = Object.fromEntries(others);
        fs.writeFileSync(this.stackFilePath, yaml.dump(file));
        this.setSettings(project, settings);
    }

    /** Reads one top-level setting from this workspace's stack file, deep-copied. */
    getSetting<T>(project: string, key: string): T {
        const file = yaml.load(fs.readFileSync(this.stackFilePath, "utf8")) as StackFile;
        return structuredClone(file.config[`${project}:${key}`]) as T;
    }

    /** Puts back the stack file as it was copied (keeping the secrets salt `stack init` added). */
    resetSettings(): void {
        const salt = (yaml.load(fs.readFileSync(this.stackFilePath, "utf8")) as StackFile).encryptionsalt;
        const pristine = yaml.load(this.pristineStackFile) as StackFile;
        fs.writeFileSync(
            this.stackFilePath,
            yaml.dump({ ...pristine, ...(salt ? { encryptionsalt: salt } : {}) }),
        );
    }

    /** Runs `pulumi <args>` for this stack and returns what it printed and its exit code. */
    pulumi(args: string[], extraEnvironment: NodeJS.ProcessEnv = {}): Promise<CommandResult> {
        return this.startPulumi(args, extraEnvironment).result;
    }

    /** Starts `pulumi <args>` for this stack and returns at once (e.g. to kill it half-way). */
    startPulumi(args: string[], extraEnvironment: NodeJS.ProcessEnv = {}): RunningCommand {
        const fullArgs = [...args, "--stack", this.stack, "--non-interactive", "--color", "never"];
        return start("pulumi", fullArgs, {
            cwd: this.directory,
            env: { ...this.environment, ...extraEnvironment },
            echo: this.echo,
        });
    }

    /** The operations the state still lists as in flight (left by an update that was killed). */
    async pendingOperations(): Promise<{ type: string; resource: { urn: string } }[]> {
        const result = await this.pulumiOrFail(["stack", "export"]);
        return JSON.parse(result.stdout).deployment?.pending_operations ?? [];
    }

    /** The stack's state file in this workspace's file backend. */
    stateFilePath(project: string): string {
        return path.join(
            backendDirectory(path.dirname(this.directory)),
            ".pulumi",
            "stacks",
            project,
            `${this.stack}.json`,
        );
    }

    /**
     * What docs/operating.md says to do when a killed update cut the backend's files short: delete the
     * empty metadata files (`*.attrs`) beside the state, and if the state file itself is cut short,
     * put back the copy the backend keeps beside it (`<stack>.json.bak`). Returns what it did.
     */
    repairStateCutShort(project: string): string[] {
        const stateFile = this.stateFilePath(project);
        const done: string[] = [];
        for (const entry of fs.readdirSync(path.dirname(stateFile))) {
            const file = path.join(path.dirname(stateFile), entry);
            if (entry.endsWith(".attrs") && fs.statSync(file).size === 0) {
                fs.rmSync(file);
                done.push(`deleted the empty ${entry}`);
            }
        }
        try {
            JSON.parse(fs.readFileSync(stateFile, "utf8"));
        } catch {
            fs.copyFileSync(`${stateFile}.bak`, stateFile);
            done.push(`restored ${path.basename(stateFile)} from its .bak`);
        }
        return done;
    }

    /** Like pulumi(), but throws with the CLI's output when it fails. */
    async pulumiOrFail(args: string[]): Promise<CommandResult> {
        const result = await this.pulumi(args);
        if (result.code !== 0) {
            throw new Error(`pulumi ${args.join(" ")} exited with ${result.code}:\n${result.output}`);
        }
        return result;
    }

    up(extra: string[] = [], extraEnvironment: NodeJS.ProcessEnv = {}): Promise<CommandResult> {
        return this.pulumi(["up", "--yes", ...extra], extraEnvironment);
    }

    preview(extra: string[] = []): Promise<CommandResult> {
        return this.pulumi(["preview", ...extra]);
    }

    async outputs(): Promise<Record<string, unknown>> {
        const result = await this.pulumiOrFail(["stack", "output", "--json"]);
        return JSON.parse(result.stdout) as Record<string, unknown>;
    }

    /** Resources the stack's state holds, by type (e.g. to prove nothing was created). */
    async stateResourceTypes(): Promise<string[]> {
        const result = await this.pulumiOrFail(["stack", "export"]);
        const state = JSON.parse(result.stdout) as { deployment?: { resources?: { type: string }[] } };
        return (state.deployment?.resources ?? []).map((resource) => resource.type);
    }

    /** Removes the temporary folder (state included); the cluster is the caller's to tear down. */
    dispose(): void {
        fs.rmSync(path.dirname(this.directory), { recursive: true, force: true });
    }
}

const shared = new Map<string, Promise<PulumiWorkspace>>();

/**
 * One workspace per program and stack for the whole test run, so that test files run in order
 * can carry a stack from one story to the next. Disposed by disposeSharedWorkspaces().
 */
export function sharedWorkspace(options: WorkspaceOptions): Promise<PulumiWorkspace> {
    const key = `${options.programDirectory}#${options.stack}`;
    let workspace = shared.get(key);
    if (!workspace) {
        workspace = PulumiWorkspace.create(options);
        shared.set(key, workspace);
    }
    return workspace;
}

export async function disposeSharedWorkspaces(): Promise<void> {
    for (const workspace of shared.values()) {
        (await workspace).dispose();
    }
    shared.clear();
}

/** The platform's own `local` stack, shared by the integration tests. */
export function localStack(): Promise<PulumiWorkspace> {
    return sharedWorkspace({ programDirectory: repositoryRoot, stack: "local" });
}

/** Policy-pack flags for `pulumi preview` / `pulumi up`. */
export function policyPackArgs(config: string = homelabPolicyConfig): string[] {
    return ["--policy-pack", policyPackDirectory, "--policy-pack-config", config];
}
