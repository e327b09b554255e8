// The homelab as it stood before this stack (the seed), recreated the way it was made: MetalLB,
// ingress-nginx and Argo installed with `helm install`, a pool and an announcement applied by
// hand, a workflow namespace without its quota, and a WorkflowTemplate that reaches MLflow at a
// LoadBalancer IP. Used by the integration tests and the demo.

import { allocatedFromPoolAnnotation } from "../../lib/metallb/annotations";
import { Cluster, ensureNamespace, KubernetesObject } from "./cluster";
import { CommandResult, run, runOrFail } from "./commands";
import { fixtureChart, helmOrFail, localNodeValues } from "./helm";
import { deployMlflowStandIn } from "./mlflow";
import { repositoryRoot } from "./workspace";

export const metallbApi = "metallb.io/v1beta1";
export const argoApi = "argoproj.io/v1alpha1";

/** The seed's three Helm releases, as `npm run adopt-helm-releases` names them. */
export const seedReleases = ["metallb-system/metallb", "ingress-nginx/ingress-nginx", "argo/argo-workflows"];

/**
 * `npm run adopt-helm-releases -- <args>` from the repository, as the operator runs it; throws with
 * its output when it fails, unless a failure is what the caller expects.
 */
export function adoptHelmReleases(
    args: string[],
    options: { mayFail?: boolean } = {},
): Promise<CommandResult> {
    const command = options.mayFail ? run : runOrFail;
    return command("npm", ["run", "--silent", "adopt-helm-releases", "--", ...args], { cwd: repositoryRoot });
}

/** What the seed's debts are made of. */
export const seed = {
    poolName: "homelab-pool",
    poolRange: "192.168.1.200-192.168.1.250",
    ingressAddress: "192.168.1.249",
    ingressService: {
        apiVersion: "v1",
        kind: "Service",
        namespace: "ingress-nginx",
        name: "ingress-nginx-controller",
    },
    workflowNamespace: "seldon-system",
    quotaName: "seldon-system-quota",
    workflowTemplate: "training-pipeline",
    /** The workaround: MLflow's LoadBalancer IP instead of its cluster-DNS name. */
    mlflowLoadBalancerUri: "http://192.168.1.203:5000",
    /** MLflow's address as the platform publishes it. */
    mlflowServiceUri: "http://mlflow.mlflow.svc.cluster.local:5000",
};

export const quotaReference = {
    apiVersion: "v1",
    kind: "ResourceQuota",
    name: seed.quotaName,
    namespace: seed.workflowNamespace,
};

/** The quota that was deleted: the three compute resources the seed's error names, and a pod count. */
export const seedQuota: KubernetesObject = {
    apiVersion: "v1",
    kind: "ResourceQuota",
    metadata: { name: seed.quotaName, namespace: seed.workflowNamespace },
    spec: { hard: { "requests.cpu": "8", "requests.memory": "16Gi", "limits.memory": "32Gi", pods: "100" } },
};

/** The training image, imported into the node with `ctr images import`: in no registry. */
export function trainingImage(): string {
    const image = process.env.HOMELAB_IMPORTED_IMAGE;
    if (!image) {
        throw new Error("HOMELAB_IMPORTED_IMAGE is not set: run the tests inside hack/control-plane.sh");
    }
    return image;
}

/**
 * Creates an object the way `kubectl apply` does when a webhook is still warming up: a person
 * re-runs the command. Only "failed calling webhook" is retried.
 */
export async function createRetryingWebhook(
    cluster: Cluster,
    object: KubernetesObject,
): Promise<KubernetesObject> {
    const deadline = Date.now() + 60_000;
    for (;;) {
        try {
            return await cluster.create(object);
        } catch (error) {
            const message = String((error as { body?: { message?: string } }).body?.message ?? error);
            if (!message.includes("failed calling webhook") || Date.now() > deadline) {
                throw error;
            }
            await new Promise((resolve) => setTimeout(resolve, 1000));
        }
    }
}

export async function recreateSeedCluster(cluster: Cluster, echo = false): Promise<void> {
    await helmOrFail(
        [
            "install",
            "metallb",
            fixtureChart("metallb"),
            ...localNodeValues("metallb"),
            "--namespace",
            "metallb-system",
            "--create-namespace",
        ].concat(["--wait", "--timeout", "180s"]),
        echo,
    );
    await createRetryingWebhook(cluster, {
        apiVersion: metallbApi,
        kind: "IPAddressPool",
        metadata: { name: seed.poolName, namespace: "metallb-system" },
        spec: { addresses: [seed.poolRange] },
    });
    await createRetryingWebhook(cluster, {
        apiVersion: metallbApi,
        kind: "L2Advertisement",
        metadata: { name: "homelab-l2", namespace: "metallb-system" },
        spec: { ipAddressPools: [seed.poolName] },
    });
    await installSeedIngress(echo);

    // MLflow, which workflows reached at its LoadBalancer address from the general pool.
    await deployMlflowStandIn(cluster, true);
    await cluster.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: seed.workflowNamespace } });
    await cluster.create(seedDenyEgress);
    await helmOrFail(
        [
            "install",
            "argo-workflows",
            fixtureChart("argo-workflows"),
            ...localNodeValues("argo-workflows"),
            "--namespace",
            "argo",
            "--create-namespace",
        ]
            .concat(["--set", `controller.workflowNamespaces={${seed.workflowNamespace}}`])
            .concat(["--set", "workflow.serviceAccount.create=true", "--wait", "--timeout", "180s"]),
        echo,
    );
    await cluster.create({
        apiVersion: argoApi,
        kind: "WorkflowTemplate",
        metadata: { name: seed.workflowTemplate, namespace: seed.workflowNamespace },
        spec: {
            entrypoint: "train",
            serviceAccountName: "argo-workflow",
            arguments: { parameters: [{ name: "hold-seconds", value: "0" }] },
            templates: [
                {
                    name: "train",
                    container: {
                        image: trainingImage(),
                        command: ["sh", "-c", trainingStepScript],
                        env: [
                            { name: "MLFLOW_TRACKING_URI", value: seed.mlflowLoadBalancerUri },
                            { name: "HOLD_SECONDS", value: "{{workflow.parameters.hold-seconds}}" },
                        ],
                    },
                },
            ],
        },
    });
}

/**
 * The seed's training step, as far as the platform is concerned: it looks MLflow's host up (when
 * the URL names one, as a client library does), asks MLflow for its health and prints the
 * answer, then holds on for HOLD_SECONDS (so a test can watch it run). Any failure fails the step.
 */
export const trainingStepScript = [
    'url="$MLFLOW_TRACKING_URI"',
    'host="${url#*://}"',
    'host="${host%%[:/]*}"',
    'echo "MLFLOW_TRACKING_URI=$url"',
    'case "$host" in *[!0-9.]*) nslookup "$host" || exit 1 ;; esac',
    'timeout 20 wget -q -O - "$url/health" || exit 1',
    'sleep "${HOLD_SECONDS:-0}"',
].join("\n");

/**
 * What the platform team had in the workflow namespace when the seed's DNS failures began: egress
 * denied by default, destinations off the cluster allowed (the LAN, the API server at the node's
 * address), and no exception for DNS, the usual cause of "Temporary failure in name resolution".
 */
export const seedDenyEgress: KubernetesObject = {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "default-deny-egress", namespace: seed.workflowNamespace },
    spec: {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.42.0.0/16", "10.43.0.0/16"] } }] }],
    },
};

/**
 * A one-step Workflow whose step runs `script` in the training image, as a workflow author would
 * submit it; its name starts with `prefix`.
 */
export function scriptWorkflow(
    prefix: string,
    script: string,
    resources?: KubernetesObject,
): KubernetesObject {
    return {
        apiVersion: argoApi,
        kind: "Workflow",
        metadata: { generateName: `${prefix}-`, namespace: seed.workflowNamespace },
        spec: {
            entrypoint: "step",
            serviceAccountName: "argo-workflow",
            templates: [
                {
                    name: "step",
                    container: {
                        image: trainingImage(),
                        command: ["sh", "-c", script],
                        ...(resources ? { resources } : {}),
                    },
                },
            ],
        },
    };
}

/** Waits until the workflow ends, and returns it with its step pod's main container log. */
export async function finishedWorkflow(
    cluster: Cluster,
    name: string,
    timeoutMs = 120_000,
): Promise<{ workflow: KubernetesObject; log: string; pod?: KubernetesObject }> {
    const workflow = await cluster.waitFor(
        `workflow ${name} to end`,
        async () => {
            const current = await readWorkflow(cluster, name);
            return ["Succeeded", "Failed", "Error"].includes(current.status?.phase) ? current : undefined;
        },
        timeoutMs,
        async () => JSON.stringify((await readWorkflow(cluster, name)).status ?? {}),
    );
    const pod = (await cluster.list("v1", "Pod", seed.workflowNamespace)).find(
        (entry) => entry.metadata.labels?.["workflows.argoproj.io/workflow"] === name,
    );
    const log = pod
        ? await cluster.podLog(seed.workflowNamespace, pod.metadata.name, "main").catch(String)
        : "";
    return { workflow, log, pod };
}

/** `helm install ingress-nginx --set controller.service.loadBalancerIP=192.168.1.249`, as it was done. */
export async function installSeedIngress(echo = false, wait = true): Promise<void> {
    await helmOrFail(
        [
            "install",
            "ingress-nginx",
            fixtureChart("ingress-nginx"),
            ...localNodeValues("ingress-nginx"),
            "--namespace",
            "ingress-nginx",
            "--create-namespace",
        ]
            .concat(["--set", `controller.service.loadBalancerIP=${seed.ingressAddress}`])
            .concat(wait ? ["--wait", "--timeout", "180s"] : []),
        echo,
    );
}

/**
 * A second ingress-nginx release, installed as the seed installed the first: `helm install
 * ingress-nginx ... --set controller.service.loadBalancerIP=192.168.1.249`, in a namespace of its own.
 */
export const secondIngress = {
    release: "ingress-nginx",
    namespace: "ingress-lab",
    service: "ingress-nginx-controller",
    args: [
        "install",
        "ingress-nginx",
        fixtureChart("ingress-nginx"),
        ...localNodeValues("ingress-nginx"),
        "--namespace",
        "ingress-lab",
        "--create-namespace",
        "--set",
        `controller.service.loadBalancerIP=${seed.ingressAddress}`,
        // A second release must not take the first one's cluster-wide names.
        "--set",
        "controller.ingressClassResource.name=lab",
        "--set",
        "controller.admissionWebhooks.enabled=false",
    ],
};

/** The LoadBalancer address MetalLB gave a Service, and the pool it says it came from. */
export interface Allocation {
    address?: string;
    pool?: string;
}

export function allocationOf(service: KubernetesObject): Allocation {
    return {
        address: service.status?.loadBalancer?.ingress?.[0]?.ip,
        pool: service.metadata?.annotations?.[allocatedFromPoolAnnotation],
    };
}

/** A LoadBalancer Service with no address request: MetalLB picks from an auto-assign pool. */
export function autoAssignService(name: string, namespace: string): KubernetesObject {
    return {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name, namespace },
        spec: { type: "LoadBalancer", selector: { app: name }, ports: [{ name: "http", port: 80 }] },
    };
}

/**
 * The fix the guard asks for after the migration: the seed's WorkflowTemplate reaches MLflow by its
 * cluster-DNS name, read from the `platform-endpoints` ConfigMap the platform publishes, not a
 * LoadBalancer IP.
 */
export async function pointTrainingTemplateAtServiceDns(cluster: Cluster): Promise<void> {
    const template = await cluster.read({
        apiVersion: argoApi,
        kind: "WorkflowTemplate",
        name: seed.workflowTemplate,
        namespace: seed.workflowNamespace,
    });
    const templates = template.spec.templates.map((entry: KubernetesObject) => ({
        ...entry,
        container: {
            ...entry.container,
            env: [
                {
                    name: "MLFLOW_TRACKING_URI",
                    valueFrom: {
                        configMapKeyRef: { name: "platform-endpoints", key: "MLFLOW_TRACKING_URI" },
                    },
                },
                ...entry.container.env.filter(
                    (variable: KubernetesObject) => variable.name !== "MLFLOW_TRACKING_URI",
                ),
            ],
        },
    }));
    await cluster.mergePatch(
        {
            apiVersion: argoApi,
            kind: "WorkflowTemplate",
            name: seed.workflowTemplate,
            namespace: seed.workflowNamespace,
        },
        { spec: { templates } },
        "kubectl-edit",
    );
}

/**
 * Submits a Workflow from the seed's WorkflowTemplate, as `argo submit --from
 * workflowtemplate/... -p hold-seconds=N` does: its step holds on for `holdSeconds` after MLflow
 * answered.
 */
export async function submitTrainingWorkflow(cluster: Cluster, holdSeconds = 0): Promise<string> {
    const workflow = await cluster.create({
        apiVersion: argoApi,
        kind: "Workflow",
        metadata: { generateName: `${seed.workflowTemplate}-`, namespace: seed.workflowNamespace },
        spec: {
            workflowTemplateRef: { name: seed.workflowTemplate },
            arguments: { parameters: [{ name: "hold-seconds", value: String(holdSeconds) }] },
        },
    });
    return workflow.metadata.name as string;
}

export async function readWorkflow(cluster: Cluster, name: string): Promise<KubernetesObject> {
    return cluster.read({ apiVersion: argoApi, kind: "Workflow", name, namespace: seed.workflowNamespace });
}

export { ensureNamespace };
