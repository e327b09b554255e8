import * as assert from "assert";
import { ArgoWorkflows } from "../../../components/argo";
import {
    findObject,
    findResource,
    ProgramRun,
    resourcesOfType,
    runComponents,
    runProgram,
    stackSettings,
} from "../../harness/program";
import { Editable } from "../../harness/stackConfig";

describe("ArgoWorkflows", () => {
    describe("homelab stack", () => {
        let run: ProgramRun;
        before(async () => {
            run = await runProgram();
        });

        it("gives init and wait (executor) and main containers requests, limits and a pull policy", () => {
            const chart = findResource(run, "kubernetes:helm.sh/v4:Chart", "argo-workflows-chart");
            const values = chart.inputs.values as Editable;
            assert.deepStrictEqual(values.executor, {
                image: { pullPolicy: "IfNotPresent" },
                resources: {
                    requests: { cpu: "100m", memory: "128Mi" },
                    limits: { cpu: "500m", memory: "256Mi" },
                },
            });
            assert.deepStrictEqual(values.mainContainer, {
                imagePullPolicy: "IfNotPresent",
                resources: {
                    requests: { cpu: "250m", memory: "512Mi" },
                    limits: { cpu: "1", memory: "1Gi" },
                },
            });
        });

        it("leaves the workflow identity to this stack and makes it the default", () => {
            const chart = findResource(run, "kubernetes:helm.sh/v4:Chart", "argo-workflows-chart");
            const values = chart.inputs.values as Editable;
            assert.deepStrictEqual(values.workflow, {
                serviceAccount: { create: false, name: "argo-workflow" },
                rbac: { create: false },
            });
            assert.deepStrictEqual(values.controller, {
                workflowNamespaces: ["seldon-system"],
                workflowDefaults: { spec: { serviceAccountName: "argo-workflow" } },
            });
        });

        it("installs chart 0.45.20 (Argo Workflows v3.6.10) into the argo namespace", () => {
            const chart = findResource(run, "kubernetes:helm.sh/v4:Chart", "argo-workflows-chart");
            assert.strictEqual(chart.inputs.chart, "argo-workflows");
            assert.strictEqual(chart.inputs.version, "0.45.20");
            assert.deepStrictEqual(chart.inputs.repositoryOpts, {
                repo: "https://argoproj.github.io/argo-helm",
            });
            assert.strictEqual(chart.inputs.namespace, "argo");
            assert.deepStrictEqual(chart.dependencies, [findObject(run, "Namespace", "argo").urn]);
        });

        it("grants the workflow ServiceAccount only create and patch on workflowtaskresults", () => {
            const role = findObject(run, "Role", "argo-workflow-executor", "seldon-system");
            assert.deepStrictEqual(role.inputs.rules, [
                {
                    apiGroups: ["argoproj.io"],
                    resources: ["workflowtaskresults"],
                    verbs: ["create", "patch"],
                },
            ]);
            const binding = findObject(run, "RoleBinding", "argo-workflow-executor", "seldon-system");
            assert.deepStrictEqual(binding.inputs.roleRef, {
                apiGroup: "rbac.authorization.k8s.io",
                kind: "Role",
                name: "argo-workflow-executor",
            });
            assert.deepStrictEqual(binding.inputs.subjects, [
                { kind: "ServiceAccount", name: "argo-workflow", namespace: "seldon-system" },
            ]);
            findObject(run, "ServiceAccount", "argo-workflow", "seldon-system");
        });

        it("creates the workflow RBAC after the governed namespace", () => {
            const namespace = findObject(run, "Namespace", "seldon-system");
            for (const kind of ["ServiceAccount", "Role", "RoleBinding"]) {
                const name = kind === "ServiceAccount" ? "argo-workflow" : "argo-workflow-executor";
                const resource = findObject(run, kind, name, "seldon-system");
                assert.ok(resource.dependencies.includes(namespace.urn), kind);
            }
        });
    });

    describe("several workflow namespaces, main container without defaults", () => {
        let run: ProgramRun;
        before(async () => {
            const settings = stackSettings() as Editable;
            settings.argo.workflowNamespaces = ["seldon-system", "training"];
            settings.argo.mainContainerResources = {};
            settings.namespaces.training = structuredClone(settings.namespaces["seldon-system"]);
            run = await runProgram({ overrides: { argo: settings.argo, namespaces: settings.namespaces } });
        });

        it("creates the ServiceAccount, Role and RoleBinding in each namespace", () => {
            for (const namespace of ["seldon-system", "training"]) {
                findObject(run, "ServiceAccount", "argo-workflow", namespace);
                findObject(run, "Role", "argo-workflow-executor", namespace);
                findObject(run, "RoleBinding", "argo-workflow-executor", namespace);
            }
            const values = findResource(run, "kubernetes:helm.sh/v4:Chart", "argo-workflows-chart").inputs
                .values as Editable;
            assert.deepStrictEqual(values.controller.workflowNamespaces, ["seldon-system", "training"]);
        });

        it("sends no empty requests or limits for the main container", () => {
            const values = findResource(run, "kubernetes:helm.sh/v4:Chart", "argo-workflows-chart").inputs
                .values as Editable;
            assert.deepStrictEqual(values.mainContainer, { imagePullPolicy: "IfNotPresent", resources: {} });
        });
    });

    describe("footprint", () => {
        const chartValues = async (argo?: Editable) => {
            const settings = stackSettings() as Editable;
            const run = await runProgram(argo ? { overrides: { argo: { ...settings.argo, ...argo } } } : {});
            return findResource(run, "kubernetes:helm.sh/v4:Chart", "argo-workflows-chart").inputs
                .values as Editable;
        };

        it("runs the Argo Server, as the chart does by default, unless argo.server.enabled is false", async () => {
            assert.deepStrictEqual((await chartValues()).server, { enabled: true });
            assert.deepStrictEqual((await chartValues({ server: { enabled: false } })).server, {
                enabled: false,
            });
        });

        it("sets the pull policies from argo.imagePullPolicy", async () => {
            const values = await chartValues({
                imagePullPolicy: { executor: "Always", mainContainer: "Never" },
            });
            assert.strictEqual(values.executor.image.pullPolicy, "Always");
            assert.strictEqual(values.mainContainer.imagePullPolicy, "Never");
        });
    });

    describe("constructed directly", () => {
        it("gives each workflow namespace the workflow identity, after the namespaces it is given", async () => {
            const run = await runComponents(() => {
                new ArgoWorkflows("wf", {
                    argo: {
                        namespace: "workflows",
                        releaseName: "wf",
                        chart: {
                            kind: "repository",
                            chart: "argo-workflows",
                            version: "0.45.20",
                            repository: "https://argoproj.github.io/argo-helm",
                        },
                        workflowNamespaces: ["team-a", "team-b"],
                        workflowServiceAccount: "runner",
                        executorResources: { requests: { cpu: "50m" }, limits: {} },
                        mainContainerResources: { requests: {}, limits: {} },
                        executorImagePullPolicy: "Always",
                        mainContainerImagePullPolicy: "Never",
                        serverEnabled: false,
                    },
                    skipAwait: true,
                });
            });
            const accounts = resourcesOfType(run, "kubernetes:core/v1:ServiceAccount").map(
                (account) =>
                    `${(account.inputs.metadata as Editable).namespace}/${(account.inputs.metadata as Editable).name}`,
            );
            assert.deepStrictEqual(accounts.sort(), ["team-a/runner", "team-b/runner"]);
            const values = findResource(run, "kubernetes:helm.sh/v4:Chart", "wf-chart").inputs
                .values as Editable;
            assert.deepStrictEqual(values.executor, {
                image: { pullPolicy: "Always" },
                resources: { requests: { cpu: "50m" } },
            });
            assert.deepStrictEqual(values.mainContainer, { imagePullPolicy: "Never", resources: {} });
            assert.deepStrictEqual(values.server, { enabled: false });
            const binding = findObject(run, "RoleBinding", "runner-executor", "team-b");
            assert.deepStrictEqual((binding.inputs.subjects as Editable)[0], {
                kind: "ServiceAccount",
                name: "runner",
                namespace: "team-b",
            });
        });
    });
});
