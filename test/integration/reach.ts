// Reaching the API server and the kubelet from a workflow step: what the egress rules let through.

import { Cluster } from "../../hack/cluster/cluster";
import { finishedWorkflow, scriptWorkflow } from "../../hack/cluster/seed";

/** The local node's LAN address (hack/control-plane.sh), which Pulumi.local.yaml's network.nodeAddresses holds. */
export const nodeAddress = "192.168.1.10";

/**
 * A workflow step that sends a plain HTTP request to the API server (by its Service name, or at
 * `apiServer`) and to the kubelet (on the node's address) with busybox's nc, and prints the first
 * line of each answer: each is a Go TLS server, which answers plain HTTP with `HTTP/1.0 400 Bad
 * Request`; a connection the egress rules stop gets no answer.
 */
export async function reachApiServerAndKubelet(
    cluster: Cluster,
    apiServer = "kubernetes.default.svc",
): Promise<{ phase: string; log: string }> {
    const script = [
        `for target in "${apiServer} 443" "${nodeAddress} 10250"; do`,
        "  answer=$(printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 5 $target 2>&1 | head -1)",
        '  echo "$target: $answer"',
        "done",
    ].join("\n");
    const created = await cluster.create(scriptWorkflow("reach", script));
    const { workflow, log } = await finishedWorkflow(cluster, created.metadata.name);
    return { phase: workflow.status.phase, log };
}
