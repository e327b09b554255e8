// The local stack on a fresh cluster, through the real `pulumi` CLI: the real MetalLB controller
// validates the pools with its webhook and hands out the ingress address, Argo's workflow-controller
// runs with the chart-rendered configuration, and the provider waits for all of it to be ready.
// The fresh-cluster suite's first file (hack/integration.sh): the files after it use the cluster and
// stack it leaves.

import * as assert from "assert";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { apiMessageOf, Cluster, KubernetesObject, statusCodeOf } from "../../hack/cluster/cluster";
import { waitForGuard } from "./guard";
import { deployMlflowStandIn } from "../../hack/cluster/mlflow";
import { nodeAddress, reachApiServerAndKubelet } from "./reach";
import { allocationOf, metallbApi, quotaReference, seed } from "../../hack/cluster/seed";
import { localStack, policyPackArgs, PulumiWorkspace, repositoryRoot } from "../../hack/cluster/workspace";
import { Editable } from "../harness/stackConfig";

const project = "homelab-platform";

/** The controller configuration the chart rendered into workflow-controller-configmap. */
async function argoControllerConfig(cluster: Cluster): Promise<Editable> {
    const configMaps = await cluster.list("v1", "ConfigMap", "argo");
    const configMap = configMaps.find((entry) =>
        entry.metadata.name.endsWith("workflow-controller-configmap"),
    );
    assert.ok(configMap, "no workflow-controller-configmap in namespace argo");
    return yaml.load(configMap.data?.config ?? "{}");
}

/** A pod whose container declares no resources. */
function podDeclaringNothing(name: string): KubernetesObject {
    return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name, namespace: seed.workflowNamespace },
        spec: { restartPolicy: "Never", containers: [{ name: "main", image: "busybox:1.37.0" }] },
    };
}

describe("the local stack on a fresh cluster", function () {
    const cluster = new Cluster();
    let workspace: PulumiWorkspace;

    before(async () => {
        workspace = await localStack();
        // The DNS probe resolves MLflow's name: the service must exist, as it does on the homelab.
        await deployMlflowStandIn(cluster);
    });

    describe("pulumi up", () => {
        before(async () => {
            const result = await workspace.up();
            assert.strictEqual(result.code, 0, result.output);
        });

        it("announces every pool", async () => {
            const advertisements = await cluster.list(metallbApi, "L2Advertisement", "metallb-system");
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
            // The provider waited for it: MetalLB had allocated the address before `up` returned.
            assert.deepStrictEqual(allocationOf(service), {
                address: seed.ingressAddress,
                pool: "ingress-pool",
            });
        });

        it("sent the pools once MetalLB's webhook was serving, and it accepted them", async () => {
            const pools = await cluster.list(metallbApi, "IPAddressPool", "metallb-system");
            assert.deepStrictEqual(
                pools.map((pool) => [pool.metadata.name, pool.spec.addresses]),
                [
                    ["homelab-pool", ["192.168.1.200-192.168.1.248", "192.168.1.250/32"]],
                    ["ingress-pool", ["192.168.1.249/32"]],
                ],
            );
            const configuration = await cluster.read({
                apiVersion: "admissionregistration.k8s.io/v1",
                kind: "ValidatingWebhookConfiguration",
                name: "metallb-webhook-configuration",
            });
            const poolWebhook = configuration.webhooks.find(
                (webhook: Editable) => webhook.name === "ipaddresspoolvalidationwebhook.metallb.io",
            );
            assert.strictEqual(poolWebhook.failurePolicy, "Fail");
            assert.ok(poolWebhook.clientConfig.caBundle, "MetalLB never patched its CA bundle in");
        });

        it("MetalLB's webhook refuses a hand-made pool that overlaps ingress-pool, though it copies the reserved pools' label", async () => {
            // autoAssign off, so that the admission guard (which runs first) has nothing to say:
            // the refusal is MetalLB's own. Only the stack's reserved pools, by name, skip it.
            const copy = {
                apiVersion: metallbApi,
                kind: "IPAddressPool",
                metadata: {
                    name: "copied-label-pool",
                    namespace: "metallb-system",
                    labels: { "homelab-platform/reserved-pool": "true" },
                },
                spec: { addresses: ["192.168.1.249/32"], autoAssign: false },
            };
            try {
                await cluster.create(copy);
            } catch (error) {
                assert.strictEqual(
                    apiMessageOf(error),
                    'admission webhook "ipaddresspoolvalidationwebhook.metallb.io" denied the request: ' +
                        'CIDR "192.168.1.249/32" in pool "copied-label-pool" overlaps with already defined CIDR "192.168.1.249/32"',
                );
                return;
            }
            await cluster.deleteIfPresent({ ...copy, ...copy.metadata });
            assert.fail("MetalLB's webhook accepted an overlapping pool");
        });

        it("makes ingress-nginx's admission certificate, which the chart's dropped hooks would have made", async () => {
            const secret = await cluster.read({
                apiVersion: "v1",
                kind: "Secret",
                name: "ingress-nginx-admission",
                namespace: "ingress-nginx",
            });
            assert.deepStrictEqual(Object.keys(secret.data).sort(), ["ca", "cert", "key"]);
            const configuration = await cluster.read({
                apiVersion: "admissionregistration.k8s.io/v1",
                kind: "ValidatingWebhookConfiguration",
                name: "ingress-nginx-admission",
            });
            assert.strictEqual(configuration.webhooks[0].clientConfig.caBundle, secret.data.ca);
            const pods = await cluster.list("v1", "Pod", "ingress-nginx");
            const controller = pods.find(
                (pod) => pod.metadata.labels?.["app.kubernetes.io/component"] === "controller",
            );
            assert.ok(
                controller,
                `no controller pod among ${pods.map((pod) => pod.metadata.name).join(", ")}`,
            );
            assert.strictEqual(controller.status.phase, "Running");
        });

        it("gives Argo's executor and main containers requests, limits and the pull policy from the settings", async () => {
            const config = await argoControllerConfig(cluster);
            assert.deepStrictEqual(config.executor, {
                imagePullPolicy: "IfNotPresent",
                resources: {
                    requests: { cpu: "100m", memory: "128Mi" },
                    limits: { cpu: "500m", memory: "256Mi" },
                },
            });
            assert.deepStrictEqual(config.mainContainer, {
                imagePullPolicy: "IfNotPresent",
                resources: {
                    requests: { cpu: "250m", memory: "512Mi" },
                    limits: { cpu: "1", memory: "1Gi" },
                },
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
                (policy.spec.egress ?? []).some((rule: Editable) =>
                    (rule.ports ?? []).some((port: Editable) => port.port === 53),
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

        it("runs the DNS probe Job, which resolves every platform service name under the egress rules", async () => {
            const jobs = await cluster.list("batch/v1", "Job", "seldon-system");
            assert.strictEqual(jobs.length, 1);
            // The provider waited for the Job to complete.
            assert.strictEqual(jobs[0].status.succeeded, 1);
            const pod = (await cluster.list("v1", "Pod", "seldon-system")).find(
                (entry) => entry.metadata.labels?.["job-name"] === jobs[0].metadata.name,
            );
            assert.ok(pod, "the probe's pod is gone");
            assert.deepStrictEqual(
                (await cluster.podLog("seldon-system", pod.metadata.name)).trim().split("\n"),
                ["resolved mlflow.mlflow.svc.cluster.local", "resolved kubernetes.default.svc.cluster.local"],
            );
        });
    });

    describe("workflow pods' egress", () => {
        it("lets a workflow step reach the API server, and keeps the kubelet on the node's address (network.nodeAddresses) closed", async () => {
            const { phase, log } = await reachApiServerAndKubelet(cluster);
            // The executor's wait container reports the step to the API server: Succeeded needs it.
            assert.strictEqual(phase, "Succeeded", log);
            const lines = log.trim().split("\n");
            assert.match(lines[0], /^kubernetes\.default\.svc 443: HTTP\/1\.0 400 Bad Request/, log);
            assert.ok(lines[1].startsWith(`${nodeAddress} 10250: `), log);
            assert.doesNotMatch(lines[1], /HTTP\//, log);
        });
    });

    describe("idempotence", () => {
        it("pulumi preview --expect-no-changes passes right after up", async () => {
            const result = await workspace.preview(["--expect-no-changes"]);
            assert.strictEqual(result.code, 0, result.output);
        });

        it("manages every Kubernetes object with one provider, the SDK's versioned default", async () => {
            // Charts' objects are registered by the provider itself; they share the program's
            // provider only when the language host finds the SDK's version from the program's
            // directory. Otherwise they get an unversioned default, and each object moves to the
            // versioned one (a replacement for some kinds) the first time the program touches it.
            const export_ = await workspace.pulumiOrFail(["stack", "export"]);
            const resources = JSON.parse(export_.stdout).deployment.resources as {
                type: string;
                urn: string;
            }[];
            const providers = resources
                .filter((resource) => resource.type === "pulumi:providers:kubernetes")
                .map((resource) => resource.urn.split("::").pop());
            const sdkManifest = path.join(
                repositoryRoot,
                "node_modules",
                "@pulumi",
                "kubernetes",
                "package.json",
            );
            const sdkVersion = (JSON.parse(fs.readFileSync(sdkManifest, "utf8")) as { version: string })
                .version;
            assert.deepStrictEqual(providers, [`default_${sdkVersion.replace(/\./g, "_")}`]);
        });

        it("configures that provider from Pulumi.yaml: ConfigMaps in place, a throttle a whole refresh fits in", async () => {
            const project = yaml.load(fs.readFileSync(path.join(repositoryRoot, "Pulumi.yaml"), "utf8")) as {
                config: Record<string, unknown>;
            };
            const export_ = await workspace.pulumiOrFail(["stack", "export"]);
            const provider = (
                JSON.parse(export_.stdout).deployment.resources as {
                    type: string;
                    inputs: Record<string, string>;
                }[]
            ).find((resource) => resource.type === "pulumi:providers:kubernetes")!;
            assert.strictEqual(provider.inputs.enableConfigMapMutable, "true");
            const { value } = project.config["kubernetes:kubeClientSettings"] as { value: unknown };
            assert.deepStrictEqual(JSON.parse(provider.inputs.kubeClientSettings), value);
        });

        it("pulumi refresh --expect-no-changes passes right after up", async () => {
            const result = await workspace.pulumi(["refresh", "--yes", "--expect-no-changes"]);
            assert.strictEqual(result.code, 0, result.output);
        });
    });

    describe("F5's nginx-ingress chart, read from a local path on a machine without internet", () => {
        afterEach(() => workspace.resetSettings());

        it("previews the switch from a copy of the chart without the remote $refs of its values schema", async () => {
            const ingress = workspace.getSetting<Editable>(project, "ingress");
            workspace.setSettings(project, {
                ingress: { ...ingress, controller: "nginx-ingress", releaseName: "nginx-ingress" },
            });

            const result = await workspace.preview();

            assert.strictEqual(result.code, 0, result.output);
            // The API server refuses to change an IngressClass's controller: it is replaced.
            assert.match(
                result.output,
                /IngressClass ingress-chart:nginx replace \[diff: ~metadata,spec\]/,
                linesAbout(result.output, /IngressClass|error|warning/),
            );
            assert.match(
                result.output,
                /chart test\/fixtures\/charts\/nginx-ingress: values.schema.json refers to 2 remote definitions, which Helm would download on every render; rendering from a copy without them/,
            );
        });
    });

    describe("the LimitRange, for real", () => {
        before(async () => {
            // Quota admission reads status.hard, which kube-controller-manager fills in.
            await cluster.waitFor("seldon-system-quota status", async () => {
                const quota = await cluster.read(quotaReference);
                return quota.status?.hard?.["requests.cpu"];
            });
        });

        afterEach(async () => {
            for (const pod of await cluster.list("v1", "Pod", seed.workflowNamespace)) {
                await cluster.deleteIfPresent({
                    apiVersion: "v1",
                    kind: "Pod",
                    name: pod.metadata.name,
                    namespace: seed.workflowNamespace,
                });
            }
        });

        it("admits a pod that declares nothing, filled in from the LimitRange's defaults", async () => {
            const pod = await cluster.create(podDeclaringNothing("declares-nothing"));
            assert.deepStrictEqual(pod.spec.containers[0].resources, {
                requests: { cpu: "100m", memory: "128Mi" },
                limits: { cpu: "500m", memory: "256Mi" },
            });
        });

        it("rejects that pod with the seed's error once the LimitRange is gone, and pulumi up --refresh restores it", async () => {
            const [limitRange] = await cluster.list("v1", "LimitRange", seed.workflowNamespace);
            const reference = {
                apiVersion: "v1",
                kind: "LimitRange",
                name: limitRange.metadata.name,
                namespace: seed.workflowNamespace,
            };
            // The admission guard refuses to delete it; its way out, Warn, lets it go with a warning.
            await assert.rejects(cluster.delete(reference), (error: unknown) => statusCodeOf(error) === 403);
            workspace.setSettings(project, { admissionGuard: { validationActions: ["Warn"] } });
            const warn = await workspace.up();
            assert.strictEqual(warn.code, 0, warn.output);
            await waitForGuard(cluster, "Warn");
            await cluster.deleteAsKubectl(reference);
            try {
                await cluster.create(podDeclaringNothing("no-defaults"));
                assert.fail("the pod was admitted without a LimitRange");
            } catch (error) {
                assert.strictEqual(statusCodeOf(error), 403, String(error));
                assert.ok(
                    apiMessageOf(error).endsWith(
                        "failed quota: seldon-system-quota: must specify limits.memory for: main; requests.cpu for: main; requests.memory for: main",
                    ),
                    apiMessageOf(error),
                );
            }
            workspace.resetSettings();
            const result = await workspace.up(["--refresh"]);
            assert.strictEqual(result.code, 0, result.output);
            assert.strictEqual((await cluster.list("v1", "LimitRange", seed.workflowNamespace)).length, 1);
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

/** The lines of a CLI output that match `pattern`: what a failed assertion prints of a long preview. */
function linesAbout(output: string, pattern: RegExp): string {
    return output
        .split("\n")
        .filter((line) => pattern.test(line))
        .join("\n");
}
