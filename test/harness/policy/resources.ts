// Factories for the Kubernetes resources the policy specs feed the pack, shaped the way the engine
// reports them (type token, Pulumi name, properties), and the homelab's fixed state as one stack.

import { ResourceSpec } from "./harness";

type Props = Record<string, unknown>;

export const types = {
    namespace: "kubernetes:core/v1:Namespace",
    service: "kubernetes:core/v1:Service",
    configMap: "kubernetes:core/v1:ConfigMap",
    resourceQuota: "kubernetes:core/v1:ResourceQuota",
    limitRange: "kubernetes:core/v1:LimitRange",
    pod: "kubernetes:core/v1:Pod",
    deployment: "kubernetes:apps/v1:Deployment",
    cronJob: "kubernetes:batch/v1:CronJob",
    networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    ipAddressPool: "kubernetes:metallb.io/v1beta1:IPAddressPool",
    l2Advertisement: "kubernetes:metallb.io/v1beta1:L2Advertisement",
    bgpAdvertisement: "kubernetes:metallb.io/v1beta1:BGPAdvertisement",
    workflow: "kubernetes:argoproj.io/v1alpha1:Workflow",
    workflowTemplate: "kubernetes:argoproj.io/v1alpha1:WorkflowTemplate",
    cronWorkflow: "kubernetes:argoproj.io/v1alpha1:CronWorkflow",
    calicoIpPool: "kubernetes:crd.projectcalico.org/v1:IPPool",
    helmRelease: "kubernetes:helm.sh/v3:Release",
    helmChart: "kubernetes:helm.sh/v4:Chart",
    component: "homelab:platform:Ingress",
};

export function namespace(name: string, extra: Partial<ResourceSpec> = {}): ResourceSpec {
    return {
        type: types.namespace,
        name,
        props: { apiVersion: "v1", kind: "Namespace", metadata: { name } },
        ...extra,
    };
}

export interface PoolOptions {
    autoAssign?: boolean;
    namespace?: string;
    labels?: Record<string, string>;
    pulumiName?: string;
}

export function addressPool(name: string, addresses: unknown, options: PoolOptions = {}): ResourceSpec {
    const spec: Props = { addresses };
    if (options.autoAssign !== undefined) {
        spec.autoAssign = options.autoAssign;
    }
    const metadata: Props = { name, namespace: options.namespace ?? "metallb-system" };
    if (options.labels) {
        metadata.labels = options.labels;
    }
    return {
        type: types.ipAddressPool,
        name: options.pulumiName ?? name,
        props: { apiVersion: "metallb.io/v1beta1", kind: "IPAddressPool", metadata, spec },
    };
}

export function l2Advertisement(name: string, spec: Props, namespaceName = "metallb-system"): ResourceSpec {
    return {
        type: types.l2Advertisement,
        name,
        props: {
            apiVersion: "metallb.io/v1beta1",
            kind: "L2Advertisement",
            metadata: { name, namespace: namespaceName },
            spec,
        },
    };
}

export interface ServiceOptions {
    annotations?: Record<string, string>;
    loadBalancerIP?: string;
    type?: string;
    assigned?: string[];
    pulumiName?: string;
    parent?: string;
}

export function service(namespaceName: string, name: string, options: ServiceOptions = {}): ResourceSpec {
    const metadata: Props = { name, namespace: namespaceName };
    if (options.annotations) {
        metadata.annotations = options.annotations;
    }
    const spec: Props = {
        type: options.type ?? "LoadBalancer",
        selector: { app: name },
        ports: [{ name: "http", port: 80 }],
    };
    if (options.loadBalancerIP !== undefined) {
        spec.loadBalancerIP = options.loadBalancerIP;
    }
    const props: Props = { apiVersion: "v1", kind: "Service", metadata, spec };
    if (options.assigned) {
        props.status = { loadBalancer: { ingress: options.assigned.map((ip) => ({ ip })) } };
    }
    const resource: ResourceSpec = { type: types.service, name: options.pulumiName ?? name, props };
    if (options.parent) {
        resource.parent = options.parent;
    }
    return resource;
}

export function resourceQuota(namespaceName: string, name: string, hard: unknown): ResourceSpec {
    return {
        type: types.resourceQuota,
        name,
        props: {
            apiVersion: "v1",
            kind: "ResourceQuota",
            metadata: { name, namespace: namespaceName },
            spec: { hard },
        },
    };
}

export function limitRange(namespaceName: string, name: string, limits: unknown): ResourceSpec {
    return {
        type: types.limitRange,
        name,
        props: {
            apiVersion: "v1",
            kind: "LimitRange",
            metadata: { name, namespace: namespaceName },
            spec: { limits },
        },
    };
}

export function configMap(
    namespaceName: string,
    name: string,
    data: unknown,
    extra: Partial<ResourceSpec> = {},
): ResourceSpec {
    return {
        type: types.configMap,
        name,
        props: { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: namespaceName }, data },
        ...extra,
    };
}

export function container(name: string, env: Record<string, string> = {}, image = "python:3.12"): Props {
    return { name, image, env: Object.entries(env).map(([envName, value]) => ({ name: envName, value })) };
}

export function deployment(namespaceName: string, name: string, containers: Props[]): ResourceSpec {
    return {
        type: types.deployment,
        name,
        props: {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name, namespace: namespaceName },
            spec: {
                selector: { matchLabels: { app: name } },
                template: { metadata: { labels: { app: name } }, spec: { containers } },
            },
        },
    };
}

export function workflowTemplate(
    namespaceName: string,
    name: string,
    templates: Props[],
    type = types.workflowTemplate,
): ResourceSpec {
    const kind = type.split(":")[2];
    const spec: Props =
        kind === "CronWorkflow"
            ? { schedule: "0 3 * * *", workflowSpec: { entrypoint: "main", templates } }
            : { entrypoint: "main", templates };
    return {
        type,
        name,
        props: {
            apiVersion: "argoproj.io/v1alpha1",
            kind,
            metadata: { name, namespace: namespaceName },
            spec,
        },
    };
}

export function networkPolicy(namespaceName: string, name: string, spec: Props): ResourceSpec {
    return {
        type: types.networkPolicy,
        name,
        props: {
            apiVersion: "networking.k8s.io/v1",
            kind: "NetworkPolicy",
            metadata: { name, namespace: namespaceName },
            spec,
        },
    };
}

export function helmRelease(
    namespaceName: string,
    release: string,
    chart: string,
    values: Props,
    pulumiName = release,
): ResourceSpec {
    return {
        type: types.helmRelease,
        name: pulumiName,
        props: { name: release, namespace: namespaceName, chart, version: "1.0.0", values },
    };
}

export function helmChart(
    namespaceName: string,
    release: string,
    chart: string,
    values: Props,
    pulumiName = release,
): ResourceSpec {
    return {
        type: types.helmChart,
        name: pulumiName,
        props: { name: release, namespace: namespaceName, chart, values },
    };
}

export const executorResources = {
    requests: { cpu: "100m", memory: "128Mi" },
    limits: { cpu: "500m", memory: "256Mi" },
};

export const seldonQuotaHard = {
    "requests.cpu": "8",
    "requests.memory": "16Gi",
    "limits.memory": "32Gi",
    pods: "100",
};

export const seldonLimits = [
    {
        type: "Container",
        default: { cpu: "500m", memory: "256Mi" },
        defaultRequest: { cpu: "100m", memory: "128Mi" },
        max: { cpu: "4", memory: "8Gi" },
    },
];

const ingressAnnotations = {
    "metallb.io/loadBalancerIPs": "192.168.1.249",
    "metallb.io/address-pool": "ingress-pool",
};

/**
 * The homelab after the fix, as the engine shows it: the general pool split around the reserved
 * ingress address, a v4 ingress chart with its rendered controller Service, the Argo chart with its
 * rendered controller ConfigMap, the governed namespace with quota, LimitRange and egress policies.
 */
export function homelabStack(): ResourceSpec[] {
    return [
        namespace("metallb-system"),
        namespace("ingress-nginx"),
        namespace("argo"),
        namespace("seldon-system"),
        addressPool("homelab-pool", ["192.168.1.200-192.168.1.248", "192.168.1.250/32"], {
            autoAssign: true,
        }),
        addressPool("ingress-pool", ["192.168.1.249/32"], { autoAssign: false }),
        l2Advertisement("homelab-l2", { ipAddressPools: ["homelab-pool", "ingress-pool"] }),
        helmChart(
            "ingress-nginx",
            "ingress-nginx",
            "ingress-nginx",
            {
                controller: {
                    service: {
                        type: "LoadBalancer",
                        annotations: ingressAnnotations,
                        externalTrafficPolicy: "Local",
                    },
                },
            },
            "ingress-chart",
        ),
        service("ingress-nginx", "ingress-nginx-controller", {
            annotations: ingressAnnotations,
            pulumiName: "ingress-nginx:ingress-nginx/ingress-nginx-controller",
            parent: "ingress-chart",
        }),
        helmChart(
            "argo",
            "argo-workflows",
            "argo-workflows",
            {
                executor: { resources: executorResources },
                controller: { workflowNamespaces: ["seldon-system"] },
            },
            "argo-chart",
        ),
        configMap(
            "argo",
            "argo-workflows-workflow-controller-configmap",
            {
                config:
                    "executor:\n  resources:\n    requests: {cpu: 100m, memory: 128Mi}\n    limits: {cpu: 500m, memory: 256Mi}\n" +
                    "mainContainer:\n  resources:\n    requests: {cpu: 250m, memory: 512Mi}\n    limits: {cpu: '1', memory: 1Gi}\n",
            },
            {
                name: "argo-workflows:argo/argo-workflows-workflow-controller-configmap",
                parent: "argo-chart",
            },
        ),
        resourceQuota("seldon-system", "seldon-system-quota", seldonQuotaHard),
        limitRange("seldon-system", "default-limits", seldonLimits),
        networkPolicy("seldon-system", "default-deny-egress", { podSelector: {}, policyTypes: ["Egress"] }),
        networkPolicy("seldon-system", "allow-dns-egress", {
            podSelector: {},
            policyTypes: ["Egress"],
            egress: [
                {
                    to: [
                        {
                            namespaceSelector: {
                                matchLabels: { "kubernetes.io/metadata.name": "kube-system" },
                            },
                            podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
                        },
                    ],
                    ports: [
                        { protocol: "UDP", port: 53 },
                        { protocol: "TCP", port: 53 },
                    ],
                },
            ],
        }),
        networkPolicy("seldon-system", "allow-off-cluster-egress", {
            podSelector: {},
            policyTypes: ["Egress"],
            egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.42.0.0/16", "10.43.0.0/16"] } }] }],
        }),
        configMap("seldon-system", "platform-endpoints", {
            MLFLOW_TRACKING_URI: "http://mlflow.mlflow.svc.cluster.local:5000",
        }),
        workflowTemplate("seldon-system", "training-pipeline", [
            {
                name: "train",
                container: container("main", {
                    MLFLOW_TRACKING_URI: "http://mlflow.mlflow.svc.cluster.local:5000",
                }),
            },
        ]),
    ];
}

/** A copy of the stack with the resources of the given Pulumi names replaced (or removed when null). */
export function replaced(
    stack: ResourceSpec[],
    changes: Record<string, ResourceSpec | null>,
): ResourceSpec[] {
    const result: ResourceSpec[] = [];
    for (const resource of stack) {
        if (resource.name in changes) {
            const replacement = changes[resource.name];
            if (replacement) {
                result.push(replacement);
            }
        } else {
            result.push(resource);
        }
    }
    return result;
}
