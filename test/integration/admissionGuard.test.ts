// The admission guard on the real API server, after platform.test.ts's `pulumi up`: the seed's hand
// commands, sent as kubectl and Helm send them, each refused with a message that names the object,
// the value and the fix; what the platform needs still accepted; the parameters following the
// settings; and Warn, the way out, letting the same commands through with a warning. What Warn let
// through is left for audit.test.ts, which runs next.

import * as assert from "assert";
import { apiMessageOf, Cluster, KubernetesObject, statusCodeOf } from "../../hack/cluster/cluster";
import { run } from "../../hack/cluster/commands";
import { waitForGuard } from "./guard";
import { helm, helmOrFail } from "../../hack/cluster/helm";
import {
    allocationOf,
    argoApi,
    ensureNamespace,
    metallbApi,
    quotaReference,
    secondIngress,
    seed,
} from "../../hack/cluster/seed";
import { localStack, PulumiWorkspace } from "../../hack/cluster/workspace";

const project = "homelab-platform";
const refusedBy = (policy: string) =>
    `ValidatingAdmissionPolicy 'homelab-platform-${policy}' with binding 'homelab-platform-${policy}' denied request: `;
const wayOut =
    "If it must happen now, set admissionGuard.validationActions to [Warn] in the stack settings and run pulumi up.";

/** The seed's command: `kubectl delete resourcequota seldon-system-quota -n seldon-system`. */
const seedQuotaDelete = quotaReference;

function podWithEnv(name: string, value: string): KubernetesObject {
    return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name, namespace: seed.workflowNamespace },
        spec: {
            restartPolicy: "Never",
            containers: [
                { name: "train", image: "busybox:1.37.0", env: [{ name: "MLFLOW_TRACKING_URI", value }] },
            ],
        },
    };
}

function loadBalancer(name: string, annotations: Record<string, string>): KubernetesObject {
    return {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name, namespace: "guard-tests", annotations },
        spec: { type: "LoadBalancer", selector: { app: name }, ports: [{ port: 80 }] },
    };
}

/** The labels the ingress-nginx chart puts on its controller's Service, which ingress-pool serves alone. */
const ingressControllerLabels = {
    "app.kubernetes.io/name": "ingress-nginx",
    "app.kubernetes.io/instance": "ingress-nginx",
    "app.kubernetes.io/component": "controller",
};

/** A LoadBalancer Service in guard-tests that pins ingress-pool and asks for its address. */
function pinnedToIngressPool(name: string): KubernetesObject {
    return loadBalancer(name, {
        "metallb.io/loadBalancerIPs": seed.ingressAddress,
        "metallb.io/address-pool": "ingress-pool",
    });
}

/** The API server's answer to a request that should be refused: status 403 and its message. */
async function refusal(request: Promise<unknown>): Promise<string> {
    try {
        await request;
    } catch (error) {
        assert.strictEqual(statusCodeOf(error), 403, apiMessageOf(error));
        return apiMessageOf(error);
    }
    assert.fail("the API server accepted the request");
}

describe("the admission guard, on the API server", function () {
    const cluster = new Cluster();
    let workspace: PulumiWorkspace;

    before(async () => {
        workspace = await localStack();
        await ensureNamespace(cluster, "guard-tests");
        await waitForGuard(cluster, "Deny");
    });

    describe("refuses the seed's hand commands, each with its message", () => {
        it("kubectl delete resourcequota seldon-system-quota -n seldon-system", async () => {
            const message = await refusal(cluster.deleteAsKubectl(seedQuotaDelete));
            assert.strictEqual(
                message,
                'resourcequotas "seldon-system-quota" is forbidden: ' +
                    refusedBy("governed-quotas") +
                    "ResourceQuota seldon-system/seldon-system-quota is governed by the homelab-platform stack " +
                    "(namespaces.seldon-system.quota in its settings): without it nothing caps what workloads in seldon-system consume. " +
                    "A pod refused with failed quota: must specify ... needs requests and limits: the namespace's LimitRange fills them in, " +
                    "and Argo's executor takes them from argo.executorResources. Fix: change namespaces.seldon-system.quota in the settings " +
                    `and run pulumi up; deleting the namespace itself is allowed. ${wayOut}`,
            );
            assert.ok(await cluster.find(seedQuotaDelete), "the quota is gone");
            const limitRange = await refusal(
                cluster.deleteAsKubectl({
                    ...seedQuotaDelete,
                    kind: "LimitRange",
                    name: "seldon-system-limits",
                }),
            );
            assert.ok(
                limitRange.includes(
                    "LimitRange seldon-system/seldon-system-limits is governed by the homelab-platform stack (namespaces.seldon-system.limitRange in its settings)",
                ),
                limitRange,
            );
        });

        it("helm install ingress-nginx --set controller.service.loadBalancerIP=192.168.1.249, a second release", async () => {
            try {
                const result = await helm(secondIngress.args);
                assert.notStrictEqual(result.code, 0, result.output);
                assert.ok(result.output.includes("Error: INSTALLATION FAILED:"), result.output);
                assert.ok(
                    result.output.includes(
                        `services "ingress-nginx-controller" is forbidden: ${refusedBy("loadbalancer-addresses")}` +
                            "Service ingress-lab/ingress-nginx-controller requests 192.168.1.249 (spec.loadBalancerIP), " +
                            "the address reserved for MetalLB pool ingress-pool, without pinning that pool: a reserved address goes only " +
                            "to a Service that names its pool. Fix: annotate the Service with metallb.io/address-pool: ingress-pool and " +
                            "request the address with the metallb.io/loadBalancerIPs annotation, not spec.loadBalancerIP",
                    ),
                    result.output,
                );
            } finally {
                await helm(["uninstall", secondIngress.release, "--namespace", secondIngress.namespace]);
            }
            const ingress = await cluster.read(seed.ingressService);
            assert.deepStrictEqual(allocationOf(ingress), {
                address: seed.ingressAddress,
                pool: "ingress-pool",
            });
        });

        it("a Service elsewhere that pins ingress-pool, though it copies the ingress controller's labels", async () => {
            const copy = pinnedToIngressPool("copy");
            copy.metadata.labels = ingressControllerLabels;
            const message = await refusal(cluster.create(copy));
            assert.ok(
                message.endsWith(
                    "Service guard-tests/copy pins MetalLB pool ingress-pool, which is reserved for the Service in namespace " +
                        "ingress-nginx labelled app.kubernetes.io/name=ingress-nginx,app.kubernetes.io/instance=ingress-nginx," +
                        "app.kubernetes.io/component=controller: MetalLB gives its address to no other Service (the pool's " +
                        "serviceAllocation), and this one would wait for it forever. Fix: pin a pool of its own or leave the pool " +
                        "out, or reserve another address for it in the homelab-platform settings (metallb.reservations). " +
                        wayOut,
                ),
                message,
            );
        });

        it("a Service asking for an address of the auto-assign pool", async () => {
            const message = await refusal(
                cluster.create(loadBalancer("fixed", { "metallb.io/loadBalancerIPs": "192.168.1.210" })),
            );
            assert.ok(
                message.endsWith(
                    "Service guard-tests/fixed requests 192.168.1.210 (annotation metallb.io/loadBalancerIPs), an address of the " +
                        "auto-assign MetalLB pool homelab-pool (192.168.1.200-192.168.1.248): MetalLB may already have given it to " +
                        "another Service, and will hand it out again. Fix: leave the address out and let MetalLB pick one, or reserve " +
                        "it in the homelab-platform settings (metallb.reservations), pulumi up, and pin its pool with " +
                        `metallb.io/address-pool. ${wayOut}`,
                ),
                message,
            );
        });

        it("a pod, a WorkflowTemplate and a ConfigMap in seldon-system that reach MLflow at a LoadBalancer IP", async () => {
            const pod = await refusal(cluster.create(podWithEnv("train", seed.mlflowLoadBalancerUri)));
            assert.ok(
                pod.startsWith(
                    `pods "train" is forbidden: ${refusedBy("service-dns")}Pod seldon-system/train: container train env ` +
                        'MLFLOW_TRACKING_URI="http://192.168.1.203:5000" points at 192.168.1.203, an address of MetalLB pool ' +
                        "homelab-pool (192.168.1.200-192.168.1.248) (use MLFLOW_TRACKING_URI=http://mlflow.mlflow.svc.cluster.local:5000). " +
                        "In-cluster clients reach Services by cluster DNS name (<service>.<namespace>.svc.cluster.local)",
                ),
                pod,
            );
            const template = await refusal(
                cluster.create({
                    apiVersion: argoApi,
                    kind: "WorkflowTemplate",
                    metadata: { name: seed.workflowTemplate, namespace: seed.workflowNamespace },
                    spec: {
                        entrypoint: "train",
                        templates: [
                            {
                                name: "train",
                                container: {
                                    image: "busybox:1.37.0",
                                    env: [{ name: "MLFLOW_TRACKING_URI", value: seed.mlflowLoadBalancerUri }],
                                },
                            },
                        ],
                    },
                }),
            );
            assert.ok(
                template.includes(
                    'WorkflowTemplate seldon-system/training-pipeline: template train container env MLFLOW_TRACKING_URI="http://192.168.1.203:5000" points at 192.168.1.203',
                ),
                template,
            );
            const configMap = await refusal(
                cluster.create({
                    apiVersion: "v1",
                    kind: "ConfigMap",
                    metadata: { name: "training-env", namespace: seed.workflowNamespace },
                    data: { MLFLOW_TRACKING_URI: `http://${seed.ingressAddress}/mlflow` },
                }),
            );
            assert.ok(
                configMap.includes(
                    "ConfigMap seldon-system/training-env: data MLFLOW_TRACKING_URI points at 192.168.1.249, the address reserved for MetalLB pool ingress-pool",
                ),
                configMap,
            );
        });

        it("putting 192.168.1.249 back into homelab-pool, or switching autoAssign on for ingress-pool, by hand", async () => {
            const pool = { apiVersion: metallbApi, kind: "IPAddressPool", namespace: "metallb-system" };
            const general = await refusal(
                cluster.mergePatch(
                    { ...pool, name: seed.poolName },
                    { spec: { addresses: [seed.poolRange] } },
                    "kubectl-edit",
                ),
            );
            assert.ok(
                general.includes(
                    `${refusedBy("reserved-pools")}IPAddressPool metallb-system/homelab-pool has autoAssign on and would contain ` +
                        "192.168.1.249 (entry 192.168.1.200-192.168.1.250), the address reserved for pool ingress-pool: MetalLB could " +
                        "give it to any LoadBalancer Service before the one it is reserved for.",
                ),
                general,
            );
            const reserved = await refusal(
                cluster.mergePatch(
                    { ...pool, name: "ingress-pool" },
                    { spec: { autoAssign: true } },
                    "kubectl-edit",
                ),
            );
            assert.ok(
                reserved.includes(
                    "IPAddressPool metallb-system/ingress-pool has autoAssign on and would contain 192.168.1.249 (entry 192.168.1.249/32)",
                ),
                reserved,
            );
        });
    });

    describe("accepts what is allowed", () => {
        it("a Service that requests the reserved address and pins its pool, where the pool's owner lives, with its labels", async () => {
            const pinned = {
                ...pinnedToIngressPool("pinned"),
                metadata: {
                    ...pinnedToIngressPool("pinned").metadata,
                    namespace: "ingress-nginx",
                    labels: ingressControllerLabels,
                },
            };
            const { warnings } = await cluster.createWithWarnings(pinned, true);
            assert.deepStrictEqual(warnings, []);
        });

        it("deleting a quota and a LimitRange the stack does not govern", async () => {
            for (const kind of ["ResourceQuota", "LimitRange"]) {
                const object =
                    kind === "ResourceQuota"
                        ? { spec: { hard: { pods: "10" } } }
                        : { spec: { limits: [{ type: "Container", default: { cpu: "100m" } }] } };
                await cluster.create({
                    apiVersion: "v1",
                    kind,
                    metadata: { name: "scratch", namespace: seed.workflowNamespace },
                    ...object,
                });
                const warnings = await cluster.deleteAsKubectl({
                    apiVersion: "v1",
                    kind,
                    name: "scratch",
                    namespace: seed.workflowNamespace,
                });
                assert.deepStrictEqual(warnings, []);
            }
        });

        it("a pod that reaches MLflow by its cluster DNS name", async () => {
            const { object } = await cluster.createWithWarnings(
                podWithEnv("train-dns", "http://mlflow.mlflow.svc.cluster.local:5000"),
            );
            assert.strictEqual(object.metadata.name, "train-dns");
            await cluster.delete({
                apiVersion: "v1",
                kind: "Pod",
                name: "train-dns",
                namespace: seed.workflowNamespace,
            });
        });
    });

    describe("follows the settings", () => {
        afterEach(() => workspace.resetSettings());

        it("guards a namespace added to the settings, lets it be deleted whole, and lets the stack remove one", async () => {
            const namespaces = workspace.getSetting<Record<string, KubernetesObject>>(project, "namespaces");
            // Two more namespaces governed like seldon-system; they run no workflows and reach no service.
            const governedLikeSeldon = { ...namespaces[seed.workflowNamespace], egressServices: [] };
            const added = { ...namespaces, scratch: governedLikeSeldon, spare: governedLikeSeldon };
            workspace.setSettings(project, { namespaces: added });
            const up = await workspace.up();
            assert.strictEqual(up.code, 0, up.output);
            const parameters = await cluster.read({
                apiVersion: "v1",
                kind: "ConfigMap",
                name: "homelab-platform-admission-guard",
                namespace: "kube-system",
            });
            assert.ok(
                parameters.data.governedObjects.includes(
                    "ResourceQuota scratch scratch-quota namespaces.scratch.quota\n",
                ),
                parameters.data.governedObjects,
            );
            const scratchQuota = { ...seedQuotaDelete, name: "scratch-quota", namespace: "scratch" };
            await cluster.waitFor("the guard to know namespace scratch", async () => {
                try {
                    await cluster.deleteAsKubectl(scratchQuota, true);
                    return undefined;
                } catch (error) {
                    return statusCodeOf(error) === 403 ? true : undefined;
                }
            });

            // The namespace controller empties a namespace being deleted; the guard lets it.
            await cluster.deleteAsKubectl({ apiVersion: "v1", kind: "Namespace", name: "scratch" });
            await cluster.waitFor(
                "namespace scratch to be gone",
                async () =>
                    (await cluster.find({ apiVersion: "v1", kind: "Namespace", name: "scratch" }))
                        ? undefined
                        : true,
                120_000,
            );

            // Back to the stack's own namespaces: `pulumi up` deletes spare's quota and LimitRange,
            // which the guard no longer lists by then.
            workspace.resetSettings();
            const back = await workspace.up();
            assert.strictEqual(back.code, 0, back.output);
            assert.deepStrictEqual(await cluster.list("v1", "ResourceQuota", "spare"), []);
            assert.deepStrictEqual(await cluster.list("v1", "LimitRange", "spare"), []);
            // Namespaces outlive the stack's hold on them (retainOnDelete).
            assert.ok(await cluster.find({ apiVersion: "v1", kind: "Namespace", name: "spare" }));
            await cluster.deleteAsKubectl({ apiVersion: "v1", kind: "Namespace", name: "spare" });
        });
    });

    describe("judges only where it must", () => {
        const parametersReference = {
            apiVersion: "v1",
            kind: "ConfigMap",
            name: "homelab-platform-admission-guard",
            namespace: "kube-system",
        };
        let saved: KubernetesObject;

        /** A pod, a ConfigMap and a Deployment in the namespace, of the kinds the service-dns rule judges. */
        function workloadsIn(namespace: string): KubernetesObject[] {
            const metadata = { name: "emergency-fix", namespace };
            const podSpec = {
                containers: [
                    { name: "fix", image: "busybox:1.37.0", env: [{ name: "HOST", value: "kubernetes" }] },
                ],
            };
            return [
                { apiVersion: "v1", kind: "Pod", metadata, spec: podSpec },
                { apiVersion: "v1", kind: "ConfigMap", metadata, data: { note: "hand-made" } },
                {
                    apiVersion: "apps/v1",
                    kind: "Deployment",
                    metadata,
                    spec: {
                        selector: { matchLabels: { app: "emergency-fix" } },
                        template: { metadata: { labels: { app: "emergency-fix" } }, spec: podSpec },
                    },
                },
            ];
        }

        before(async () => {
            saved = await cluster.read(parametersReference);
        });

        after(async () => {
            // Put the parameters back as they were, unless a test already did.
            if (!(await cluster.find(parametersReference))) {
                const { name, namespace, labels } = saved.metadata;
                await cluster.create({ ...saved, metadata: { name, namespace, labels } });
            }
            await waitForGuard(cluster, "Deny");
        });

        it("with its parameters gone, still admits pods, ConfigMaps and workloads in kube-system and an ungoverned namespace, and refuses them in a governed one", async () => {
            // The parameters are judged by no binding: deleting them by hand is allowed.
            await cluster.delete(parametersReference);
            const governedPod = workloadsIn(seed.workflowNamespace)[0];
            const message = await cluster.waitFor(
                "the API server to miss the guard's parameters",
                async () => {
                    try {
                        await cluster.createWithWarnings(governedPod, true);
                        return undefined;
                    } catch (error) {
                        // A binding that cannot find its parameters is a configuration error: the
                        // API server answers 422 Invalid, not 403 (generic/policy_dispatcher.go).
                        if (statusCodeOf(error) === 422) {
                            return apiMessageOf(error);
                        }
                        throw new Error(`${statusCodeOf(error)}: ${apiMessageOf(error)}`);
                    }
                },
            );
            assert.strictEqual(
                message,
                `pods "emergency-fix" is forbidden: ${refusedBy("service-dns")}failed to configure binding: ` +
                    "no params found for policy binding with `Deny` parameterNotFoundAction",
            );

            for (const namespace of ["kube-system", "guard-tests"]) {
                for (const object of workloadsIn(namespace)) {
                    const { warnings } = await cluster.createWithWarnings(object, true);
                    assert.deepStrictEqual(warnings, [], `${object.kind} in ${namespace}`);
                }
            }
            // Deleting a quota outside the governed namespaces, too.
            await cluster.create({
                apiVersion: "v1",
                kind: "ResourceQuota",
                metadata: { name: "scratch", namespace: "guard-tests" },
                spec: { hard: { pods: "10" } },
            });
            await cluster.deleteAsKubectl({
                apiVersion: "v1",
                kind: "ResourceQuota",
                name: "scratch",
                namespace: "guard-tests",
            });
        });
    });

    describe("lifted by one kubectl command", () => {
        const bindingNames = [
            "loadbalancer-addresses",
            "governed-quotas",
            "service-dns",
            "reserved-pools",
        ].map((rule) => `homelab-platform-${rule}`);

        /** What the cluster holds of the guard, for a failure's message. */
        async function guardState(): Promise<string> {
            const bindings = await cluster.list(
                "admissionregistration.k8s.io/v1",
                "ValidatingAdmissionPolicyBinding",
            );
            const parameters = await cluster.find({
                apiVersion: "v1",
                kind: "ConfigMap",
                name: "homelab-platform-admission-guard",
                namespace: "kube-system",
            });
            return (
                `bindings: ${bindings.map((binding) => `${binding.metadata.name} ${JSON.stringify(binding.spec.validationActions)}`).join(", ") || "none"}; ` +
                `parameters: ${parameters ? "present" : "absent"}; quota: ${(await cluster.find(seedQuotaDelete)) ? "present" : "absent"}`
            );
        }

        it("lets the fix through at once, and pulumi up puts the guard back", async () => {
            // The emergency way out that needs no pulumi: delete the bindings by their label.
            const lift = await run("kubectl", [
                "delete",
                "validatingadmissionpolicybindings",
                "-l",
                "app.kubernetes.io/managed-by=homelab-platform",
            ]);
            assert.strictEqual(lift.code, 0, lift.output);
            for (const name of bindingNames) {
                assert.ok(
                    lift.stdout.includes(
                        `validatingadmissionpolicybinding.admissionregistration.k8s.io "${name}" deleted`,
                    ),
                    lift.stdout,
                );
            }
            // The fix the guard stood in the way of goes through once the API server has seen the delete.
            await cluster.waitFor(
                "the guard to be lifted",
                async () => {
                    try {
                        await cluster.deleteAsKubectl(seedQuotaDelete, true);
                        return true;
                    } catch (error) {
                        if (statusCodeOf(error) === 403) {
                            return undefined;
                        }
                        throw new Error(`${statusCodeOf(error)}: ${apiMessageOf(error)}`);
                    }
                },
                60_000,
                guardState,
            );
            await cluster.deleteAsKubectl(seedQuotaDelete);

            // `pulumi up` refreshes first (Pulumi.yaml: refresh: always): it finds the bindings and
            // the quota gone and puts them back.
            const up = await workspace.up();
            assert.strictEqual(up.code, 0, up.output);
            const restored = await cluster.list(
                "admissionregistration.k8s.io/v1",
                "ValidatingAdmissionPolicyBinding",
            );
            assert.deepStrictEqual(
                restored
                    .map((binding) => binding.metadata.name)
                    .filter((name) => bindingNames.includes(name))
                    .sort(),
                [...bindingNames].sort(),
                up.output,
            );
            assert.ok(await cluster.find(seedQuotaDelete), `the quota is not back: ${await guardState()}`);
            const message = await cluster.waitFor(
                "the guard to refuse the quota's delete again",
                async () => {
                    try {
                        await cluster.deleteAsKubectl(seedQuotaDelete, true);
                        return undefined;
                    } catch (error) {
                        return `${statusCodeOf(error)}: ${apiMessageOf(error)}`;
                    }
                },
                120_000,
                guardState,
            );
            assert.ok(message.startsWith("403: "), message);
            assert.ok(message.includes(refusedBy("governed-quotas")), message);
        });
    });

    describe("in Warn mode, the way out", () => {
        before(async () => {
            workspace.setSettings(project, { admissionGuard: { validationActions: ["Warn"] } });
            const result = await workspace.up();
            assert.strictEqual(result.code, 0, result.output);
            await waitForGuard(cluster, "Warn");
        });

        it("lets the seed's kubectl delete through, with the refusal as a warning", async () => {
            const warnings = await cluster.deleteAsKubectl(seedQuotaDelete);
            assert.strictEqual(warnings.length, 1, JSON.stringify(warnings));
            assert.ok(
                warnings[0].startsWith(
                    "Validation failed for ValidatingAdmissionPolicy 'homelab-platform-governed-quotas' with binding " +
                        "'homelab-platform-governed-quotas': ResourceQuota seldon-system/seldon-system-quota is governed by the homelab-platform stack",
                ),
                warnings[0],
            );
            assert.strictEqual(await cluster.find(seedQuotaDelete), undefined);
        });

        it("lets the second ingress release in, and Helm prints the warning", async () => {
            const result = await helmOrFail(secondIngress.args);
            assert.ok(
                result.output.includes(
                    "Validation failed for ValidatingAdmissionPolicy 'homelab-platform-loadbalancer-addresses' with binding " +
                        "'homelab-platform-loadbalancer-addresses': Service ingress-lab/ingress-nginx-controller requests 192.168.1.249 (spec.loadBalancerIP)",
                ),
                result.output,
            );
        });

        it("lets a Service elsewhere pin ingress-pool, with a warning, and MetalLB itself gives it nothing", async () => {
            const tenant = pinnedToIngressPool("takes-the-ingress-address");
            const reference = {
                apiVersion: "v1",
                kind: "Service",
                name: tenant.metadata.name,
                namespace: "guard-tests",
            };
            const { warnings } = await cluster.createWithWarnings(tenant);
            try {
                assert.deepStrictEqual(
                    warnings.map((warning) => warning.split(": ")[0]),
                    [
                        "Validation failed for ValidatingAdmissionPolicy 'homelab-platform-loadbalancer-addresses' with binding 'homelab-platform-loadbalancer-addresses'",
                    ],
                );
                const event = await cluster.waitFor("MetalLB's answer to the Service", async () =>
                    (await cluster.eventsFor(reference)).find((entry) => entry.reason === "AllocationFailed"),
                );
                // MetalLB's allocator.go (Assign) checks the pool's serviceAllocation before who holds
                // the address: the refusal names the pool, not the ingress Service.
                assert.strictEqual(
                    event.message,
                    'Failed to allocate IP for "guard-tests/takes-the-ingress-address": pool ingress-pool not compatible for ip assignment',
                );
                assert.deepStrictEqual((await cluster.read(reference)).status?.loadBalancer ?? {}, {});
            } finally {
                await cluster.deleteAsKubectl(reference);
            }
        });

        it("lets a ConfigMap in seldon-system point at a LoadBalancer IP, with a warning", async () => {
            const { warnings } = await cluster.createWithWarnings({
                apiVersion: "v1",
                kind: "ConfigMap",
                metadata: { name: "training-env", namespace: seed.workflowNamespace },
                data: { MLFLOW_TRACKING_URI: seed.mlflowLoadBalancerUri },
            });
            assert.deepStrictEqual(
                warnings.map((warning) => warning.split(": ")[0]),
                [
                    "Validation failed for ValidatingAdmissionPolicy 'homelab-platform-service-dns' with binding 'homelab-platform-service-dns'",
                ],
            );
        });
    });
});
