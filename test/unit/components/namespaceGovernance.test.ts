import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { NamespaceGovernance } from "../../../components/namespaceGovernance";
import { validateSettings } from "../../../stacks/validation";
import {
    findObject,
    ProgramFailure,
    ProgramRun,
    resourcesOfType,
    runComponents,
    runProgram,
    stackSettings,
} from "../../harness/program";
import { Editable } from "../../harness/stackConfig";

describe("NamespaceGovernance", () => {
    describe("homelab stack", () => {
        let run: ProgramRun;
        before(async () => {
            run = await runProgram();
        });

        it("restores seldon-system-quota with the three compute resources the seed's error named", () => {
            const quota = findObject(run, "ResourceQuota", "seldon-system-quota", "seldon-system");
            assert.deepStrictEqual(quota.inputs.spec, {
                hard: {
                    "requests.cpu": "8",
                    "requests.memory": "16Gi",
                    "limits.memory": "32Gi",
                    pods: "100",
                },
            });
        });

        it("fills in containers that declare nothing from a LimitRange", () => {
            const limitRange = findObject(run, "LimitRange", "seldon-system-limits", "seldon-system");
            assert.deepStrictEqual(limitRange.inputs.spec, {
                limits: [
                    {
                        type: "Container",
                        default: { cpu: "500m", memory: "256Mi" },
                        defaultRequest: { cpu: "100m", memory: "128Mi" },
                        max: { cpu: "4", memory: "8Gi" },
                    },
                ],
            });
        });

        it("always lets pods reach the cluster DNS on 53/UDP and 53/TCP", () => {
            const policy = findObject(run, "NetworkPolicy", "allow-dns-egress", "seldon-system");
            assert.deepStrictEqual(policy.inputs.spec, {
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
                            { port: 53, protocol: "UDP" },
                            { port: 53, protocol: "TCP" },
                        ],
                    },
                ],
            });
        });

        it("lets pods reach each listed service's namespace on its port", () => {
            const policy = findObject(run, "NetworkPolicy", "allow-mlflow-egress", "seldon-system");
            assert.deepStrictEqual(policy.inputs.spec, {
                podSelector: {},
                policyTypes: ["Egress"],
                egress: [
                    {
                        to: [
                            {
                                namespaceSelector: {
                                    matchLabels: { "kubernetes.io/metadata.name": "mlflow" },
                                },
                            },
                        ],
                        ports: [{ port: 5000, protocol: "TCP" }],
                    },
                ],
            });
        });

        it("keeps everything outside the pod and service ranges reachable", () => {
            const policy = findObject(run, "NetworkPolicy", "allow-off-cluster-egress", "seldon-system");
            assert.deepStrictEqual(policy.inputs.spec, {
                podSelector: {},
                policyTypes: ["Egress"],
                egress: [
                    { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.42.0.0/16", "10.43.0.0/16"] } }] },
                ],
            });
            assert.deepStrictEqual(
                resourcesOfType(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy")
                    .map((resource) => (resource.inputs.metadata as Editable).name)
                    .sort(),
                [
                    "allow-api-server-egress",
                    "allow-dns-egress",
                    "allow-mlflow-egress",
                    "allow-off-cluster-egress",
                ],
            );
        });

        it("lets pods reach the API server by the kubernetes Service's ClusterIP, whatever the node addresses", () => {
            const policy = findObject(run, "NetworkPolicy", "allow-api-server-egress", "seldon-system");
            assert.deepStrictEqual((policy.inputs.spec as Editable).egress, [
                { to: [{ ipBlock: { cidr: "10.43.0.1/32" } }], ports: [{ port: 443, protocol: "TCP" }] },
            ]);
        });

        it("declares quota, LimitRange and policies after their namespace", () => {
            const namespace = findObject(run, "Namespace", "seldon-system");
            const governed = run.resources.filter(
                (resource) =>
                    (resource.inputs.metadata as Editable)?.namespace === "seldon-system" &&
                    resource.parent === namespace.parent,
            );
            assert.strictEqual(governed.length, 6);
            for (const resource of governed) {
                assert.deepStrictEqual(resource.dependencies, [namespace.urn], resource.name);
            }
        });
    });

    describe("other settings", () => {
        it("governs every namespace and leaves out IPv6 cluster ranges only from an IPv6 block", async () => {
            const settings = stackSettings() as Editable;
            settings.namespaces.training = {
                quota: { "requests.cpu": "2" },
                limitRange: {
                    default: { cpu: "200m", memory: "128Mi" },
                    defaultRequest: { cpu: "50m", memory: "64Mi" },
                    max: { cpu: "1", memory: "1Gi" },
                },
            };
            settings.network.podCidr = "fd00:42::/56";
            const run = await runProgram({
                overrides: { namespaces: settings.namespaces, network: settings.network },
            });
            assert.deepStrictEqual(
                findObject(run, "ResourceQuota", "training-quota", "training").inputs.spec,
                {
                    hard: { "requests.cpu": "2" },
                },
            );
            findObject(run, "LimitRange", "training-limits", "training");
            const policies = resourcesOfType(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy").filter(
                (resource) => (resource.inputs.metadata as Editable).namespace === "training",
            );
            assert.deepStrictEqual(
                policies.map((resource) => (resource.inputs.metadata as Editable).name).sort(),
                ["allow-api-server-egress", "allow-dns-egress", "allow-off-cluster-egress"],
            );
            const offCluster = findObject(run, "NetworkPolicy", "allow-off-cluster-egress", "training");
            assert.deepStrictEqual((offCluster.inputs.spec as Editable).egress, [
                {
                    to: [
                        { ipBlock: { cidr: "0.0.0.0/0", except: ["10.43.0.0/16"] } },
                        { ipBlock: { cidr: "::/0", except: ["fd00:42::/56"] } },
                    ],
                },
            ]);
        });
    });

    describe("node addresses", () => {
        let run: ProgramRun;
        before(async () => {
            const settings = stackSettings() as Editable;
            settings.network.nodeAddresses = ["192.168.1.10", "192.168.1.16/30"];
            settings.network.nodePorts = [9100];
            run = await runProgram({ overrides: { network: settings.network } });
        });

        it("closes them in the off-cluster rule", () => {
            const offCluster = findObject(run, "NetworkPolicy", "allow-off-cluster-egress", "seldon-system");
            assert.deepStrictEqual((offCluster.inputs.spec as Editable).egress, [
                {
                    to: [
                        {
                            ipBlock: {
                                cidr: "0.0.0.0/0",
                                except: [
                                    "10.42.0.0/16",
                                    "10.43.0.0/16",
                                    "192.168.1.10/32",
                                    "192.168.1.16/30",
                                ],
                            },
                        },
                    ],
                },
            ]);
        });

        it("opens the API server's port on them, beside the kubernetes Service's ClusterIP, as an engine sees it after DNAT", () => {
            const policy = findObject(run, "NetworkPolicy", "allow-api-server-egress", "seldon-system");
            assert.deepStrictEqual((policy.inputs.spec as Editable).egress, [
                { to: [{ ipBlock: { cidr: "10.43.0.1/32" } }], ports: [{ port: 443, protocol: "TCP" }] },
                {
                    to: [{ ipBlock: { cidr: "192.168.1.10/32" } }, { ipBlock: { cidr: "192.168.1.16/30" } }],
                    ports: [{ port: 6443, protocol: "TCP" }],
                },
            ]);
        });

        it("opens network.nodePorts on them, and nothing else", () => {
            const policy = findObject(run, "NetworkPolicy", "allow-node-ports-egress", "seldon-system");
            assert.deepStrictEqual((policy.inputs.spec as Editable).egress, [
                {
                    to: [{ ipBlock: { cidr: "192.168.1.10/32" } }, { ipBlock: { cidr: "192.168.1.16/30" } }],
                    ports: [{ port: 9100, protocol: "TCP" }],
                },
            ]);
        });
    });

    describe("arguments", () => {
        before(async () => {
            await pulumi.runtime.setMocks({
                newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
                call: () => ({}),
            });
        });

        it("refuses an egress service that is not among the services", () => {
            const settings = validateSettings(stackSettings());
            assert.throws(
                () =>
                    new NamespaceGovernance("governance", {
                        namespaces: settings.namespaces,
                        services: [],
                        network: settings.network,
                    }),
                {
                    message:
                        'NamespaceGovernance governance: namespaces[0].egressServices: "mlflow" is not a key of services',
                },
            );
        });
    });

    describe("constructed directly", () => {
        it("governs each namespace it is given, egress to the services named and off the cluster's ranges", async () => {
            const run = await runComponents(
                () =>
                    new NamespaceGovernance("gov", {
                        namespaces: [
                            {
                                name: "team-a",
                                quota: { pods: "10" },
                                limitRange: { default: { cpu: "1" }, defaultRequest: {}, max: {} },
                                egressServices: ["registry"],
                            },
                        ],
                        services: [{ key: "registry", namespace: "registry", port: 5000 }],
                        network: { podCidr: "10.60.0.0/16", serviceCidr: "10.61.0.0/16" },
                    }),
            );
            assert.deepStrictEqual(findObject(run, "ResourceQuota", "team-a-quota", "team-a").inputs.spec, {
                hard: { pods: "10" },
            });
            const registry = findObject(run, "NetworkPolicy", "allow-registry-egress", "team-a");
            assert.deepStrictEqual((registry.inputs.spec as Editable).egress, [
                {
                    to: [
                        { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "registry" } } },
                    ],
                    ports: [{ port: 5000, protocol: "TCP" }],
                },
            ]);
            const offCluster = findObject(run, "NetworkPolicy", "allow-off-cluster-egress", "team-a");
            assert.deepStrictEqual((offCluster.inputs.spec as Editable).egress, [
                { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.60.0.0/16", "10.61.0.0/16"] } }] },
            ]);
        });

        it("declares nothing when an egress service is not among the services", async () => {
            await assert.rejects(
                runComponents(
                    () =>
                        new NamespaceGovernance("gov", {
                            namespaces: [
                                {
                                    name: "team-a",
                                    quota: {},
                                    limitRange: { default: {}, defaultRequest: {}, max: {} },
                                    egressServices: ["minio"],
                                },
                            ],
                            services: [],
                            network: { podCidr: "10.60.0.0/16", serviceCidr: "10.61.0.0/16" },
                        }),
                ),
                (error: ProgramFailure) => {
                    assert.strictEqual(
                        error.message,
                        'NamespaceGovernance gov: namespaces[0].egressServices: "minio" is not a key of services',
                    );
                    assert.deepStrictEqual(error.resources, []);
                    return true;
                },
            );
        });
    });
});
