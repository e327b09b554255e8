// The local stack against a real kube-apiserver, etcd and kube-controller-manager, through the real
// `pulumi` CLI. Run by scripts/integration.sh inside scripts/control-plane.sh, which provides
// KUBECONFIG. The tests share one cluster and one stack and run in order.

import * as assert from "assert";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { apiMessageOf, Cluster, KubernetesObject, statusCodeOf } from "./cluster";
import { policyPackArgs, PulumiWorkspace, repositoryRoot } from "./workspace";

const project = "homelab-platform";
const metallbVersion = "metallb.io/v1beta1";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Settings = any;

interface EngineEvent {
    sequence: number;
    resourcePreEvent?: { metadata: { urn: string; op: string } };
    resOutputsEvent?: { metadata: { urn: string; op: string } };
}

/** Engine events that `pulumi up --event-log FILE` wrote, one JSON object per line, in order. */
function readEventLog(file: string): EngineEvent[] {
    return fs
        .readFileSync(file, "utf8")
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => JSON.parse(line) as EngineEvent);
}

/** The pool's addresses as the API server stores them. */
async function poolAddresses(cluster: Cluster, name: string): Promise<string[]> {
    const pool = await cluster.read({
        apiVersion: metallbVersion,
        kind: "IPAddressPool",
        name,
        namespace: "metallb-system",
    });
    return pool.spec.addresses;
}

/** The executor section of the rendered workflow-controller-configmap, whichever layout the chart uses. */
function executorFrom(configMap: KubernetesObject): Settings {
    const data = configMap.data ?? {};
    if (data.executor !== undefined) {
        return yaml.load(data.executor);
    }
    return (yaml.load(data.config ?? "{}") as Settings).executor;
}

/** A pod shaped like the ones Argo v3.6.10 creates: init and wait from the executor, main from the template. */
function workflowPod(name: string, executorResources: Settings, mainResources: Settings): KubernetesObject {
    const executor = (container: string) => ({
        name: container,
        image: "quay.io/argoproj/argoexec:v3.6.10",
        ...(executorResources ? { resources: executorResources } : {}),
    });
    return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name, namespace: "seldon-system", labels: { "workflows.argoproj.io/workflow": name } },
        spec: {
            serviceAccountName: "argo-workflow",
            restartPolicy: "Never",
            initContainers: [executor("init")],
            containers: [
                executor("wait"),
                { name: "main", image: "python:3.12-slim", resources: mainResources },
            ],
        },
    };
}

describe("the local stack on a real control plane", function () {
    this.timeout(15 * 60 * 1000);
    const cluster = new Cluster();
    let workspace: PulumiWorkspace;

    before(async () => {
        workspace = await PulumiWorkspace.create({ programDirectory: repositoryRoot, stack: "local" });
    });

    after(() => workspace?.dispose());

    describe("bad settings", () => {
        afterEach(() => workspace.resetSettings());

        for (const command of ["preview", "up"] as const) {
            it(`pulumi ${command} fails with the validation message and creates nothing`, async () => {
                const metallb = workspace.getSetting<Settings>(project, "metallb");
                metallb.reservations[0].address = "192.168.1.300";
                const quotaNamespaces = workspace.getSetting<Settings>(project, "namespaces");
                quotaNamespaces["seldon-system"].limitRange.defaultRequest.cpu = "2";
                workspace.setSettings(project, { metallb, namespaces: quotaNamespaces });

                const result = command === "up" ? await workspace.up() : await workspace.preview();

                assert.notStrictEqual(result.code, 0);
                assert.ok(result.output.includes("Invalid stack settings (2 problems):"), result.output);
                assert.ok(
                    result.output.includes(
                        'metallb.reservations[0].address: "192.168.1.300" is not an IP address',
                    ),
                    result.output,
                );
                assert.ok(
                    result.output.includes(
                        'namespaces.seldon-system.limitRange.defaultRequest.cpu: "2" is greater than namespaces.seldon-system.limitRange.default.cpu "500m"',
                    ),
                    result.output,
                );
                const kubernetesResources = (await workspace.stateResourceTypes()).filter((type) =>
                    type.startsWith("kubernetes:"),
                );
                assert.deepStrictEqual(kubernetesResources, []);
                assert.strictEqual(
                    await cluster.find({ apiVersion: "v1", kind: "Namespace", name: "metallb-system" }),
                    undefined,
                );
            });
        }
    });

    describe("pulumi up", () => {
        let events: EngineEvent[];

        before(async () => {
            // Today's cluster: MetalLB is installed and `homelab-pool` spans the ingress IP.
            const crds = yaml.loadAll(
                fs.readFileSync(
                    path.join(repositoryRoot, "test/fixtures/charts/metallb/charts/crds/templates/crds.yaml"),
                    "utf8",
                ),
            ) as KubernetesObject[];
            await cluster.create({
                apiVersion: "v1",
                kind: "Namespace",
                metadata: { name: "metallb-system" },
            });
            for (const crd of crds.filter((object) => object?.kind === "CustomResourceDefinition")) {
                await cluster.create(crd);
            }
            // Established is not enough: API discovery may lag behind it for a moment.
            await cluster.waitFor("the IPAddressPool CRD to be served", async () => {
                try {
                    return await cluster.list(metallbVersion, "IPAddressPool", "metallb-system");
                } catch {
                    return undefined;
                }
            });
            await cluster.create({
                apiVersion: metallbVersion,
                kind: "IPAddressPool",
                metadata: { name: "homelab-pool", namespace: "metallb-system" },
                spec: { addresses: ["192.168.1.200-192.168.1.250"] },
            });
            const eventLog = path.join(path.dirname(workspace.directory), "up-events.json");
            const result = await workspace.up(["--event-log", eventLog]);
            assert.strictEqual(result.code, 0, result.output);
            events = readEventLog(eventLog);
        });

        it("adopts the hand-made homelab-pool and shrinks it around the ingress IP", async () => {
            assert.deepStrictEqual(await poolAddresses(cluster, "homelab-pool"), [
                "192.168.1.200-192.168.1.248",
                "192.168.1.250/32",
            ]);
            const ingressPool = await cluster.read({
                apiVersion: metallbVersion,
                kind: "IPAddressPool",
                name: "ingress-pool",
                namespace: "metallb-system",
            });
            // avoidBuggyIPs: false is the CRD schema's default, filled in by the API server.
            assert.deepStrictEqual(ingressPool.spec, {
                addresses: ["192.168.1.249/32"],
                autoAssign: false,
                avoidBuggyIPs: false,
            });
        });

        it("shrinks homelab-pool before it creates ingress-pool", () => {
            const shrinkDone = events.find(
                (event) =>
                    event.resOutputsEvent?.metadata.urn.endsWith("homelab-pool") &&
                    event.resOutputsEvent.metadata.op !== "same",
            );
            const reservedStarts = events.find(
                (event) =>
                    event.resourcePreEvent?.metadata.urn.endsWith("ingress-pool") &&
                    event.resourcePreEvent.metadata.op === "create",
            );
            // Pulumi creates its record of the adopted pool; the API server sees the shrink.
            assert.ok(shrinkDone, "no operation on homelab-pool in the event log");
            assert.ok(reservedStarts, "no create of ingress-pool in the event log");
            assert.ok(
                shrinkDone.sequence < reservedStarts.sequence,
                "ingress-pool was created before homelab-pool shrank",
            );
        });

        it("announces every pool", async () => {
            const advertisements = await cluster.list(metallbVersion, "L2Advertisement", "metallb-system");
            assert.deepStrictEqual(
                advertisements.map((advertisement) => advertisement.spec.ipAddressPools),
                [["homelab-pool", "ingress-pool"]],
            );
        });

        it("requests the reserved IP for the ingress Service by annotation", async () => {
            const services = await cluster.list("v1", "Service", "ingress-nginx");
            const loadBalancers = services.filter((service) => service.spec.type === "LoadBalancer");
            assert.strictEqual(loadBalancers.length, 1);
            const [service] = loadBalancers;
            assert.strictEqual(service.metadata.annotations["metallb.io/loadBalancerIPs"], "192.168.1.249");
            assert.strictEqual(service.metadata.annotations["metallb.io/address-pool"], "ingress-pool");
            assert.strictEqual(service.spec.loadBalancerIP, undefined);
        });

        it("gives Argo's executor requests and limits in the controller config", async () => {
            const configMaps = await cluster.list("v1", "ConfigMap", "argo");
            const controllerConfig = configMaps.find((configMap) =>
                configMap.metadata.name.endsWith("workflow-controller-configmap"),
            );
            assert.ok(controllerConfig, "no workflow-controller-configmap in namespace argo");
            assert.deepStrictEqual(executorFrom(controllerConfig).resources, {
                requests: { cpu: "100m", memory: "128Mi" },
                limits: { cpu: "500m", memory: "256Mi" },
            });
        });

        it("restores the quota and adds a LimitRange in seldon-system", async () => {
            const quota = await cluster.read({
                apiVersion: "v1",
                kind: "ResourceQuota",
                name: "seldon-system-quota",
                namespace: "seldon-system",
            });
            assert.deepStrictEqual(quota.spec.hard, {
                "limits.memory": "32Gi",
                pods: "100",
                "requests.cpu": "8",
                "requests.memory": "16Gi",
            });
            const limitRanges = await cluster.list("v1", "LimitRange", "seldon-system");
            assert.deepStrictEqual(
                limitRanges.map((limitRange) => limitRange.spec.limits),
                [
                    [
                        {
                            type: "Container",
                            default: { cpu: "500m", memory: "256Mi" },
                            defaultRequest: { cpu: "100m", memory: "128Mi" },
                            max: { cpu: "4", memory: "8Gi" },
                        },
                    ],
                ],
            );
        });

        it("allows DNS egress to kube-dns from seldon-system", async () => {
            const policies = await cluster.list("networking.k8s.io/v1", "NetworkPolicy", "seldon-system");
            const dns = policies.find((policy) =>
                (policy.spec.egress ?? []).some((rule: Settings) =>
                    (rule.ports ?? []).some((port: Settings) => port.port === 53),
                ),
            );
            assert.ok(
                dns,
                `no DNS egress policy among ${policies.map((policy) => policy.metadata.name).join(", ")}`,
            );
            assert.deepStrictEqual(dns.spec.egress, [
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
            ]);
        });

        it("publishes MLflow's cluster-DNS address to workflows and as a stack output", async () => {
            const configMaps = await cluster.list("v1", "ConfigMap", "seldon-system");
            const endpoints = configMaps.find(
                (configMap) => configMap.data?.MLFLOW_TRACKING_URI !== undefined,
            );
            assert.ok(endpoints, "no ConfigMap with MLFLOW_TRACKING_URI in seldon-system");
            assert.strictEqual(
                endpoints.data.MLFLOW_TRACKING_URI,
                "http://mlflow.mlflow.svc.cluster.local:5000",
            );
            const outputs = await workspace.outputs();
            assert.strictEqual(outputs.mlflowTrackingUri, "http://mlflow.mlflow.svc.cluster.local:5000");
            assert.strictEqual(outputs.ingressAddress, "192.168.1.249");
        });

        it("creates the DNS probe Job for every platform service name", async () => {
            const jobs = await cluster.list("batch/v1", "Job", "seldon-system");
            assert.strictEqual(jobs.length, 1);
            const script = JSON.stringify(jobs[0].spec.template.spec.containers[0]);
            assert.ok(script.includes("mlflow.mlflow.svc.cluster.local"), script);
            assert.ok(script.includes("kubernetes.default.svc.cluster.local"), script);
        });
    });

    describe("idempotence", () => {
        it("pulumi preview --expect-no-changes passes right after up", async () => {
            const result = await workspace.preview(["--expect-no-changes"]);
            assert.strictEqual(result.code, 0, result.output);
        });

        it("pulumi refresh --expect-no-changes passes right after up", async () => {
            const result = await workspace.pulumi(["refresh", "--yes", "--expect-no-changes"]);
            assert.strictEqual(result.code, 0, result.output);
        });
    });

    describe("the seed's quota failure, for real", () => {
        const executorResources = {
            requests: { cpu: "100m", memory: "128Mi" },
            limits: { cpu: "500m", memory: "256Mi" },
        };
        const mainResources = {
            requests: { cpu: "250m", memory: "512Mi" },
            limits: { cpu: "1", memory: "1Gi" },
        };

        before(async () => {
            // Quota admission reads status.hard, which kube-controller-manager fills in.
            await cluster.waitFor("seldon-system-quota status", async () => {
                const quota = await cluster.read({
                    apiVersion: "v1",
                    kind: "ResourceQuota",
                    name: "seldon-system-quota",
                    namespace: "seldon-system",
                });
                return quota.status?.hard?.["requests.cpu"];
            });
        });

        afterEach(async () => {
            for (const pod of await cluster.list("v1", "Pod", "seldon-system")) {
                await cluster.delete({
                    apiVersion: "v1",
                    kind: "Pod",
                    name: pod.metadata.name,
                    namespace: "seldon-system",
                });
            }
        });

        it("admits an Argo v3.6.10 pod with the executor resources from the rendered controller config", async () => {
            const configMaps = await cluster.list("v1", "ConfigMap", "argo");
            const controllerConfig = configMaps.find((configMap) =>
                configMap.metadata.name.endsWith("workflow-controller-configmap"),
            );
            const pod = await cluster.create(
                workflowPod(
                    "with-executor-resources",
                    executorFrom(controllerConfig!).resources,
                    mainResources,
                ),
            );
            assert.deepStrictEqual(pod.spec.initContainers[0].resources, executorResources);
        });

        it("admits a pod whose init and wait declare nothing, because the LimitRange fills them", async () => {
            const pod = await cluster.create(workflowPod("limitrange-defaults", undefined, mainResources));
            assert.deepStrictEqual(pod.spec.initContainers[0].resources, {
                requests: { cpu: "100m", memory: "128Mi" },
                limits: { cpu: "500m", memory: "256Mi" },
            });
        });

        it("rejects that pod with the seed's error once the LimitRange is gone, and pulumi up --refresh restores it", async () => {
            const [limitRange] = await cluster.list("v1", "LimitRange", "seldon-system");
            await cluster.delete({
                apiVersion: "v1",
                kind: "LimitRange",
                name: limitRange.metadata.name,
                namespace: "seldon-system",
            });
            try {
                await cluster.create(workflowPod("no-executor-resources", undefined, mainResources));
                assert.fail("the pod was admitted without a LimitRange");
            } catch (error) {
                assert.strictEqual(statusCodeOf(error), 403, String(error));
                assert.ok(
                    apiMessageOf(error).endsWith(
                        "failed quota: seldon-system-quota: must specify limits.memory for: init,wait; requests.cpu for: init,wait; requests.memory for: init,wait",
                    ),
                    apiMessageOf(error),
                );
            }
            const result = await workspace.up(["--refresh"]);
            assert.strictEqual(result.code, 0, result.output);
            assert.strictEqual((await cluster.list("v1", "LimitRange", "seldon-system")).length, 1);
        });
    });

    describe("the policy pack", () => {
        it("passes pulumi preview --policy-pack on the local stack, with no changes", async () => {
            const result = await workspace.preview(["--expect-no-changes", ...policyPackArgs()]);
            assert.strictEqual(result.code, 0, result.output);
            assert.ok(!/mandatory/i.test(result.output), result.output);
        });
    });
});
