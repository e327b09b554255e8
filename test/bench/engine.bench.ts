// Engine benchmark: wall time of `pulumi up` from empty on the local stack, then of a no-op
// `pulumi preview` with and without the policy pack, side by side. Run inside
// scripts/control-plane.sh (scripts/bench.sh does that); prints one line per figure.

import { performance } from "perf_hooks";
import { policyPackArgs, PulumiWorkspace, repositoryRoot } from "../integration/workspace";

const previewRuns = Number(process.env.BENCH_PREVIEW_RUNS ?? 3);

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

async function main(): Promise<void> {
    const workspace = await PulumiWorkspace.create({ programDirectory: repositoryRoot, stack: "local" });
    try {
        const up = await timed("pulumi up", () => workspace.up());
        console.log(`engine: pulumi up from empty (local stack): ${up.toFixed(1)} s`);
        const plain: number[] = [];
        const withPolicy: number[] = [];
        // Interleaved, so a slow moment of the machine hits both sides alike.
        for (let run = 0; run < previewRuns; run++) {
            plain.push(await timed("pulumi preview", () => workspace.preview(["--expect-no-changes"])));
            withPolicy.push(
                await timed("pulumi preview --policy-pack", () =>
                    workspace.preview(["--expect-no-changes", ...policyPackArgs()]),
                ),
            );
        }
        const plainMedian = median(plain);
        const policyMedian = median(withPolicy);
        console.log(
            `engine: no-op pulumi preview: median ${plainMedian.toFixed(1)} s over ${previewRuns} runs (${plain.map((s) => s.toFixed(1)).join(", ")})`,
        );
        console.log(
            `engine: no-op pulumi preview --policy-pack ./policy: median ${policyMedian.toFixed(1)} s over ${previewRuns} runs (${withPolicy.map((s) => s.toFixed(1)).join(", ")})`,
        );
        console.log(
            `engine: policy overhead ratio (with / without): ${(policyMedian / plainMedian).toFixed(2)}`,
        );
    } finally {
        workspace.dispose();
    }
}

main().catch((error) => {
    console.error(error);
    process.exit(1);
});
