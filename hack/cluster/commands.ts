// Runs a command-line tool (pulumi, helm) and collects what it printed.

import { ChildProcess, spawn } from "child_process";

export interface CommandResult {
    code: number;
    stdout: string;
    stderr: string;
    /** stdout and stderr together, for assertions on messages that may land on either. */
    output: string;
}

export interface RunOptions {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    /** Print the output as it comes (for the demo). */
    echo?: boolean;
}

/** A command that is still running: its process, what it printed so far, and its result to come. */
export interface RunningCommand {
    child: ChildProcess;
    outputSoFar(): string;
    result: Promise<CommandResult>;
}

export function start(command: string, args: string[], options: RunOptions = {}): RunningCommand {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env });
    let stdout = "";
    let stderr = "";
    let output = "";
    const result = new Promise<CommandResult>((resolve, reject) => {
        child.stdout.on("data", (chunk: Buffer) => {
            stdout += chunk;
            output += chunk;
            if (options.echo) {
                process.stdout.write(chunk);
            }
        });
        child.stderr.on("data", (chunk: Buffer) => {
            stderr += chunk;
            output += chunk;
            if (options.echo) {
                process.stderr.write(chunk);
            }
        });
        child.on("error", reject);
        child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr, output }));
    });
    return { child, outputSoFar: () => output, result };
}

export function run(command: string, args: string[], options: RunOptions = {}): Promise<CommandResult> {
    return start(command, args, options).result;
}

/** Like run(), but throws with the tool's output when it exits non-zero. */
export async function runOrFail(
    command: string,
    args: string[],
    options: RunOptions = {},
): Promise<CommandResult> {
    const result = await run(command, args, options);
    if (result.code !== 0) {
        throw new Error(`${command} ${args.join(" ")} exited with ${result.code}:\n${result.output}`);
    }
    return result;
}
