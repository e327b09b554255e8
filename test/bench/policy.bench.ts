// Policy pack benchmark: the whole pack (every stack policy once, every resource policy on every
// resource) over 1k, 10k and 100k synthetic Kubernetes resources, each size in its own process so
// peak RSS is that size's. Prints wall time, peak RSS and the growth ratios next to n log n. Then
// the fuzz figure: every policy over random stacks (test/harness/policy/fuzz.ts, the unit run's generator
// with more stacks), and the slowest single policy run, the time bound of a policy on bad input.
//
//     node --expose-gc -r ts-node/register test/bench/policy.bench.ts
//
// Resources arrive the way the engine hands them over: properties wrapped in unknownCheckingProxy,
// and fresh ones for every policy, as the engine's runner deserializes the stack again for each
// policy (so nothing one policy read is there for the next). They are built before each policy's
// timing starts: deserializing is the engine's work, not the pack's.

import { spawnSync } from "child_process";
import { performance } from "perf_hooks";
import {
    PolicyResource,
    ResourceValidationPolicy,
    StackValidationPolicy,
} from "../../policy/node_modules/@pulumi/policy";
import { policies } from "../../policy/allPolicies";
import { formatIp } from "../../lib/addresses/ip";
import { fuzzPack } from "../harness/policy/fuzz";
import {
    configFor,
    isCalledFor,
    resourceValidationArgs,
    stackResources,
    ResourceSpec,
} from "../harness/policy/harness";
import { homelabPolicyConfig } from "../harness/policy/packRun";
import {
    addressPool,
    configMap,
    container,
    deployment,
    l2Advertisement,
    limitRange,
    namespace,
    networkPolicy,
    resourceQuota,
    seldonLimits,
    seldonQuotaHard,
    service,
} from "../harness/policy/resources";

const sizes = [1_000, 10_000, 100_000];
/** The pack's targets over the largest size (docs/benchmarks.md). */
const targets = { seconds: 1.0, peakMiB: 400 };
const fuzzStacks = 1_000;
const fuzzSeed = 20260101;

/** Tenant i: a namespace with quota, LimitRange, egress policies, a workload and a ConfigMap, plus a reserved pool and the LoadBalancer Service using it. */
function tenant(index: number): ResourceSpec[] {
    const name = `tenant-${index}`;
    const poolStart = 0xac100000n + BigInt(index) * 4n; // 172.16.0.0 + 4i: one /30 per tenant
    const address = formatIp(4, poolStart + 1n);
    // One ConfigMap in a hundred points at a LoadBalancer IP: the pack must find and report it.
    const tracking =
        index % 100 === 0 ? `http://${address}:5000` : `http://${name}.${name}.svc.cluster.local:5000`;
    return [
        namespace(name),
        resourceQuota(name, `${name}-quota`, seldonQuotaHard),
        limitRange(name, `${name}-limits`, seldonLimits),
        networkPolicy(name, `${name}-deny-egress`, { podSelector: {}, policyTypes: ["Egress"] }),
        networkPolicy(name, `${name}-allow-dns`, {
            podSelector: {},
            policyTypes: ["Egress"],
            egress: [
                {
                    to: [{ namespaceSelector: {}, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
                    ports: [{ protocol: "UDP", port: 53 }],
                },
            ],
        }),
        configMap(name, `${name}-endpoints`, { MLFLOW_TRACKING_URI: tracking, LOG_LEVEL: "info" }),
        deployment(name, `${name}-app`, [
            container("app", { MLFLOW_TRACKING_URI: `http://${name}.${name}.svc.cluster.local:5000` }),
        ]),
        addressPool(`${name}-pool`, [`${formatIp(4, poolStart)}/30`], { autoAssign: false }),
        service(name, `${name}-lb`, {
            annotations: { "metallb.io/loadBalancerIPs": address, "metallb.io/address-pool": `${name}-pool` },
        }),
        l2Advertisement(`${name}-l2`, { ipAddressPools: [`${name}-pool`] }),
    ];
}

interface PackRun {
    seconds: number;
    violations: number;
    perPolicy: [string, number][];
}

/**
 * Runs every policy of the pack once over fresh resources of the synthetic stack, with the
 * homelab's pack config (the LAN is required). Only the policies' own time is counted.
 */
async function runPack(size: number): Promise<PackRun> {
    const packConfig = homelabPolicyConfig();
    let violations = 0;
    const report = () => {
        violations++;
    };
    const perPolicy: [string, number][] = [];
    let seconds = 0;
    for (const policy of policies) {
        const resources = engineResources(size);
        const config = configFor(policy, packConfig[policy.name] ?? {});
        const started = performance.now();
        if ("validateStack" in policy) {
            await (policy as StackValidationPolicy).validateStack(
                {
                    resources,
                    stackTags: new Map(),
                    getConfig: <T extends object>() => config as T,
                    notApplicable: () => {
                        throw new Error("not applicable");
                    },
                },
                report,
            );
        } else {
            const validate = (policy as ResourceValidationPolicy).validateResource;
            const validations = Array.isArray(validate) ? validate : [validate!];
            for (const resource of resources) {
                if (!isCalledFor(policy as ResourceValidationPolicy, resource.type)) {
                    continue;
                }
                const args = resourceValidationArgs(resource, config);
                for (const validation of validations) {
                    await validation(args, report);
                }
            }
        }
        const policySeconds = (performance.now() - started) / 1000;
        perPolicy.push([policy.name, policySeconds]);
        seconds += policySeconds;
    }
    return { seconds, violations, perPolicy };
}

/**
 * The synthetic stack as the engine hands it to one policy, built tenant by tenant so that only
 * one copy of it is ever alive; the previous policy's copy is collected first.
 */
function engineResources(size: number): PolicyResource[] {
    global.gc?.();
    const resources: PolicyResource[] = [];
    for (let index = 0; resources.length < size; index++) {
        resources.push(...stackResources(tenant(index).slice(0, size - resources.length)));
    }
    return resources;
}

/** Resident MiB before the pack runs: Node, the pack's code and one copy of the resources as the engine hands them over. */
function residentWithInput(size: number): number {
    const resources = engineResources(size);
    global.gc?.();
    const resident = process.memoryUsage().rss / 1024 / 1024;
    // Read after the measurement, so the resources are alive while it is taken.
    if (resources.length !== size) {
        throw new Error(`the synthetic stack has ${resources.length} resources, not ${size}`);
    }
    return resident;
}

/**
 * Runs the pack `repeats` times over `size` resources and prints one machine-readable line with the
 * fastest run: other work on the machine only ever adds time, so the minimum is the least noisy figure.
 */
async function measure(size: number, repeats: number): Promise<void> {
    const inputMiB = residentWithInput(size);
    let fastest: PackRun | undefined;
    for (let repeat = 0; repeat < repeats; repeat++) {
        const run = await runPack(size);
        if (!fastest || run.seconds < fastest.seconds) {
            fastest = run;
        }
    }
    const slowest = fastest!.perPolicy
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([name, seconds]) => `${name} ${seconds.toFixed(2)} s`)
        .join(", ");
    const peakMiB = process.resourceUsage().maxRSS / 1024;
    console.log(
        JSON.stringify({
            size,
            repeats,
            seconds: fastest!.seconds,
            peakMiB,
            inputMiB,
            violations: fastest!.violations,
            slowest,
        }),
    );
}

function nLogNRatio(from: number, to: number): number {
    return (to * Math.log2(to)) / (from * Math.log2(from));
}

/** Prints one machine-readable line: the fuzz run's figures. */
async function measureFuzz(): Promise<void> {
    console.log(JSON.stringify(await fuzzPack(fuzzSeed, fuzzStacks)));
}

function runChild(args: string[], what: string) {
    const child = spawnSync(process.execPath, [...process.execArgv, __filename, ...args], {
        encoding: "utf8",
        maxBuffer: 16 * 1024 * 1024,
    });
    if (child.status !== 0) {
        throw new Error(`policy bench ${what} failed:\n${child.stderr}`);
    }
    return JSON.parse(child.stdout.trim().split("\n").pop()!);
}

function main(): void {
    if (process.argv.includes("--fuzz")) {
        measureFuzz().catch((error) => {
            console.error(error);
            process.exit(1);
        });
        return;
    }
    const sizeArgument = process.argv.indexOf("--size");
    if (sizeArgument >= 0) {
        const size = Number(process.argv[sizeArgument + 1]);
        measure(size, size >= 100_000 ? 3 : 5).catch((error) => {
            console.error(error);
            process.exit(1);
        });
        return;
    }
    const results: {
        size: number;
        repeats: number;
        seconds: number;
        peakMiB: number;
        inputMiB: number;
        violations: number;
        slowest: string;
    }[] = [];
    for (const size of sizes) {
        const result = runChild(["--size", String(size)], `at ${size} resources`);
        results.push(result);
        console.log(
            `policy pack: ${size} resources: ${result.seconds.toFixed(2)} s (fastest of ${result.repeats}), ` +
                `peak RSS ${result.peakMiB.toFixed(0)} MiB (${result.inputMiB.toFixed(0)} MiB before the pack ran), ` +
                `${result.violations} violations (slowest: ${result.slowest})`,
        );
    }
    for (let index = 1; index < results.length; index++) {
        const [before, after] = [results[index - 1], results[index]];
        console.log(
            `policy pack: growth ${after.size / 1000}k/${before.size / 1000}k: time x${(after.seconds / before.seconds).toFixed(1)}, ` +
                `peak RSS x${(after.peakMiB / before.peakMiB).toFixed(1)} (n log n: x${nLogNRatio(before.size, after.size).toFixed(1)}, n: x${(after.size / before.size).toFixed(1)})`,
        );
    }
    const largest = results[results.length - 1];
    const verdict = (met: boolean) => (met ? "met" : "MISSED");
    console.log(
        `policy pack: targets at ${largest.size / 1000}k: time <= ${targets.seconds} s ` +
            `(${verdict(largest.seconds <= targets.seconds)}), peak RSS <= ${targets.peakMiB} MiB ` +
            `(${verdict(largest.peakMiB <= targets.peakMiB)})`,
    );
    const fuzz = runChild(["--fuzz"], "on random stacks");
    console.log(
        `policy pack fuzz: ${fuzz.stacks} random stacks (seed ${fuzzSeed}), ${fuzz.policyRuns} policy runs, no exception; ` +
            `slowest single policy run ${fuzz.slowestMilliseconds.toFixed(1)} ms (${fuzz.slowestPolicy}), ` +
            `mean ${(fuzz.totalMilliseconds / fuzz.policyRuns).toFixed(2)} ms, ${fuzz.violations} violations`,
    );
}

main();
