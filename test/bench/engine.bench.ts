// Engine benchmark, on the local control plane (hack/bench.sh runs it inside
// hack/control-plane.sh). In one run, side by side:
//   - `pulumi up` of the local stack from empty, then a one-field change (the LimitRange default);
//   - no-op `pulumi preview` of the stack, of a trivial one-ConfigMap program (the yardstick), and
//     of the stack with the policy pack, compiled (today) and loaded from TypeScript (before);
//   - where one no-op preview of each program spends its time, from the CLI's OpenTelemetry spans.
// Previews are interleaved so that a slow moment of the machine hits every variant alike.

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import {
    homelabPolicyConfig,
    policyPackArgs,
    policyPackDirectory,
    PulumiWorkspace,
    repositoryRoot,
} from "../../hack/cluster/workspace";
import { previewPhases, readSpans } from "./trace";

const previewRuns = Number(process.env.BENCH_PREVIEW_RUNS ?? 5);
const project = "homelab-platform";

/** Targets from docs/benchmarks.md, printed beside the figures. */
const targets = { policyOverhead: 1.1, versusTrivial: 2 };

async function timed(label: string, run: () => Promise<{ code: number; output: string }>): Promise<number> {
    const started = performance.now();
    const result = await run();
    const seconds = (performance.now() - started) / 1000;
    if (result.code !== 0) {
        throw new Error(`${label} failed:\n${result.output}`);
    }
    return seconds;
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
}

function seconds(values: number[]): string {
    return `median ${median(values).toFixed(2)} s (${values.map((value) => value.toFixed(2)).join(", ")})`;
}

/**
 * The pack as it shipped before it was compiled: the same sources, but package.json's main is
 * index.ts, so the CLI's pack runner loads it through ts-node with type checking. Sources are
 * linked, so the pack's imports resolve where they always did.
 */
function typescriptPack(): string {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "policy-typescript-"));
    for (const entry of fs.readdirSync(policyPackDirectory)) {
        if (!["package.json", "pack.js", "dist"].includes(entry)) {
            fs.symlinkSync(path.join(policyPackDirectory, entry), path.join(directory, entry));
        }
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(policyPackDirectory, "package.json"), "utf8"));
    fs.writeFileSync(path.join(directory, "package.json"), JSON.stringify({ ...manifest, main: "index.ts" }));
    return directory;
}

/**
 * Switches the workspace's Pulumi.yaml between the compiled program (today) and the program loaded
 * through ts-node from index.ts with type checking (before); the stack and its state stay the same.
 */
function useProgram(workspace: PulumiWorkspace, variant: "compiled" | "typescript"): void {
    const manifest = path.join(workspace.directory, "Pulumi.yaml");
    const compiled = fs.readFileSync(path.join(repositoryRoot, "Pulumi.yaml"), "utf8");
    const typescript = compiled.replace(/typescript: false\n/, "typescript: true\nmain: index.ts\n");
    if (typescript === compiled) {
        throw new Error("Pulumi.yaml no longer sets `typescript: false`: update the bench");
    }
    fs.writeFileSync(manifest, variant === "compiled" ? compiled : typescript);
}

/** One traced no-op preview; prints its phases. */
async function tracePreview(
    label: string,
    workspace: PulumiWorkspace,
    extra: string[] = [],
): Promise<number> {
    const traceFile = path.join(path.dirname(workspace.directory), "preview-trace.json");
    fs.rmSync(traceFile, { force: true });
    await timed(`${label} traced preview`, () =>
        workspace.preview(["--expect-no-changes", ...extra, "--otel-traces", `file://${traceFile}`]),
    );
    const phases = previewPhases(readSpans(traceFile));
    const parts = [
        `CLI start ${phases.cliStart.toFixed(2)}`,
        `refresh ${phases.refresh.toFixed(2)}`,
        `language host + Node + program modules ${phases.programStart.toFixed(2)}`,
        `program run ${phases.programRun.toFixed(2)} (charts ${phases.charts.toFixed(2)}, checks and diffs ${phases.checksAndDiffs.toFixed(2)} summed)`,
        `finish ${phases.finish.toFixed(2)}`,
        `${phases.transformCalls} transform round trips`,
        ...(phases.packStart === undefined
            ? []
            : [
                  `policy pack: start ${phases.packStart.toFixed(2)} (before the refresh), ` +
                      `resource policies ${(phases.packResourcePolicies ?? 0).toFixed(2)} (${phases.packResourceCalls ?? 0} calls), ` +
                      `stack policies ${(phases.packStackPolicies ?? 0).toFixed(2)}`,
              ]),
    ];
    console.log(
        `engine: where a no-op preview goes, ${label} (s): ${parts.join(", ")}; total ${phases.total.toFixed(2)}`,
    );
    return phases.total;
}

async function main(): Promise<void> {
    const stack = await PulumiWorkspace.create({ programDirectory: repositoryRoot, stack: "local" });
    const trivial = await PulumiWorkspace.create({
        programDirectory: path.join(__dirname, "trivialProgram"),
        stack: "bench",
    });
    const oldPack = typescriptPack();
    try {
        const up = await timed("pulumi up", () => stack.up());
        console.log(`engine: pulumi up from empty (local stack): ${up.toFixed(1)} s`);

        const namespaces = stack.getSetting<Record<string, { limitRange: { default: { cpu: string } } }>>(
            project,
            "namespaces",
        );
        namespaces["seldon-system"].limitRange.default.cpu = "450m";
        stack.setSettings(project, { namespaces });
        const change = await timed("pulumi up (one field)", () => stack.up());
        console.log(
            `engine: pulumi up of one changed field (the seldon-system LimitRange default cpu): ${change.toFixed(1)} s`,
        );

        await timed("pulumi up (trivial program)", () => trivial.up());

        const runs = {
            trivial: [] as number[],
            plain: [] as number[],
            withoutRefresh: [] as number[],
            typescriptProgram: [] as number[],
            compiled: [] as number[],
            typescript: [] as number[],
        };
        for (let run = 0; run < previewRuns; run++) {
            runs.trivial.push(await timed("trivial preview", () => trivial.preview(["--expect-no-changes"])));
            runs.plain.push(await timed("stack preview", () => stack.preview(["--expect-no-changes"])));
            runs.withoutRefresh.push(
                await timed("stack preview without refresh", () =>
                    stack.preview(["--expect-no-changes", "--refresh=false"]),
                ),
            );
            useProgram(stack, "typescript");
            runs.typescriptProgram.push(
                await timed("stack preview, program from TypeScript", () =>
                    stack.preview(["--expect-no-changes"]),
                ),
            );
            useProgram(stack, "compiled");
            runs.compiled.push(
                await timed("stack preview with the pack", () =>
                    stack.preview(["--expect-no-changes", ...policyPackArgs()]),
                ),
            );
            runs.typescript.push(
                await timed("stack preview with the TypeScript pack", () =>
                    stack.preview([
                        "--expect-no-changes",
                        "--policy-pack",
                        oldPack,
                        "--policy-pack-config",
                        homelabPolicyConfig,
                    ]),
                ),
            );
        }
        console.log(`engine: no-op pulumi preview, trivial one-ConfigMap program: ${seconds(runs.trivial)}`);
        console.log(`engine: no-op pulumi preview, local stack: ${seconds(runs.plain)}`);
        console.log(
            `engine: no-op pulumi preview --refresh=false, local stack (what Pulumi.yaml's refresh: always costs): ${seconds(runs.withoutRefresh)}`,
        );
        console.log(
            `engine: no-op pulumi preview, local stack, program loaded from TypeScript (before): ${seconds(runs.typescriptProgram)}`,
        );
        console.log(
            `engine: local stack / trivial program: ${(median(runs.plain) / median(runs.trivial)).toFixed(2)} (target <= ${targets.versusTrivial}); ` +
                `from TypeScript ${(median(runs.typescriptProgram) / median(runs.trivial)).toFixed(2)}`,
        );
        console.log(
            `engine: no-op pulumi preview --policy-pack ./policy (compiled pack): ${seconds(runs.compiled)}`,
        );
        console.log(
            `engine: no-op pulumi preview --policy-pack, pack loaded from TypeScript (before): ${seconds(runs.typescript)}`,
        );
        console.log(
            `engine: policy overhead (with pack / without): compiled ${(median(runs.compiled) / median(runs.plain)).toFixed(2)} ` +
                `(target <= ${targets.policyOverhead}), from TypeScript ${(median(runs.typescript) / median(runs.plain)).toFixed(2)}`,
        );
        await tracePreview("trivial program", trivial);
        await tracePreview("local stack", stack);
        await tracePreview("local stack with the policy pack", stack, policyPackArgs());
    } finally {
        stack.dispose();
        trivial.dispose();
        fs.rmSync(oldPack, { recursive: true, force: true });
    }
}

main().catch((error) => {
    console.error(error);
    process.exit(1);
});
