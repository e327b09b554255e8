// The settings validation and the policy pack decide the quota rules with the same functions
// (lib/kubernetes, lib/argo). This table runs each case through both, as a stack's settings and as
// the Kubernetes objects the stack declares, and holds both to one verdict: which quota keys the
// LimitRange leaves undefaulted, which keys one workflow pod exceeds, and which executor values
// exceed the LimitRange max. The messages differ (config paths against objects); the verdicts may not.

import * as assert from "assert";
import * as yaml from "js-yaml";
import { ContainerResources, ResourceValues } from "../../lib/kubernetes/resources";
import { argoExecutorResourcesSatisfyQuota } from "../../policy/policies/argoExecutorResourcesSatisfyQuota";
import { limitRangeDefaultsCoverQuota } from "../../policy/policies/limitRangeDefaultsCoverQuota";
import { SettingsError } from "../../stacks/problems";
import { validateSettings } from "../../stacks/validation";
import { Editable, readStackConfig } from "../harness/stackConfig";
import { stackViolations } from "../harness/policy/harness";
import { configMap, limitRange, resourceQuota } from "../harness/policy/resources";

interface Case {
    title: string;
    quota: Record<string, string>;
    limitRange: { default?: ResourceValues; defaultRequest?: ResourceValues; max?: ResourceValues };
    executor: ContainerResources;
    mainContainer: ContainerResources;
    /** The agreed verdict. */
    expected: Verdict;
}

interface Verdict {
    /** Quota keys a container that declares nothing still lacks after the LimitRange. */
    undefaulted: string[];
    /** Quota keys one workflow pod exceeds. */
    podExceeds: string[];
    /** Executor `side.resource` values above the LimitRange max. */
    executorAboveMax: string[];
}

const homelabLimitRange = {
    default: { cpu: "500m", memory: "256Mi" },
    defaultRequest: { cpu: "100m", memory: "128Mi" },
    max: { cpu: "4", memory: "8Gi" },
};
const executor = { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } };
const mainContainer = { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } };
const declaresNothing = { requests: {}, limits: {} };
const homelabQuota = { "requests.cpu": "8", "requests.memory": "16Gi", "limits.memory": "32Gi", pods: "100" };
const agreesOnNothing: Verdict = { undefaulted: [], podExceeds: [], executorAboveMax: [] };

function without<T extends object>(values: T, ...keys: (keyof T)[]): T {
    const copy = { ...values };
    keys.forEach((key) => delete copy[key]);
    return copy;
}

const cases: Case[] = [
    {
        title: "the homelab",
        quota: homelabQuota,
        limitRange: homelabLimitRange,
        executor,
        mainContainer,
        expected: agreesOnNothing,
    },
    {
        title: "a default limit the API server takes from max",
        quota: { "limits.cpu": "16" },
        limitRange: { ...homelabLimitRange, default: { memory: "256Mi" } },
        executor,
        mainContainer,
        expected: agreesOnNothing,
    },
    {
        title: "a default request taken from a default taken from max",
        quota: { "requests.memory": "16Gi" },
        limitRange: {
            default: { cpu: "500m" },
            defaultRequest: { cpu: "100m" },
            max: homelabLimitRange.max,
        },
        executor,
        mainContainer,
        expected: agreesOnNothing,
    },
    {
        title: "a limit neither default nor max gives",
        quota: { "limits.cpu": "16", "requests.cpu": "8" },
        limitRange: {
            ...homelabLimitRange,
            default: { memory: "256Mi" },
            max: { memory: "8Gi" },
        },
        executor,
        mainContainer,
        expected: { ...agreesOnNothing, undefaulted: ["limits.cpu"] },
    },
    {
        title: "no LimitRange values at all",
        quota: { cpu: "8", "limits.memory": "32Gi" },
        limitRange: {},
        executor,
        mainContainer,
        expected: { ...agreesOnNothing, undefaulted: ["cpu", "limits.memory"] },
    },
    {
        title: "a quota one workflow pod's requests exceed (wait and main together)",
        quota: { ...homelabQuota, "requests.cpu": "300m", cpu: "300m" },
        limitRange: homelabLimitRange,
        executor,
        mainContainer,
        expected: { ...agreesOnNothing, podExceeds: ["requests.cpu", "cpu"] },
    },
    {
        title: "a quota one workflow pod's limits exceed",
        quota: { "limits.memory": "1Gi" },
        limitRange: homelabLimitRange,
        executor,
        mainContainer,
        expected: { ...agreesOnNothing, podExceeds: ["limits.memory"] },
    },
    {
        title: "a main container that declares nothing, filled from a default limit taken from max",
        quota: { "limits.cpu": "2" },
        limitRange: { ...homelabLimitRange, default: without(homelabLimitRange.default, "cpu") },
        executor,
        mainContainer: declaresNothing,
        expected: { ...agreesOnNothing, podExceeds: ["limits.cpu"] },
    },
    {
        title: "an executor above the LimitRange max",
        quota: homelabQuota,
        limitRange: homelabLimitRange,
        executor: { ...executor, limits: { cpu: "5", memory: "256Mi" } },
        mainContainer,
        expected: { ...agreesOnNothing, executorAboveMax: ["limits.cpu"] },
    },
];

function matches(lines: string[], pattern: RegExp): string[] {
    return lines.flatMap((line) => {
        const match = pattern.exec(line);
        return match ? [match.slice(1).find((group) => group !== undefined)!] : [];
    });
}

/** The verdict of the settings validation: the problems its rules report, by quota key or value. */
function settingsVerdict(entry: Case): Verdict {
    const raw = readStackConfig("homelab") as Editable;
    raw.namespaces["seldon-system"] = {
        ...raw.namespaces["seldon-system"],
        quota: entry.quota,
        limitRange: entry.limitRange,
    };
    raw.argo.executorResources = entry.executor;
    raw.argo.mainContainerResources = entry.mainContainer;
    let problems: string[] = [];
    try {
        validateSettings(raw);
    } catch (error) {
        assert.ok(error instanceof SettingsError, String(error));
        problems = error.problems;
    }
    return {
        undefaulted: matches(problems, /\.quota(?:\["([^"]+)"\]|\.([a-z.]+)) is constrained but/),
        podExceeds: matches(problems, /^argo: one workflow pod \(init, wait, main\) needs (\S+) /),
        executorAboveMax: matches(problems, /^argo\.executorResources\.(\w+\.\w+): "[^"]*" is above/),
    };
}

/** The verdict of the pack on the objects the stack would declare for the same settings. */
async function packVerdict(entry: Case): Promise<Verdict> {
    const config = yaml.dump({
        executor: { resources: entry.executor },
        mainContainer: { resources: entry.mainContainer },
    });
    const specs = [
        resourceQuota("seldon-system", "seldon-system-quota", entry.quota),
        limitRange("seldon-system", "seldon-system-limits", [{ type: "Container", ...entry.limitRange }]),
        configMap("argo", "workflow-controller-configmap", { config }),
    ];
    const coverage = (await stackViolations(limitRangeDefaultsCoverQuota, specs)).map(
        (found) => found.message,
    );
    const executorFindings = (
        await stackViolations(argoExecutorResourcesSatisfyQuota, specs, {
            workflowNamespaces: ["seldon-system"],
        })
    ).map((found) => found.message);
    return {
        undefaulted: matches(coverage, /in seldon-system defaults (.+?): quota admission/).flatMap((keys) =>
            keys.split(", "),
        ),
        podExceeds: matches(executorFindings, /one workflow pod .* need (\S+) \S+, more than/),
        executorAboveMax: matches(executorFindings, /sets the executor's (\S+) to/),
    };
}

/** Keys in a fixed order: the two sides list them in the order of their own reports. */
function sorted(verdict: Verdict): Verdict {
    return {
        undefaulted: [...verdict.undefaulted].sort(),
        podExceeds: [...verdict.podExceeds].sort(),
        executorAboveMax: [...verdict.executorAboveMax].sort(),
    };
}

describe("the settings validation and the pack agree on the quota rules", () => {
    for (const entry of cases) {
        it(entry.title, async () => {
            const expected = sorted(entry.expected);
            assert.deepStrictEqual(sorted(settingsVerdict(entry)), expected, "settings validation");
            assert.deepStrictEqual(sorted(await packVerdict(entry)), expected, "policy pack");
        });
    }
});
