// "When things go wrong" in docs/operating.md, step by step on the real CLI: a field another manager took
// on a chart's object, ingress-nginx's admission certificate lost, and a cluster that cannot be
// reached. (A killed update is in killedUpdate.test.ts, which needs a stack that is not converged
// yet.)

import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { apiMessageOf, Cluster, KubernetesObject } from "../../hack/cluster/cluster";
import { localStack, PulumiWorkspace } from "../../hack/cluster/workspace";

const ingressController = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    name: "ingress-nginx-controller",
    namespace: "ingress-nginx",
};

const admissionSecret = {
    apiVersion: "v1",
    kind: "Secret",
    name: "ingress-nginx-admission",
    namespace: "ingress-nginx",
};
const admissionWebhook = {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingWebhookConfiguration",
    name: "ingress-nginx-admission",
};

/** An Ingress in an ungoverned namespace, which ingress-nginx's webhook judges on create. */
function probeIngress(name: string): KubernetesObject {
    return {
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: { name, namespace: "default" },
        spec: {
            ingressClassName: "nginx",
            rules: [
                {
                    host: `${name}.homelab.test`,
                    http: {
                        paths: [
                            {
                                path: "/",
                                pathType: "Prefix",
                                backend: { service: { name: "kubernetes", port: { number: 443 } } },
                            },
                        ],
                    },
                },
            ],
        },
    };
}

describe("when things go wrong", function () {
    const cluster = new Cluster();
    let workspace: PulumiWorkspace;

    before(async () => {
        workspace = await localStack();
    });

    describe("a field of a chart's object changed by another field manager", () => {
        before(async () => {
            // What `kubectl edit` does: an update that takes the field over from the stack.
            await cluster.mergePatch(
                ingressController,
                { spec: { revisionHistoryLimit: 3 } },
                "kubectl-edit",
            );
        });

        it("pulumi preview and pulumi up name the conflict, the field and the other manager, and change nothing", async () => {
            for (const result of [await workspace.preview(), await workspace.up()]) {
                assert.notStrictEqual(result.code, 0, result.output);
                assert.ok(
                    result.output.includes(
                        'The resource managed by field manager "homelab-platform" had an apply conflict: Apply failed ' +
                            'with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.revisionHistoryLimit',
                    ),
                    result.output,
                );
            }
            assert.strictEqual((await cluster.read(ingressController)).spec.revisionHistoryLimit, 3);
        });

        it("pulumi up with PULUMI_K8S_ENABLE_PATCH_FORCE=true takes the field back", async () => {
            const result = await workspace.up([], { PULUMI_K8S_ENABLE_PATCH_FORCE: "true" });
            assert.strictEqual(result.code, 0, result.output);
            assert.strictEqual((await cluster.read(ingressController)).spec.revisionHistoryLimit, 10);
            const again = await workspace.preview(["--expect-no-changes"]);
            assert.strictEqual(again.code, 0, again.output);
        });
    });

    describe("ingress-nginx's admission certificate deleted", () => {
        const probes: string[] = [];
        let refusal = "";

        /** Creates a probe Ingress; the API server's message when the webhook refuses it. */
        async function createIngress(): Promise<string | undefined> {
            const name = `recovery-probe-${probes.length}`;
            try {
                await cluster.create(probeIngress(name));
                probes.push(name);
                return undefined;
            } catch (error) {
                return apiMessageOf(error);
            }
        }

        after(async () => {
            for (const name of probes) {
                await cluster.deleteIfPresent({
                    apiVersion: "networking.k8s.io/v1",
                    kind: "Ingress",
                    name,
                    namespace: "default",
                });
            }
        });

        it("goes unnoticed until the controller's pod restarts; then the pod waits for the Secret and the webhook refuses every Ingress", async () => {
            await cluster.delete(admissionSecret);
            assert.strictEqual(
                await createIngress(),
                undefined,
                "the running controller still serves its certificate",
            );
            const restarted = new Set<string>();
            for (const pod of await cluster.list("v1", "Pod", "ingress-nginx")) {
                if (pod.metadata.labels?.["app.kubernetes.io/component"] === "controller") {
                    restarted.add(pod.metadata.name);
                    await cluster.delete({
                        apiVersion: "v1",
                        kind: "Pod",
                        name: pod.metadata.name,
                        namespace: "ingress-nginx",
                    });
                }
            }
            // The new pod's mount failures: kubelet retries a mount and reports each failure as an
            // event. The deleted pods' events are left out: the first pod's own start, before the
            // certificate Job ran, may have reported the same missing Secret. Under load a volume
            // may first fail for a moment for another reason ("failed to sync configmap cache"):
            // the wait is for the failure that names the missing Secret.
            const mountFailures = async () => {
                const messages: string[] = [];
                const pods = await cluster.list("v1", "Pod", "ingress-nginx");
                for (const pod of pods.filter((candidate) => !restarted.has(candidate.metadata.name))) {
                    const events = await cluster.eventsFor({
                        apiVersion: "v1",
                        kind: "Pod",
                        name: pod.metadata.name,
                        namespace: "ingress-nginx",
                    });
                    messages.push(
                        ...events
                            .filter((event) => event.reason === "FailedMount")
                            .map((event) => String(event.message)),
                    );
                }
                return messages;
            };
            await cluster.waitFor(
                'the new controller pod to report: secret "ingress-nginx-admission" not found',
                async () =>
                    (await mountFailures()).some(
                        (message) =>
                            message.includes('volume "webhook-cert"') &&
                            message.includes('secret "ingress-nginx-admission" not found'),
                    )
                        ? true
                        : undefined,
                120_000,
                async () => `FailedMount events: ${JSON.stringify(await mountFailures())}`,
            );
            refusal = await cluster.waitFor(
                "the webhook to refuse an Ingress",
                async () => createIngress(),
                60_000,
            );
            assert.match(refusal, /failed calling webhook "validate\.nginx\.ingress\.kubernetes\.io"/);
        });

        it("pulumi up --replace on the two certificate Jobs makes a new certificate, puts its CA in the webhook, and Ingresses are admitted again", async () => {
            assert.ok(refusal, "the previous test did not break the webhook");
            const state = JSON.parse((await workspace.pulumiOrFail(["stack", "export"])).stdout) as {
                deployment: { resources: { urn: string; type: string }[] };
            };
            const jobs = state.deployment.resources
                .filter(
                    (resource) =>
                        resource.type === "kubernetes:batch/v1:Job" &&
                        /::ingress-admission-(create|patch)$/.test(resource.urn),
                )
                .map((resource) => resource.urn);
            assert.deepStrictEqual(jobs.map((urn) => urn.replace(/^urn:pulumi:local::/, "")).sort(), [
                "homelab-platform::homelab:platform:IngressController$homelab:platform:IngressAdmissionCertificate$kubernetes:batch/v1:Job::ingress-admission-create",
                "homelab-platform::homelab:platform:IngressController$homelab:platform:IngressAdmissionCertificate$kubernetes:batch/v1:Job::ingress-admission-patch",
            ]);
            const result = await workspace.up(jobs.flatMap((urn) => ["--replace", urn]));
            assert.strictEqual(result.code, 0, result.output);
            const secret = await cluster.read(admissionSecret);
            const webhook = await cluster.read(admissionWebhook);
            assert.strictEqual(webhook.webhooks[0].clientConfig.caBundle, secret.data.ca);
            const admitted = await cluster.waitFor(
                "the webhook to admit an Ingress again",
                async () => ((await createIngress()) === undefined ? true : undefined),
                180_000,
            );
            assert.ok(admitted);
            const again = await workspace.preview(["--expect-no-changes"]);
            assert.strictEqual(again.code, 0, again.output);
        });
    });

    describe("a cluster that cannot be reached", () => {
        let unreachable: string;

        before(() => {
            // The same kubeconfig, pointed at a port nothing listens on.
            unreachable = path.join(path.dirname(workspace.directory), "unreachable.kubeconfig");
            const kubeconfig = fs.readFileSync(process.env.KUBECONFIG!, "utf8");
            fs.writeFileSync(
                unreachable,
                kubeconfig.replace(/server: https:\/\/127\.0\.0\.1:\d+/, "server: https://127.0.0.1:9"),
            );
        });

        it("pulumi preview and pulumi up stop on the refresh, say the cluster is unreachable, and keep the state", async () => {
            const before = await workspace.stateResourceTypes();
            for (const command of [["preview"], ["up", "--yes"]]) {
                const result = await workspace.pulumi(command, { KUBECONFIG: unreachable });
                assert.notStrictEqual(result.code, 0, result.output);
                assert.ok(
                    result.output.includes(
                        "configured Kubernetes cluster is unreachable: unable to load schema information from the " +
                            'API server: Get "https://127.0.0.1:9/openapi/v2?timeout=32s"',
                    ),
                    result.output,
                );
                assert.ok(
                    result.output.includes("failed to read resource state due to unreachable cluster"),
                    result.output,
                );
            }
            assert.deepStrictEqual(await workspace.stateResourceTypes(), before);
            const reachable = await workspace.preview(["--expect-no-changes"]);
            assert.strictEqual(reachable.code, 0, reachable.output);
        });
    });
});
