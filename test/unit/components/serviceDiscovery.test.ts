import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { dnsProbeScript, ServiceDiscovery } from "../../../components/serviceDiscovery";
import { validateSettings } from "../../../stacks/validation";
import {
    findObject,
    ProgramFailure,
    ProgramRun,
    RecordedResource,
    resourcesOfType,
    runComponents,
    runProgram,
    stackSettings,
} from "../../harness/program";
import { Editable } from "../../harness/stackConfig";

const jobType = "kubernetes:batch/v1:Job";

function probeIn(run: ProgramRun, namespace: string): RecordedResource {
    const jobs = resourcesOfType(run, jobType).filter(
        (job) => (job.inputs.metadata as Editable).namespace === namespace,
    );
    assert.strictEqual(jobs.length, 1, `one probe Job in ${namespace}`);
    return jobs[0];
}

/** Runs the probe script with a stand-in `nslookup` that resolves only names starting with "good". */
function runProbeScript(names: string[]): { status: number | null; stdout: string } {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "dns-probe-"));
    try {
        const nslookup = path.join(bin, "nslookup");
        fs.writeFileSync(
            nslookup,
            '#!/bin/sh\ncase "$1" in good*) echo "Name: $1"; echo "Address: 10.43.0.1";;\n' +
                '*) echo "** server can\'t find $1: NXDOMAIN"; exit 1;; esac\n',
        );
        fs.chmodSync(nslookup, 0o755);
        const result = spawnSync("/bin/sh", ["-c", dnsProbeScript, "dns-probe", ...names], {
            env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
            encoding: "utf8",
        });
        return { status: result.status, stdout: result.stdout };
    } finally {
        fs.rmSync(bin, { recursive: true, force: true });
    }
}

describe("ServiceDiscovery", () => {
    describe("homelab stack", () => {
        let run: ProgramRun;
        before(async () => {
            run = await runProgram();
        });

        it("publishes MLflow's cluster-DNS URL, not a LoadBalancer IP", () => {
            const configMap = findObject(run, "ConfigMap", "platform-endpoints", "seldon-system");
            assert.deepStrictEqual(configMap.inputs.data, {
                MLFLOW_TRACKING_URI: "http://mlflow.mlflow.svc.cluster.local:5000",
            });
        });

        it("probes every service name and the API server's with explicit resources", () => {
            const job = probeIn(run, "seldon-system");
            const pod = (job.inputs.spec as Editable).template.spec;
            assert.strictEqual(pod.containers.length, 1);
            const container = pod.containers[0];
            assert.strictEqual(container.image, "busybox:1.37.0");
            assert.deepStrictEqual(container.command, [
                "/bin/sh",
                "-c",
                dnsProbeScript,
                "dns-probe",
                "mlflow.mlflow.svc.cluster.local",
                "kubernetes.default.svc.cluster.local",
            ]);
            assert.deepStrictEqual(container.resources, {
                requests: { cpu: "10m", memory: "16Mi" },
                limits: { cpu: "100m", memory: "32Mi" },
            });
            assert.deepStrictEqual(pod.initContainers, []);
            assert.strictEqual(pod.restartPolicy, "Never");
        });

        it("is auto-named, retries little, and waits for the provider when nodes exist", () => {
            const job = probeIn(run, "seldon-system");
            const metadata = job.inputs.metadata as Editable;
            assert.strictEqual(metadata.name, undefined);
            assert.strictEqual(metadata.annotations, undefined);
            assert.strictEqual((job.inputs.spec as Editable).backoffLimit, 1);
        });

        it("runs after the namespace's quota, LimitRange and NetworkPolicies", () => {
            const job = probeIn(run, "seldon-system");
            const expected = [
                findObject(run, "Namespace", "seldon-system"),
                findObject(run, "ResourceQuota", "seldon-system-quota"),
                findObject(run, "LimitRange", "seldon-system-limits"),
                findObject(run, "NetworkPolicy", "allow-dns-egress", "seldon-system"),
                findObject(run, "NetworkPolicy", "allow-api-server-egress", "seldon-system"),
                findObject(run, "NetworkPolicy", "allow-mlflow-egress", "seldon-system"),
                findObject(run, "NetworkPolicy", "allow-off-cluster-egress", "seldon-system"),
            ].map((resource) => resource.urn);
            assert.deepStrictEqual([...job.dependencies].sort(), expected.sort());
            const configMap = findObject(run, "ConfigMap", "platform-endpoints", "seldon-system");
            assert.deepStrictEqual([...configMap.dependencies].sort(), expected.sort());
        });
    });

    it("marks the probe Job skipAwait when readiness waits are off", async () => {
        const run = await runProgram({ overrides: { skipAwait: true } });
        const metadata = probeIn(run, "seldon-system").inputs.metadata as Editable;
        assert.deepStrictEqual(metadata.annotations, { "pulumi.com/skipAwait": "true" });
    });

    it("follows the cluster domain and every service, in each workflow namespace", async () => {
        const settings = stackSettings() as Editable;
        settings.network.clusterDomain = "homelab.internal";
        settings.services.registry = {
            namespace: "registry",
            service: "zot",
            port: 5000,
            scheme: "https",
            variable: "REGISTRY_URL",
        };
        settings.argo.workflowNamespaces = ["seldon-system", "training"];
        settings.namespaces.training = structuredClone(settings.namespaces["seldon-system"]);
        const run = await runProgram({
            overrides: {
                network: settings.network,
                services: settings.services,
                argo: settings.argo,
                namespaces: settings.namespaces,
            },
        });
        for (const namespace of ["seldon-system", "training"]) {
            assert.deepStrictEqual(
                findObject(run, "ConfigMap", "platform-endpoints", namespace).inputs.data,
                {
                    MLFLOW_TRACKING_URI: "http://mlflow.mlflow.svc.homelab.internal:5000",
                    REGISTRY_URL: "https://zot.registry.svc.homelab.internal:5000",
                },
            );
            const command = (probeIn(run, namespace).inputs.spec as Editable).template.spec.containers[0]
                .command;
            assert.deepStrictEqual(command.slice(4), [
                "mlflow.mlflow.svc.homelab.internal",
                "zot.registry.svc.homelab.internal",
                "kubernetes.default.svc.homelab.internal",
            ]);
        }
    });

    describe("probe script", () => {
        it("prints one line per name and succeeds when every name resolves", () => {
            const result = runProbeScript(["good.one", "good.two"]);
            assert.strictEqual(result.status, 0);
            assert.strictEqual(result.stdout, "resolved good.one\nresolved good.two\n");
        });

        it("exits non-zero naming every name that failed", () => {
            const result = runProbeScript(["bad.one", "good.two", "bad.three"]);
            assert.strictEqual(result.status, 1);
            assert.deepStrictEqual(result.stdout.trimEnd().split("\n"), [
                "FAILED bad.one: ** server can't find bad.one: NXDOMAIN ",
                "resolved good.two",
                "FAILED bad.three: ** server can't find bad.three: NXDOMAIN ",
                "unresolved: bad.one bad.three",
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

        it("refuses two services that publish the same variable", () => {
            const settings = validateSettings(stackSettings());
            const services = [...settings.services, { ...settings.services[0], key: "mlflow-copy" }];
            assert.throws(
                () =>
                    new ServiceDiscovery("discovery", {
                        namespaces: ["seldon-system"],
                        services,
                        clusterDomain: "cluster.local",
                        dnsProbe: settings.dnsProbe,
                    }),
                {
                    message:
                        'ServiceDiscovery discovery: services: variable "MLFLOW_TRACKING_URI" is used by more than one service',
                },
            );
        });
    });

    describe("constructed directly", () => {
        const services = [
            { namespace: "registry", service: "zot", port: 5000, scheme: "https", variable: "REGISTRY_URL" },
            {
                namespace: "mlflow",
                service: "mlflow",
                port: 5000,
                scheme: "http",
                variable: "MLFLOW_TRACKING_URI",
            },
        ];
        const dnsProbe = { image: "busybox:1.37.0", resources: { requests: { cpu: "10m" }, limits: {} } };

        it("publishes the services it is given in each namespace it is given", async () => {
            const run = await runComponents(
                () =>
                    new ServiceDiscovery("sd", {
                        namespaces: ["team-a"],
                        services,
                        clusterDomain: "lab.internal",
                        dnsProbe,
                        skipAwait: true,
                    }),
            );
            assert.deepStrictEqual(findObject(run, "ConfigMap", "platform-endpoints", "team-a").inputs.data, {
                REGISTRY_URL: "https://zot.registry.svc.lab.internal:5000",
                MLFLOW_TRACKING_URI: "http://mlflow.mlflow.svc.lab.internal:5000",
            });
            assert.deepStrictEqual((probeIn(run, "team-a").inputs.metadata as Editable).annotations, {
                "pulumi.com/skipAwait": "true",
            });
        });

        it("declares nothing when two services publish one variable", async () => {
            await assert.rejects(
                runComponents(
                    () =>
                        new ServiceDiscovery("sd", {
                            namespaces: ["team-a"],
                            services: [...services, { ...services[0], service: "harbor" }],
                            clusterDomain: "lab.internal",
                            dnsProbe,
                        }),
                ),
                (error: ProgramFailure) => {
                    assert.strictEqual(
                        error.message,
                        'ServiceDiscovery sd: services: variable "REGISTRY_URL" is used by more than one service',
                    );
                    assert.deepStrictEqual(error.resources, []);
                    return true;
                },
            );
        });
    });
});
