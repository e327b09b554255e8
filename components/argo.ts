// Argo Workflows: the controller chart with executor and main-container defaults, and the
// workflow ServiceAccount with the permissions executors need in each workflow namespace.

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ChartSource } from "../lib/helm/chartSource";
import { ImagePullPolicy } from "../lib/kubernetes/imagePullPolicy";
import { ContainerResources } from "../lib/kubernetes/resources";
import { installChart } from "./chartRelease";
import { chartValuesOrThrow } from "../lib/helm/values";

/** The controller's chart, the namespaces that run workflows, and what every workflow pod gets. */
export interface ArgoWorkflowsSettings {
    /** The namespace of the controller (and the Argo Server). */
    namespace: string;
    releaseName: string;
    /** Where the `argo-workflows` chart comes from. */
    chart: ChartSource;
    /** The user's own chart values (`charts.argo-workflows.values`), merged under the stack's. Defaults to none. */
    chartValues?: Record<string, unknown>;
    /** Namespaces that run workflows: each gets the workflow ServiceAccount and its Role. */
    workflowNamespaces: string[];
    /** The ServiceAccount workflows run as, unless they name another. */
    workflowServiceAccount: string;
    /** Controller-level `executor.resources`: the `init` and `wait` containers of every workflow pod. */
    executorResources: ContainerResources;
    /** Controller-level `mainContainer.resources`: defaults under each template's main container. */
    mainContainerResources: ContainerResources;
    /** Pull policy of the `init` and `wait` containers. */
    executorImagePullPolicy: ImagePullPolicy;
    /** Pull policy merged under each step's main container. */
    mainContainerImagePullPolicy: ImagePullPolicy;
    /** Whether the chart runs the Argo Server, the UI and API. */
    serverEnabled: boolean;
}

export interface ArgoWorkflowsArgs {
    argo: ArgoWorkflowsSettings;
    /** What the workflow RBAC waits for: the workflow namespaces, when this stack governs them. Defaults to none. */
    workflowNamespaceResources?: pulumi.Resource[];
    /** Skip the chart's readiness waits, for control planes without nodes. Defaults to false. */
    skipAwait?: boolean;
}

/** What executors (v3.4+) write in the workflow's namespace to report each step's outputs. */
export const executorRules: k8s.types.input.rbac.v1.PolicyRule[] = [
    { apiGroups: ["argoproj.io"], resources: ["workflowtaskresults"], verbs: ["create", "patch"] },
];

/** Container resources as Kubernetes spells them, leaving out an empty `requests` or `limits`. */
function resourceRequirements(resources: ContainerResources): k8s.types.input.core.v1.ResourceRequirements {
    return {
        ...(Object.keys(resources.requests).length > 0 ? { requests: resources.requests } : {}),
        ...(Object.keys(resources.limits).length > 0 ? { limits: resources.limits } : {}),
    };
}

/** Values of the `argo-workflows` chart (0.45.x); they render into the workflow-controller ConfigMap. */
export function argoChartValues(argo: ArgoWorkflowsSettings): Record<string, unknown> {
    return {
        controller: {
            workflowNamespaces: argo.workflowNamespaces,
            // Workflows that name no ServiceAccount would run as `default`, which may not write
            // workflowtaskresults.
            workflowDefaults: { spec: { serviceAccountName: argo.workflowServiceAccount } },
        },
        // This component creates the workflow ServiceAccount and its Role in each namespace.
        workflow: {
            serviceAccount: { create: false, name: argo.workflowServiceAccount },
            rbac: { create: false },
        },
        // `init` and `wait` are built from the executor spec: without resources they declare none,
        // and a ResourceQuota on cpu or memory then rejects every workflow pod.
        executor: {
            image: { pullPolicy: argo.executorImagePullPolicy },
            resources: resourceRequirements(argo.executorResources),
        },
        // Once resources are set the chart also renders a pull policy for every step's main
        // container, by default its `images.pullPolicy` (Always): set it from the settings.
        mainContainer: {
            imagePullPolicy: argo.mainContainerImagePullPolicy,
            resources: resourceRequirements(argo.mainContainerResources),
        },
        // Stated rather than left to the chart's default, so the footprint is a setting.
        server: { enabled: argo.serverEnabled },
    };
}

/** Installs the Argo Workflows controller and the workflow identity in every workflow namespace. */
export class ArgoWorkflows extends pulumi.ComponentResource {
    readonly namespace: k8s.core.v1.Namespace;
    readonly chart: k8s.helm.v4.Chart;
    /** Workflow ServiceAccounts, keyed by namespace. */
    readonly serviceAccounts: Record<string, k8s.core.v1.ServiceAccount>;
    readonly roles: Record<string, k8s.rbac.v1.Role>;
    readonly roleBindings: Record<string, k8s.rbac.v1.RoleBinding>;

    constructor(name: string, args: ArgoWorkflowsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("homelab:platform:ArgoWorkflows", name, args, opts);
        const { argo } = args;
        const account = argo.workflowServiceAccount;

        const release = installChart(this, name, {
            source: argo.chart,
            releaseName: argo.releaseName,
            namespace: argo.namespace,
            values: chartValuesOrThrow(
                "charts.argo-workflows.values",
                argo.chartValues ?? {},
                argoChartValues(argo),
            ),
            skipAwait: args.skipAwait,
        });
        this.namespace = release.namespace;
        this.chart = release.chart;

        this.serviceAccounts = {};
        this.roles = {};
        this.roleBindings = {};
        const namespacesReady = args.workflowNamespaceResources ?? [];
        for (const namespace of argo.workflowNamespaces) {
            const childName = `${name}-${namespace}`;
            const serviceAccount = new k8s.core.v1.ServiceAccount(
                `${childName}-${account}`,
                { metadata: { name: account, namespace } },
                { parent: this, dependsOn: namespacesReady },
            );
            const role = new k8s.rbac.v1.Role(
                `${childName}-${account}-executor`,
                { metadata: { name: `${account}-executor`, namespace }, rules: executorRules },
                { parent: this, dependsOn: namespacesReady },
            );
            const roleBinding = new k8s.rbac.v1.RoleBinding(
                `${childName}-${account}-executor`,
                {
                    metadata: { name: `${account}-executor`, namespace },
                    roleRef: {
                        apiGroup: "rbac.authorization.k8s.io",
                        kind: "Role",
                        name: `${account}-executor`,
                    },
                    subjects: [{ kind: "ServiceAccount", name: account, namespace }],
                },
                { parent: this, dependsOn: [...namespacesReady, serviceAccount, role] },
            );
            this.serviceAccounts[namespace] = serviceAccount;
            this.roles[namespace] = role;
            this.roleBindings[namespace] = roleBinding;
        }

        this.registerOutputs({
            namespace: this.namespace,
            chart: this.chart,
            serviceAccounts: this.serviceAccounts,
            roles: this.roles,
            roleBindings: this.roleBindings,
        });
    }
}
