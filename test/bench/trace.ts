// Where a `pulumi preview` spends its time, read from the OpenTelemetry spans the CLI writes with
// `--otel-traces file://...` (one OTLP JSON document per line, from the CLI, the language host and
// the provider).

import * as fs from "fs";

interface Span {
    service: string;
    name: string;
    start: number; // seconds since the CLI's first span
    end: number;
}

interface OtlpLine {
    resourceSpans?: {
        resource?: { attributes?: { key: string; value: { stringValue?: string } }[] };
        scopeSpans?: { spans?: { name: string; startTimeUnixNano: string; endTimeUnixNano: string }[] }[];
    }[];
}

export function readSpans(file: string): Span[] {
    const raw: { service: string; name: string; startNs: bigint; endNs: bigint }[] = [];
    for (const line of fs.readFileSync(file, "utf8").split("\n")) {
        if (!line.trim()) {
            continue;
        }
        for (const resourceSpans of (JSON.parse(line) as OtlpLine).resourceSpans ?? []) {
            const service =
                resourceSpans.resource?.attributes?.find((attribute) => attribute.key === "service.name")
                    ?.value.stringValue ?? "";
            for (const scope of resourceSpans.scopeSpans ?? []) {
                for (const span of scope.spans ?? []) {
                    raw.push({
                        service,
                        name: span.name,
                        startNs: BigInt(span.startTimeUnixNano),
                        endNs: BigInt(span.endTimeUnixNano),
                    });
                }
            }
        }
    }
    const origin = raw.reduce((min, span) => (span.startNs < min ? span.startNs : min), raw[0].startNs);
    return raw.map(({ service, name, startNs, endNs }) => ({
        service,
        name,
        start: Number(startNs - origin) / 1e9,
        end: Number(endNs - origin) / 1e9,
    }));
}

export interface PreviewPhases {
    /** From the CLI's start to the engine's plan (backend, state, plugin discovery). */
    cliStart: number;
    /** Refresh: reading every resource of the state back from the cluster (provider start included). */
    refresh: number;
    /** Language host, Node and the program's modules, until the program registers its stack. */
    programStart: number;
    /** From the stack's registration until the program's last registration (the program running). */
    programRun: number;
    /** Chart rendering: wall time covered by the provider's Construct calls (helm.v4.Chart). */
    charts: number;
    /** Check and Diff calls, summed (they overlap: CPU time of the engine and provider, not wall time). */
    checksAndDiffs: number;
    /** From the last registration to the CLI's exit (summary, the stack policies, plugins shut down). */
    finish: number;
    /** With a policy pack: from starting the pack's plugin until the engine has it configured. */
    packStart?: number;
    /** With a policy pack: the stack policies' call, at the end of the preview. */
    packStackPolicies?: number;
    /** With a policy pack: the resource policies' calls, one per resource (wall time covered). */
    packResourcePolicies?: number;
    packResourceCalls?: number;
    /** Transform callbacks into the language host (one round trip each). */
    transformCalls: number;
    total: number;
}

/** Wall time covered by a set of intervals (overlaps counted once). */
function covered(spans: Span[]): number {
    const sorted = [...spans].sort((a, b) => a.start - b.start);
    let total = 0;
    let [from, to] = [-Infinity, -Infinity];
    for (const span of sorted) {
        if (span.start > to) {
            total += to - from > 0 ? to - from : 0;
            [from, to] = [span.start, span.end];
        } else {
            to = Math.max(to, span.end);
        }
    }
    return total + (to - from > 0 ? to - from : 0);
}

export function previewPhases(spans: Span[]): PreviewPhases {
    const cli = spans.filter((span) => span.service === "pulumi-cli");
    const one = (name: string) => {
        const found = cli.find((span) => span.name === name);
        if (!found) {
            throw new Error(`the trace has no "${name}" span`);
        }
        return found;
    };
    const named = (name: string) => cli.filter((span) => span.name === name);
    const root = one("pulumi");
    const plan = one("pulumi-plan");
    const run = one("run-program");
    const reads = named("pulumirpc.ResourceProvider/Read");
    const registrations = named("pulumirpc.ResourceMonitor/RegisterResource");
    const packPlugin = named("pulumirpc.LanguageRuntime/RunPlugin")[0];
    const packConfigured = named("pulumirpc.Analyzer/Configure")[0];
    const stackPolicies = named("pulumirpc.Analyzer/AnalyzeStack")[0];
    const resourcePolicies = named("pulumirpc.Analyzer/Analyze");
    const firstRegistration = Math.min(...registrations.map((span) => span.start));
    const lastRegistration = Math.max(...registrations.map((span) => span.end));
    return {
        cliStart: plan.start - root.start,
        refresh: reads.length > 0 ? run.start - plan.start : 0,
        programStart: firstRegistration - run.start,
        programRun: lastRegistration - firstRegistration,
        charts: covered(named("pulumirpc.ResourceProvider/Construct")),
        checksAndDiffs: [
            ...named("pulumirpc.ResourceProvider/Check"),
            ...named("pulumirpc.ResourceProvider/Diff"),
        ].reduce((sum, span) => sum + span.end - span.start, 0),
        finish: root.end - lastRegistration,
        ...(packPlugin && packConfigured ? { packStart: packConfigured.end - packPlugin.start } : {}),
        ...(stackPolicies ? { packStackPolicies: stackPolicies.end - stackPolicies.start } : {}),
        ...(resourcePolicies.length > 0
            ? { packResourcePolicies: covered(resourcePolicies), packResourceCalls: resourcePolicies.length }
            : {}),
        transformCalls: named("pulumirpc.Callbacks/Invoke").length,
        total: root.end - root.start,
    };
}
