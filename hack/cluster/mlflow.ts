// MLflow, which the stack does not manage, played by a stand-in: busybox's httpd in namespace
// `mlflow` behind Service `mlflow` on port 5000, answering `/health` with a line that names it.
// Workflow steps reach it by cluster DNS (the platform's endpoint) or, in the seed, at the
// LoadBalancer address the homelab gave it.

import { Cluster, ensureNamespace, KubernetesObject, statusCodeOf } from "./cluster";
import { metallbAnnotations } from "../../lib/metallb/annotations";

export const mlflow = {
    namespace: "mlflow",
    name: "mlflow",
    port: 5000,
    /** What the stand-in answers on /health. */
    answer: "mlflow stand-in: OK",
    /** The seed's LoadBalancer address of MLflow (the DNS workaround pointed workflows at it). */
    loadBalancerAddress: "192.168.1.203",
};

/** The image every node of the local cluster has (hack/node-images.sh). */
export const busyboxImage = "docker.io/library/busybox:1.35.0";

function standInObjects(loadBalancer: boolean): KubernetesObject[] {
    const labels = { "app.kubernetes.io/name": "mlflow", "homelab.test/stand-in": "mlflow" };
    return [
        {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: mlflow.name, namespace: mlflow.namespace, labels },
            spec: {
                replicas: 1,
                selector: { matchLabels: labels },
                template: {
                    metadata: { labels },
                    spec: {
                        containers: [
                            {
                                name: "mlflow",
                                image: busyboxImage,
                                command: [
                                    "sh",
                                    "-c",
                                    `mkdir -p /www && echo '${mlflow.answer}' >/www/health && ` +
                                        `exec httpd -f -v -p ${mlflow.port} -h /www`,
                                ],
                                ports: [{ name: "http", containerPort: mlflow.port }],
                                readinessProbe: {
                                    httpGet: { path: "/health", port: mlflow.port },
                                    periodSeconds: 2,
                                },
                            },
                        ],
                    },
                },
            },
        },
        {
            apiVersion: "v1",
            kind: "Service",
            metadata: {
                name: mlflow.name,
                namespace: mlflow.namespace,
                labels,
                ...(loadBalancer
                    ? { annotations: { [metallbAnnotations.loadBalancerIps[0]]: mlflow.loadBalancerAddress } }
                    : {}),
            },
            spec: {
                type: loadBalancer ? "LoadBalancer" : "ClusterIP",
                selector: labels,
                ports: [{ name: "http", port: mlflow.port, targetPort: mlflow.port }],
            },
        },
    ];
}

/**
 * Deploys the stand-in (unless it is there) and waits until it serves. `loadBalancer`: as the
 * seed's homelab had it, also at 192.168.1.203 from the general pool.
 */
export async function deployMlflowStandIn(cluster: Cluster, loadBalancer = false): Promise<void> {
    await ensureNamespace(cluster, mlflow.namespace);
    for (const object of standInObjects(loadBalancer)) {
        try {
            await cluster.create(object);
        } catch (error) {
            if (statusCodeOf(error) !== 409) {
                throw error;
            }
        }
    }
    await cluster.waitFor(
        "the MLflow stand-in to be ready",
        async () => {
            const deployment = await cluster.read({
                apiVersion: "apps/v1",
                kind: "Deployment",
                name: mlflow.name,
                namespace: mlflow.namespace,
            });
            return deployment.status?.readyReplicas === 1 ? true : undefined;
        },
        120_000,
    );
}
