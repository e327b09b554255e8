import * as assert from "assert";
import { argoExecutorResourcesSatisfyQuota } from "../../../policy/policies/argoExecutorResourcesSatisfyQuota";
import { runStackPolicy, stackViolations, unknownString, urnOf } from "../../harness/policy/harness";
import {
    configMap,
    container,
    executorResources,
    helmChart,
    helmRelease,
    homelabStack,
    limitRange,
    resourceQuota,
    seldonLimits,
    seldonQuotaHard,
    types,
    workflowTemplate,
} from "../../harness/policy/resources";

const quota = resourceQuota("seldon-system", "seldon-system-quota", seldonQuotaHard);
const quotaName = 'ResourceQuota seldon-system/seldon-system-quota (Pulumi name "seldon-system-quota")';
const controllerMap =
    'ConfigMap argo/workflow-controller-configmap (Pulumi name "workflow-controller-configmap")';

function missing(
    owner: string,
    fields: string,
    setting: string,
    constraint = `${quotaName} constrains limits.memory, requests.cpu, requests.memory`,
): string {
    return (
        `${owner} gives Argo's executor no ${fields}, while ${constraint}: Argo builds every workflow pod's init and wait ` +
        "containers from the executor, so they declare nothing and quota admission rejects the pod. Set the executor's " +
        `requests and limits for cpu and memory (${setting}), e.g. requests {cpu: 100m, memory: 128Mi}, limits {cpu: ` +
        "500m, memory: 256Mi}."
    );
}

describe("argo-executor-resources-satisfy-quota", () => {
    it("accepts the homelab: the rendered controller ConfigMap (config layout) sets requests and limits under the max", async () => {
        assert.deepStrictEqual(await stackViolations(argoExecutorResourcesSatisfyQuota, homelabStack()), []);
    });

    it("accepts the one-key-per-setting layout, and a stack with quotas but no Argo controller config", async () => {
        const executor =
            "resources:\n  requests: {cpu: 100m, memory: 128Mi}\n  limits: {cpu: 500m, memory: 256Mi}\n";
        assert.deepStrictEqual(
            await stackViolations(argoExecutorResourcesSatisfyQuota, [
                quota,
                configMap("argo", "workflow-controller-configmap", { executor }),
            ]),
            [],
        );
        assert.deepStrictEqual(await stackViolations(argoExecutorResourcesSatisfyQuota, [quota]), []);
    });

    it("rejects the seed: executor without resources while the quota constrains cpu and memory", async () => {
        const specs = [
            quota,
            configMap("argo", "workflow-controller-configmap", {
                executor: "image: quay.io/argoproj/argoexec:v3.6.10\n",
            }),
        ];
        assert.deepStrictEqual(await stackViolations(argoExecutorResourcesSatisfyQuota, specs), [
            {
                message: missing(
                    `${controllerMap} data.executor`,
                    "requests.cpu, requests.memory, limits.cpu, limits.memory",
                    "resources in data.executor",
                ),
                urn: urnOf({ type: types.configMap, name: "workflow-controller-configmap" }),
            },
        ]);
    });

    it("rejects a config-layout ConfigMap with limits only, and argo-workflows values in a v3 Release", async () => {
        const specs = [
            quota,
            configMap("argo", "argo-workflows-workflow-controller-configmap", {
                config: "executor:\n  resources:\n    limits:\n      cpu: 500m\n      memory: 256Mi\n",
            }),
            helmRelease("argo", "argo-workflows", "argo/argo-workflows", {
                executor: { resources: { requests: { cpu: "100m" } } },
            }),
        ];
        assert.deepStrictEqual(
            (await stackViolations(argoExecutorResourcesSatisfyQuota, specs)).map(
                (violation) => violation.message,
            ),
            [
                missing(
                    'ConfigMap argo/argo-workflows-workflow-controller-configmap (Pulumi name "argo-workflows-workflow-controller-configmap") data.config',
                    "requests.cpu, requests.memory",
                    "executor.resources inside data.config",
                ),
                missing(
                    'Release argo/argo-workflows (Pulumi name "argo-workflows") values executor',
                    "requests.memory, limits.cpu, limits.memory",
                    "values executor.resources",
                ),
            ],
        );
    });

    it("reads an unrendered v4 Chart's values and ignores a rendered one's (its ConfigMap is checked instead)", async () => {
        const chart = helmChart("argo", "argo-workflows", "argo-workflows", { executor: {} }, "argo-chart");
        assert.strictEqual(
            (await stackViolations(argoExecutorResourcesSatisfyQuota, [quota, chart])).length,
            1,
        );
        const rendered = configMap(
            "argo",
            "argo-workflows-workflow-controller-configmap",
            {},
            { parent: "argo-chart" },
        );
        assert.deepStrictEqual(
            (await stackViolations(argoExecutorResourcesSatisfyQuota, [quota, chart, rendered])).map(
                (violation) => violation.urn,
            ),
            [urnOf({ type: types.configMap, name: "argo-workflows-workflow-controller-configmap" })],
        );
    });

    it("only counts quotas in workflow namespaces once the stack shows them, and names every constraining quota", async () => {
        const controller = configMap("argo", "workflow-controller-configmap", {});
        const specs = [
            quota,
            resourceQuota("other", "other-quota", { "limits.cpu": "4" }),
            resourceQuota("third", "third-quota", { memory: "4Gi" }),
            controller,
        ];
        assert.deepStrictEqual(
            (await stackViolations(argoExecutorResourcesSatisfyQuota, specs)).map(
                (violation) => violation.message,
            ),
            [
                missing(
                    `${controllerMap} data.executor`,
                    "requests.cpu, requests.memory, limits.cpu, limits.memory",
                    "resources in data.executor",
                    `${quotaName} and 2 other ResourceQuota(s) constrain limits.cpu, limits.memory, memory, requests.cpu, requests.memory`,
                ),
            ],
        );
        const withWorkflow = [
            ...specs,
            workflowTemplate("other", "job", [{ name: "main", container: container("main") }]),
        ];
        assert.deepStrictEqual(
            (await stackViolations(argoExecutorResourcesSatisfyQuota, withWorkflow)).map(
                (violation) => violation.message,
            ),
            [
                missing(
                    `${controllerMap} data.executor`,
                    "requests.cpu, limits.cpu",
                    "resources in data.executor",
                    'ResourceQuota other/other-quota (Pulumi name "other-quota") constrains limits.cpu',
                ).replace("for cpu and memory", "for cpu"),
            ],
        );
        assert.deepStrictEqual(
            await stackViolations(argoExecutorResourcesSatisfyQuota, specs, {
                workflowNamespaces: ["elsewhere"],
            }),
            [],
        );
    });

    it("rejects executor values above a LimitRange max in a workflow namespace", async () => {
        const specs = [
            quota,
            limitRange("seldon-system", "default-limits", seldonLimits),
            limitRange("seldon-system", "tight", [{ type: "Container", max: { memory: "200Mi" } }]),
            helmRelease("argo", "argo-workflows", "argo-workflows", {
                executor: { resources: executorResources },
            }),
        ];
        assert.deepStrictEqual(
            (await stackViolations(argoExecutorResourcesSatisfyQuota, specs)).map(
                (violation) => violation.message,
            ),
            [
                'Release argo/argo-workflows (Pulumi name "argo-workflows") values executor sets the executor\'s ' +
                    'limits.memory to 256Mi, above max.memory 200Mi of LimitRange seldon-system/tight (Pulumi name "tight"): ' +
                    "the LimitRanger admission plugin rejects every workflow pod in seldon-system. Lower the executor's " +
                    "limits.memory to at most 200Mi, or raise that max.",
            ],
        );
    });

    it("rejects a request above its limit, in the executor or mainContainer, which the API server refuses in every workflow pod", async () => {
        const specs = [
            helmRelease("argo", "argo-workflows", "argo-workflows", {
                executor: {
                    resources: {
                        requests: { cpu: "100m", memory: "512Mi" },
                        limits: { cpu: "500m", memory: "256Mi" },
                    },
                },
                mainContainer: { resources: { requests: { cpu: "2" }, limits: { cpu: "1" } } },
            }),
        ];
        const owner = 'Release argo/argo-workflows (Pulumi name "argo-workflows") values executor';
        assert.deepStrictEqual(
            (await stackViolations(argoExecutorResourcesSatisfyQuota, specs)).map(
                (violation) => violation.message,
            ),
            [
                `${owner} sets the executor's requests.memory 512Mi above its limits.memory 256Mi: the API server refuses ` +
                    'every workflow pod whose init and wait containers take them ("must be less than or equal to memory ' +
                    'limit of 256Mi"). Lower the request to at most the limit, or raise the limit.',
                `${owner} sets the mainContainer requests.cpu 2 above its limits.cpu 1: the API server refuses every ` +
                    'workflow pod whose main container takes them ("must be less than or equal to cpu limit of 1"). Lower ' +
                    "the request to at most the limit, or raise the limit.",
            ],
        );
    });

    it("rejects settings that make one workflow pod exceed a quota, main container and LimitRange defaults counted", async () => {
        const executor =
            "resources:\n  requests: {cpu: 100m, memory: 128Mi}\n  limits: {cpu: 500m, memory: 256Mi}\n";
        const specs = [
            resourceQuota("seldon-system", "tight-quota", {
                "requests.cpu": "300m",
                "limits.memory": "500Mi",
            }),
            limitRange("seldon-system", "default-limits", seldonLimits),
            configMap("argo", "workflow-controller-configmap", {
                executor,
                mainContainer: "resources:\n  requests: {cpu: 250m}\n",
            }),
        ];
        const pod = (need: string, allowed: string) =>
            `${controllerMap} makes one workflow pod (init and wait from its executor settings, main from its ` +
            `mainContainer settings, filled in by the LimitRanges of seldon-system) need ${need}, more than ResourceQuota ` +
            `seldon-system/tight-quota (Pulumi name "tight-quota") allows (${allowed}): quota admission rejects every ` +
            "workflow pod in seldon-system. Lower the executor's or the main container's resources, or raise the quota.";
        assert.deepStrictEqual(await stackViolations(argoExecutorResourcesSatisfyQuota, specs), [
            {
                message: pod("limits.memory 512Mi", "500Mi"),
                urn: urnOf({ type: types.configMap, name: "workflow-controller-configmap" }),
            },
            {
                message: pod("requests.cpu 350m", "300m"),
                urn: urnOf({ type: types.configMap, name: "workflow-controller-configmap" }),
            },
        ]);
        // Chart values: a main container with a small memory limit keeps the pod under 500Mi.
        const values = helmRelease("argo", "argo-workflows", "argo-workflows", {
            executor: { resources: executorResources },
            mainContainer: { resources: { requests: { cpu: "100m" }, limits: { memory: "128Mi" } } },
        });
        assert.deepStrictEqual(
            await stackViolations(argoExecutorResourcesSatisfyQuota, [...specs.slice(0, 2), values]),
            [],
        );
    });

    it("rejects a controller ConfigMap that is not valid YAML", async () => {
        const specs = [
            quota,
            configMap("argo", "workflow-controller-configmap", { config: "executor: [unclosed\n" }),
        ];
        const [violation] = await stackViolations(argoExecutorResourcesSatisfyQuota, specs);
        assert.match(
            violation.message,
            /^ConfigMap argo\/workflow-controller-configmap \(Pulumi name "workflow-controller-configmap"\) data\.config is not valid YAML \(.+\): the workflow controller cannot read its settings, executor resources included\. Fix the YAML\.$/,
        );
    });

    it("during preview, skips controller settings and quotas that are unknown", async () => {
        const specs = [
            quota,
            configMap("argo", "workflow-controller-configmap", { executor: unknownString }),
            configMap("argo", "other-workflow-controller-configmap", unknownString),
            helmRelease("argo", "argo-workflows", "argo-workflows", {
                executor: { resources: { requests: unknownString } },
            }),
        ];
        assert.deepStrictEqual(await runStackPolicy(argoExecutorResourcesSatisfyQuota, specs), {
            violations: [],
        });
    });
});
