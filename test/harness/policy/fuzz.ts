// Random stacks for the pack's fuzz test and benchmark: the homelab's resources (and more of every
// kind the policies read) with values swapped for random strings and shapes (numbers, nulls,
// booleans, nested lists and objects, unknown sentinels, strings of 100,000 characters), plus
// resources whose properties are random altogether. Deterministic for a seed.

import { performance } from "perf_hooks";
import {
    Policy,
    ResourceValidationPolicy,
    StackValidationPolicy,
} from "../../../policy/node_modules/@pulumi/policy";
import { policies } from "../../../policy/allPolicies";
import {
    ResourceSpec,
    runResourcePolicy,
    runStackPolicy,
    unknownArray,
    unknownObject,
    unknownString,
} from "./harness";
import { homelabPolicyConfig } from "./packRun";
import {
    addressPool,
    configMap,
    container,
    deployment,
    helmRelease,
    homelabStack,
    limitRange,
    seldonLimits,
    service,
    types,
    workflowTemplate,
} from "./resources";
import { SeededRandom } from "./seededRandom";

const fragments = [
    "192.168.1.249",
    "10.0.0.0/8",
    "::ffff:10.0.0.1",
    "fd00::1",
    "fe80::1%eth0",
    "-",
    "/",
    ":",
    "::",
    ".",
    " ",
    "\t",
    "\n",
    "\u00a0",
    "\u0085",
    "\ufeff",
    "\u2013",
    "0",
    "00",
    "255",
    "256",
    "4294967296",
    "http://",
    "https://[fd00::1]:80/",
    "@",
    "500m",
    "1Gi",
    "1e309",
    "metallb.io/loadBalancerIPs",
    "ingress-pool",
    "homelab-pool",
    "$(",
    "{{",
    "\ud800",
    "\u{1f600}",
    "a",
    "Z",
];

/** Long texts built to stress parsers and regular expressions: repeated fragments, one shape each. */
const longPatterns = [
    "1",
    "0",
    "9",
    ":",
    "f",
    " ",
    "1.2.3.4-",
    "10.0.0.1/",
    "http://10.0.0.1:80/",
    "a.",
    "::ffff:",
];

export function randomString(random: SeededRandom): string {
    const roll = random.below(20);
    if (roll === 0) {
        const pattern = random.pick(longPatterns);
        return pattern.repeat(Math.ceil(100_000 / pattern.length)).slice(0, 100_000);
    }
    if (roll === 1) {
        return unknownString;
    }
    if (roll === 2) {
        return String.fromCodePoint(...Array.from({ length: random.below(12) }, () => random.below(0x2ffff)));
    }
    return Array.from({ length: random.between(1, 6) }, () => random.pick(fragments)).join("");
}

export function randomValue(random: SeededRandom, depth = 0): unknown {
    const roll = random.below(depth > 2 ? 6 : 10);
    switch (roll) {
        case 0:
            return null;
        case 1:
            return random.pick([0, -1, 1.5, 65536, Number.MAX_SAFE_INTEGER, -1e308, 2 ** 53 + 1]);
        case 2:
            return random.chance(0.5);
        case 3:
        case 4:
        case 5:
            return randomString(random);
        case 6:
            return random.pick([unknownArray, unknownObject]);
        case 7:
        case 8:
            return Array.from({ length: random.below(4) }, () => randomValue(random, depth + 1));
        default: {
            const record: Record<string, unknown> = {};
            for (let index = random.below(4); index > 0; index--) {
                record[random.pick(["name", "spec", "data", "addresses", "0", "ip", randomString(random)])] =
                    randomValue(random, depth + 1);
            }
            return record;
        }
    }
}

/** Every [container, key] inside a value, so that any one of them can be replaced. */
function slots(value: unknown, found: [Record<string, unknown> | unknown[], string | number][] = []) {
    if (Array.isArray(value)) {
        value.forEach((item, index) => {
            found.push([value, index]);
            slots(item, found);
        });
    } else if (typeof value === "object" && value !== null) {
        for (const [key, item] of Object.entries(value)) {
            found.push([value as Record<string, unknown>, key]);
            slots(item, found);
        }
    }
    return found;
}

function mutated(random: SeededRandom, spec: ResourceSpec, index: number): ResourceSpec {
    const props = structuredClone(spec.props);
    for (let count = random.between(1, 4); count > 0; count--) {
        const candidates = slots(props);
        if (candidates.length === 0) {
            break;
        }
        const [container, key] = random.pick(candidates);
        (container as Record<string, unknown>)[key] = randomValue(random);
    }
    // Names stay unique so the harness can resolve parents; a parent that is gone is dropped.
    return { ...spec, name: `${spec.name}-${index}`, props, parent: undefined };
}

const extraResources: ResourceSpec[] = [
    addressPool("fuzz-pool", ["10.0.0.0/24", "10.0.1.1-10.0.1.9"]),
    service("apps", "fuzz-lb", {
        annotations: { "metallb.io/loadBalancerIPs": "10.0.0.5", "metallb.io/address-pool": "fuzz-pool" },
        loadBalancerIP: "10.0.0.5",
        assigned: ["10.0.0.5"],
    }),
    configMap("apps", "fuzz-config", { URL: "http://10.0.0.5:80", OTHER: "x" }),
    deployment("apps", "fuzz-app", [container("app", { URL: "http://10.0.0.5:80" })]),
    limitRange("apps", "fuzz-limits", seldonLimits),
    helmRelease("ingress-nginx", "fuzz-release", "ingress-nginx", {
        controller: { service: { loadBalancerIP: "10.0.0.7", annotations: {} } },
    }),
    workflowTemplate(
        "apps",
        "fuzz-template",
        [{ name: "main", container: container("main") }],
        types.cronWorkflow,
    ),
];

const allTypes = Object.values(types);

/** One random stack: mutated copies of real resources and resources with random properties. */
export function fuzzStack(random: SeededRandom): ResourceSpec[] {
    const originals = [...homelabStack(), ...extraResources];
    const specs: ResourceSpec[] = [];
    for (const [index, original] of originals.entries()) {
        if (random.chance(0.6)) {
            specs.push(
                random.chance(0.7)
                    ? mutated(random, original, index)
                    : { ...original, name: `${original.name}-${index}`, parent: undefined },
            );
        }
    }
    for (let index = random.below(4); index > 0; index--) {
        const props = randomValue(random);
        specs.push({
            type: random.pick(allTypes),
            name: `random-${specs.length}`,
            props:
                typeof props === "object" && props !== null && !Array.isArray(props)
                    ? (props as Record<string, unknown>)
                    : { spec: props },
        });
    }
    return specs;
}

function isStackPolicy(policy: Policy): policy is StackValidationPolicy {
    return "validateStack" in policy;
}

export interface FuzzFigures {
    stacks: number;
    policyRuns: number;
    violations: number;
    /** The slowest single policy run over one stack (a resource policy: over all its resources). */
    slowestMilliseconds: number;
    slowestPolicy: string;
    totalMilliseconds: number;
}

/**
 * Runs every policy of the pack over `count` random stacks. A policy that throws (anything but the
 * engine's UnknownValueError, which the harness turns into the engine's advisory) fails the run,
 * naming the seed, the stack and the policy; so does an unknown value escaping a policy.
 */
export async function fuzzPack(seed: number, count: number): Promise<FuzzFigures> {
    const random = new SeededRandom(seed);
    const config = homelabPolicyConfig();
    const figures: FuzzFigures = {
        stacks: count,
        policyRuns: 0,
        violations: 0,
        slowestMilliseconds: 0,
        slowestPolicy: "",
        totalMilliseconds: 0,
    };
    for (let stack = 0; stack < count; stack++) {
        const specs = fuzzStack(random);
        for (const policy of policies) {
            const given = config[policy.name] ?? {};
            const started = performance.now();
            try {
                const runs = isStackPolicy(policy)
                    ? [await runStackPolicy(policy, specs, given)]
                    : await Promise.all(
                          specs.map((spec) =>
                              runResourcePolicy(policy as ResourceValidationPolicy, spec, given),
                          ),
                      );
                for (const run of runs) {
                    if (run.unknownDuringPreview) {
                        throw new Error(run.unknownDuringPreview);
                    }
                    for (const violation of run.violations) {
                        if (typeof violation.message !== "string" || violation.message === "") {
                            throw new Error(`a violation without a message: ${JSON.stringify(violation)}`);
                        }
                    }
                    figures.violations += run.violations.length;
                }
            } catch (error) {
                const shown = JSON.stringify(specs, (_, value) =>
                    typeof value === "string" && value.length > 200
                        ? `${value.slice(0, 200)}...(${value.length})`
                        : value,
                );
                throw new Error(
                    `${policy.name} threw on seed ${seed}, stack ${stack}: ${(error as Error).stack}\nstack: ${shown}`,
                );
            }
            const elapsed = performance.now() - started;
            figures.policyRuns++;
            figures.totalMilliseconds += elapsed;
            if (elapsed > figures.slowestMilliseconds) {
                figures.slowestMilliseconds = elapsed;
                figures.slowestPolicy = policy.name;
            }
        }
    }
    return figures;
}
