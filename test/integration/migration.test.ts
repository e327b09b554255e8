// `pulumi up` on the seed's cluster (left by seed.test.ts), with the real MetalLB controller and
// webhook and Argo's workflow-controller running: the debts are paid off without taking the
// ingress address away, and the controllers then behave as the stack promises.

import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Cluster, KubernetesObject } from "../../hack/cluster/cluster";
import { fixtureChart, helm, helmOrFail, helmReleases } from "../../hack/cluster/helm";
import {
    allocationOf,
    argoApi,
    autoAssignService,
    ensureNamespace,
    metallbApi,
    pointTrainingTemplateAtServiceDns,
    quotaReference,
    readWorkflow,
    seed,
    submitTrainingWorkflow,
    trainingImage,
    finishedWorkflow,
    scriptWorkflow,
    secondIngress,
    adoptHelmReleases,
    seedReleases,
} from "../../hack/cluster/seed";
import { arpAnswer, httpFromLan, lanHostAddress, nodeMac, sampleHttpFromLan } from "../../hack/cluster/lan";
import { mlflow } from "../../hack/cluster/mlflow";
import { runOrFail } from "../../hack/cluster/commands";
import { localStack, PulumiWorkspace, repositoryRoot, sharedWorkspace } from "../../hack/cluster/workspace";

/** The releases the seed installed with Helm, as NAMESPACE/RELEASE. */

/** The local stack's settings, and a backup folder of the test's own for the release records. */
function adoptionOptions(backup: string): string[] {
    return [
        "--stack",
        "local",
        "--backup",
        path.join(os.tmpdir(), `homelab-adoption-${process.pid}-${backup}`),
    ];
}

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

/** One version of the ingress Service, as the watch delivered it. */
interface Observation {
    type: string;
    uid?: string;
    address?: string;
    pool?: string;
}

describe("pulumi up on the seed's cluster", function () {
    const cluster = new Cluster();
    let workspace: PulumiWorkspace;

    before(async () => {
        workspace = await localStack();
    });

    it("MetalLB's webhook refuses an unlabelled pool that overlaps homelab-pool, as a hand-made one would be", async () => {
        // A program that sends the pools in the other order than the stack does.
        const reversed = await sharedWorkspace({
            programDirectory: path.join(repositoryRoot, "test/fixtures/programs/regressions"),
            stack: "reversed",
        });
        reversed.setSettings("seed-regressions", { scenario: "reserved-pool-before-shrink" });
        const result = await reversed.up();
        assert.notStrictEqual(result.code, 0, result.output);
        const refusal =
            'admission webhook "ipaddresspoolvalidationwebhook.metallb.io" denied the request: ' +
            'CIDR "192.168.1.249/32" in pool "ingress-pool" overlaps with already defined CIDR "192.168.1.248/31"';
        assert.ok(result.output.includes(refusal), result.output);
        assert.strictEqual(
            await cluster.find({
                apiVersion: metallbApi,
                kind: "IPAddressPool",
                name: "ingress-pool",
                namespace: "metallb-system",
            }),
            undefined,
        );
    });

    it("adoption checks each release against the settings, keeps its user-supplied values, and backs its records up: kubectl create -f brings the releases back", async () => {
        const backup = adoptionOptions("restored")[3];
        const adoption = await adoptHelmReleases(["--yes", ...adoptionOptions("restored"), ...seedReleases]);
        // The seed's --set values: argo's namespaces and ServiceAccount and ingress-nginx's
        // loadBalancerIP are the stack's own settings; the node's images (--values) are in
        // Pulumi.local.yaml's charts.<name>.values.
        for (const line of [
            "metallb-system/metallb: release version 1 (deployed), chart metallb 0.15.2",
            "  user-supplied values (helm get values): 1; 1 in charts.metallb.values, 0 set by the stack, 0 in neither",
            "  user-supplied values (helm get values): 10; 9 in charts.ingress-nginx.values, 1 set by the stack, 0 in neither",
            "  user-supplied values (helm get values): 3; 1 in charts.argo-workflows.values, 2 set by the stack, 0 in neither",
            "    controller.service.loadBalancerIP: set by the stack from ingress.reservation (the controller's LoadBalancer Service on the reserved address), not from these values",
            "    controller.workflowNamespaces: set by the stack from argo.workflowNamespaces, not from these values",
            `release records backed up in ${backup}; to bring the releases back: kubectl create -f ${backup}`,
        ]) {
            assert.ok(adoption.stdout.includes(line), `${line}\n---\n${adoption.stdout}`);
        }
        assert.deepStrictEqual(await helmReleases(), []);

        await runOrFail("kubectl", ["create", "-f", backup]);
        assert.deepStrictEqual(
            (await helmReleases())
                .map((release) => `${release.namespace}/${release.name} ${release.status}`)
                .sort(),
            [
                "argo/argo-workflows deployed",
                "ingress-nginx/ingress-nginx deployed",
                "metallb-system/metallb deployed",
            ],
        );
    });

    it("adoption refuses a release of another name than the settings' (a second controller), and changes nothing", async () => {
        await helmOrFail(secondIngress.args);
        try {
            const result = await adoptHelmReleases(
                ["--yes", ...adoptionOptions("second"), ...seedReleases, "ingress-lab/ingress-nginx"],
                {
                    mayFail: true,
                },
            );
            assert.strictEqual(result.code, 1, result.output);
            assert.ok(
                result.stdout.includes(
                    "  refused: ingress-lab/ingress-nginx (chart ingress-nginx) is not the stack's release " +
                        "ingress-nginx/ingress-nginx (ingress.namespace and ingress.releaseName): adopting it would leave a " +
                        "second ingress-nginx beside the one the stack installs.",
                ),
                result.output,
            );
            assert.ok(result.stderr.includes("nothing was changed"), result.stderr);
            // Not one release was adopted: all four are still Helm's.
            assert.strictEqual((await helmReleases()).length, 4);
        } finally {
            await helmOrFail([
                "uninstall",
                secondIngress.release,
                "--namespace",
                secondIngress.namespace,
                "--wait",
            ]);
        }
    });

    describe("the update", () => {
        let events: EngineEvent[];
        let observed: Observation[];
        let ingressBefore: KubernetesObject;
        let answers: { at: number; body?: string; error?: string }[];

        before(async () => {
            ingressBefore = await cluster.read(seed.ingressService);
            const eventLog = path.join(path.dirname(workspace.directory), "up-events.json");
            // The migration as docs/migration.md has it: hand the Helm releases over, then `pulumi up`.
            await adoptHelmReleases(["--yes", ...adoptionOptions("adopted"), ...seedReleases]);
            const watch = await cluster.watchObject(
                "/api/v1/namespaces/ingress-nginx/services",
                seed.ingressService.name,
            );
            const sampler = sampleHttpFromLan(seed.ingressAddress);
            const result = await workspace.up(["--event-log", eventLog]);
            answers = await sampler.stop();
            observed = watch.stop().map(({ type, object }) => ({
                type,
                uid: object.metadata?.uid,
                ...allocationOf(object),
            }));
            assert.strictEqual(result.code, 0, result.output);
            events = readEventLog(eventLog);
        });

        it("never deletes or replaces the ingress Service, and it holds 192.168.1.249 in every version of it", () => {
            // MetalLB moves it from homelab-pool to ingress-pool in one step; the update changes it too.
            const pools = observed
                .map((version) => version.pool)
                .filter((pool, i, all) => pool !== all[i - 1]);
            assert.deepStrictEqual(pools, ["homelab-pool", "ingress-pool"], JSON.stringify(observed));
            const wrong = observed.filter(
                (version) =>
                    version.type === "DELETED" ||
                    version.uid !== ingressBefore.metadata.uid ||
                    version.address !== seed.ingressAddress,
            );
            assert.deepStrictEqual(wrong, []);
        });

        it("the ingress controller answers at 192.168.1.249 on the LAN at every sample while it runs", () => {
            const silent = answers.filter(
                (sample) => !sample.body?.startsWith("ingress-nginx controller stand-in"),
            );
            assert.ok(answers.length >= 10, `only ${answers.length} samples`);
            assert.deepStrictEqual(silent, [], `${silent.length} of ${answers.length} samples got no answer`);
        });

        it("leaves the ingress address allocated from ingress-pool, as MetalLB reports it", async () => {
            const service = await cluster.waitFor("MetalLB to move the ingress to ingress-pool", async () => {
                const current = await cluster.read(seed.ingressService);
                return allocationOf(current).pool === "ingress-pool" ? current : undefined;
            });
            assert.deepStrictEqual(allocationOf(service), {
                address: seed.ingressAddress,
                pool: "ingress-pool",
            });
            assert.strictEqual(service.spec.loadBalancerIP, undefined);
        });

        it("creates ingress-pool before it shrinks homelab-pool", async () => {
            const reservedDone = events.find(
                (event) =>
                    event.resOutputsEvent?.metadata.urn.endsWith("ingress-pool") &&
                    event.resOutputsEvent.metadata.op === "create",
            );
            const shrinkStarts = events.find(
                (event) =>
                    event.resourcePreEvent?.metadata.urn.endsWith("homelab-pool") &&
                    event.resourcePreEvent.metadata.op !== "same",
            );
            assert.ok(reservedDone, "no create of ingress-pool in the event log");
            assert.ok(shrinkStarts, "no operation on homelab-pool in the event log");
            assert.ok(
                reservedDone.sequence < shrinkStarts.sequence,
                "homelab-pool shrank before ingress-pool existed",
            );
            const pool = await cluster.read({
                apiVersion: metallbApi,
                kind: "IPAddressPool",
                name: seed.poolName,
                namespace: "metallb-system",
            });
            assert.deepStrictEqual(pool.spec.addresses, ["192.168.1.200-192.168.1.248", "192.168.1.250/32"]);
        });
    });

    describe("after the update", () => {
        const tenants = "tenants";

        it("gives 60 new auto-assign Services the split pool's 49 free addresses, never 192.168.1.249; the rest wait", async () => {
            const names = Array.from({ length: 60 }, (_, index) => `after-${index}`);
            await ensureNamespace(cluster, tenants);
            for (const name of names) {
                await cluster.create(autoAssignService(name, tenants));
            }
            const verdicts = await cluster.waitFor("MetalLB to decide on all 60 Services", async () => {
                const services = (await cluster.list("v1", "Service", tenants)).filter((service) =>
                    names.includes(service.metadata.name),
                );
                const events = await cluster.list("v1", "Event", tenants);
                const failed = new Map(
                    events
                        .filter((event) => event.reason === "AllocationFailed")
                        .map((event) => [event.involvedObject.name, event.message]),
                );
                const decided = services.map((service) => ({
                    name: service.metadata.name as string,
                    ...allocationOf(service),
                    failure: failed.get(service.metadata.name),
                }));
                return decided.every((entry) => entry.address || entry.failure) ? decided : undefined;
            });
            const allocated = verdicts.filter((entry) => entry.address);
            const pending = verdicts.filter((entry) => !entry.address);
            // Every address of the split pool but MLflow's, which it has held since the seed.
            const split = [
                ...Array.from({ length: 49 }, (_, index) => `192.168.1.${200 + index}`),
                "192.168.1.250",
            ].filter((address) => address !== mlflow.loadBalancerAddress);
            assert.deepStrictEqual(allocated.map((entry) => entry.address).sort(), [...split].sort());
            assert.ok(
                allocated.every((entry) => entry.pool === seed.poolName),
                JSON.stringify(allocated),
            );
            assert.strictEqual(pending.length, 11);
            for (const entry of pending) {
                assert.strictEqual(
                    entry.failure,
                    `Failed to allocate IP for "${tenants}/${entry.name}": no available IPs`,
                );
            }
            const ingress = await cluster.read(seed.ingressService);
            assert.deepStrictEqual(allocationOf(ingress), {
                address: seed.ingressAddress,
                pool: "ingress-pool",
            });
            for (const name of names) {
                await cluster.delete({ apiVersion: "v1", kind: "Service", name, namespace: tenants });
            }
        });

        it("refuses the pods of the seed's WorkflowTemplate, which reaches MLflow at a LoadBalancer IP: the workflow fails with the guard's message", async () => {
            const name = await submitTrainingWorkflow(cluster);
            const failed = await cluster.waitFor("the workflow to fail", async () => {
                const workflow = await readWorkflow(cluster, name);
                return ["Failed", "Error"].includes(workflow.status?.phase) ? workflow : undefined;
            });
            assert.ok(
                String(failed.status.message).includes(
                    "is forbidden: ValidatingAdmissionPolicy 'homelab-platform-service-dns' with binding 'homelab-platform-service-dns' " +
                        "denied request: Pod seldon-system/training-pipeline-",
                ) &&
                    String(failed.status.message).includes(
                        'container main env MLFLOW_TRACKING_URI="http://192.168.1.203:5000" points at 192.168.1.203, an address of MetalLB pool homelab-pool',
                    ),
                JSON.stringify(failed.status),
            );
            await cluster.delete({
                apiVersion: argoApi,
                kind: "Workflow",
                name,
                namespace: seed.workflowNamespace,
            });
        });

        it("runs the training workflow to Succeeded on the real executor once its template reads MLflow's URL from platform-endpoints: its containers carry the settings' resources, the quota counts it, MLflow answers", async () => {
            await pointTrainingTemplateAtServiceDns(cluster);
            // The step holds on after MLflow answered, long enough to be seen running and counted.
            const name = await submitTrainingWorkflow(cluster, 20);
            const workflowPod = async () =>
                (await cluster.list("v1", "Pod", seed.workflowNamespace)).find(
                    (entry) => entry.metadata.labels?.["workflows.argoproj.io/workflow"] === name,
                );
            const pod = await cluster.waitFor(
                "the workflow's pod to run",
                async () => {
                    const found = await workflowPod();
                    return found?.status?.phase === "Running" ? found : undefined;
                },
                60_000,
                async () => JSON.stringify((await workflowPod())?.status?.containerStatuses ?? "no pod"),
            );
            const executor = {
                requests: { cpu: "100m", memory: "128Mi" },
                limits: { cpu: "500m", memory: "256Mi" },
            };
            const containers = Object.fromEntries(
                [...pod.spec.initContainers, ...pod.spec.containers].map((container: KubernetesObject) => [
                    container.name,
                    { resources: container.resources, imagePullPolicy: container.imagePullPolicy },
                ]),
            );
            assert.deepStrictEqual(containers, {
                init: { resources: executor, imagePullPolicy: "IfNotPresent" },
                wait: { resources: executor, imagePullPolicy: "IfNotPresent" },
                main: {
                    resources: {
                        requests: { cpu: "250m", memory: "512Mi" },
                        limits: { cpu: "1", memory: "1Gi" },
                    },
                    imagePullPolicy: "IfNotPresent",
                },
            });
            assert.strictEqual(
                pod.spec.containers.find((container: KubernetesObject) => container.name === "main").image,
                trainingImage(),
            );
            // Argo set all of them: the LimitRange had nothing to fill in (it notes what it fills).
            assert.strictEqual(pod.metadata.annotations?.["kubernetes.io/limit-ranger"], undefined);
            // Quota counts the larger of the app containers' sum and the biggest init container.
            const used = await cluster.waitFor("the quota to count the pod", async () => {
                const quota = await cluster.read(quotaReference);
                return quota.status?.used?.pods === "1" ? quota.status.used : undefined;
            });
            assert.deepStrictEqual(used, {
                "limits.memory": "1280Mi",
                pods: "1",
                "requests.cpu": "350m",
                "requests.memory": "640Mi",
            });
            const { workflow, log } = await finishedWorkflow(cluster, name);
            assert.strictEqual(workflow.status.phase, "Succeeded", JSON.stringify(workflow.status));
            assert.match(log, /MLFLOW_TRACKING_URI=http:\/\/mlflow\.mlflow\.svc\.cluster\.local:5000\n/);
            assert.ok(log.includes(mlflow.answer), log);
            await cluster.delete({
                apiVersion: argoApi,
                kind: "Workflow",
                name,
                namespace: seed.workflowNamespace,
            });
        });
    });

    describe("limits after the update", () => {
        it("OOM-kills a workflow step that allocates past its memory limit", async () => {
            const created = await cluster.create(
                scriptWorkflow("memory-hog", "echo allocating; tail /dev/zero", {
                    requests: { cpu: "100m", memory: "32Mi" },
                    limits: { cpu: "500m", memory: "64Mi" },
                }),
            );
            const { workflow, pod } = await finishedWorkflow(cluster, created.metadata.name);
            assert.strictEqual(workflow.status.phase, "Failed", JSON.stringify(workflow.status));
            const main = pod?.status.containerStatuses.find(
                (status: KubernetesObject) => status.name === "main",
            );
            assert.deepStrictEqual(
                { reason: main?.state.terminated?.reason, exitCode: main?.state.terminated?.exitCode },
                { reason: "OOMKilled", exitCode: 137 },
                JSON.stringify(pod?.status.containerStatuses),
            );
        });
    });

    describe("on the LAN after the update", () => {
        it("answers ARP for 192.168.1.249 with the node's MAC, and HTTP there reaches the ingress controller's pod", async () => {
            assert.strictEqual(await arpAnswer(seed.ingressAddress), await nodeMac());
            const { body, error } = await httpFromLan(`http://${seed.ingressAddress}/`);
            const pods = await cluster.list("v1", "Pod", "ingress-nginx");
            const controller = pods.find(
                (pod) =>
                    pod.metadata.labels?.["app.kubernetes.io/component"] === "controller" &&
                    pod.status.phase === "Running",
            );
            assert.ok(controller, "no running controller pod");
            assert.match(
                body ?? String(error),
                new RegExp(
                    `^ingress-nginx controller stand-in ingress-nginx/${controller.metadata.name}: GET / from ${lanHostAddress()}:`,
                ),
            );
        });

        it("leaves a general-pool address that no Service holds unanswered", async () => {
            const services = await cluster.list("v1", "Service");
            const held = new Set(services.map((service) => allocationOf(service).address).filter(Boolean));
            const free = "192.168.1.230";
            assert.ok(!held.has(free), `${free} is held: ${[...held].join(", ")}`);
            assert.strictEqual(await arpAnswer(free), undefined);
            assert.ok((await httpFromLan(`http://${free}/`, 3)).error !== undefined);
        });
    });

    describe("Helm after the migration", () => {
        it("lists none of the adopted releases", async () => {
            assert.deepStrictEqual(await helmReleases(), []);
        });

        it("refuses a helm upgrade or install typed from habit, and the ingress keeps its reserved address", async () => {
            const seedValues = ["--set", `controller.service.loadBalancerIP=${seed.ingressAddress}`];
            const upgrade = await helm([
                "upgrade",
                "ingress-nginx",
                fixtureChart("ingress-nginx"),
                "--namespace",
                "ingress-nginx",
                ...seedValues,
            ]);
            assert.notStrictEqual(upgrade.code, 0, upgrade.output);
            assert.ok(
                upgrade.output.includes('Error: UPGRADE FAILED: "ingress-nginx" has no deployed releases'),
                upgrade.output,
            );
            const install = await helm([
                "install",
                "ingress-nginx",
                fixtureChart("ingress-nginx"),
                "--namespace",
                "ingress-nginx",
                ...seedValues,
            ]);
            assert.notStrictEqual(install.code, 0, install.output);
            assert.ok(
                install.output.includes(
                    "exists and cannot be imported into the current release: invalid ownership metadata",
                ),
                install.output,
            );
            const ingress = await cluster.read(seed.ingressService);
            assert.strictEqual(ingress.spec.loadBalancerIP, undefined);
            assert.deepStrictEqual(allocationOf(ingress), {
                address: seed.ingressAddress,
                pool: "ingress-pool",
            });
        });
    });

    describe("idempotence, with the controllers running", () => {
        it("pulumi preview --expect-no-changes passes", async () => {
            const result = await workspace.preview(["--expect-no-changes"]);
            assert.strictEqual(result.code, 0, result.output);
        });

        it("pulumi refresh --expect-no-changes passes: what the controllers write is not drift", async () => {
            const result = await workspace.pulumi(["refresh", "--yes", "--expect-no-changes"]);
            assert.strictEqual(result.code, 0, result.output);
        });
    });
});
