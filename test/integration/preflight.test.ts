// `npm run preflight` on the real API server, after platform.test.ts's `pulumi up`: first the
// cluster as the stack left it, then with each thing preflight looks for planted by hand, the way
// a k3s homelab has them (ServiceLB's DaemonSet, Traefik's LoadBalancer Service and default
// IngressClass, Calico's quickstart pool, a coredns-custom forward, a second MetalLB, a Service the
// egress rules would cut off), then settings that describe another cluster. Everything planted is
// removed afterwards, so the next test file finds the cluster as platform.test.ts left it.
//
// The CustomResourceDefinitions for Calico's IPPool and the Tigera operator's Installation take
// the real groups, kinds, plurals and scopes (cluster-scoped both) from projectcalico/calico's
// libcalico-go/config/crd/crd.projectcalico.org_ippools.yaml and tigera/operator's
// pkg/crds/operator/operator.tigera.io_installations.yaml, with an open schema: preflight reads
// their objects through the API server, which is what this exercises.

import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readManifest } from "../harness/manifests";
import { Cluster, KubernetesObject, ObjectReference } from "../../hack/cluster/cluster";
import { run } from "../../hack/cluster/commands";
import { localStack, PulumiWorkspace } from "../../hack/cluster/workspace";

const project = "homelab-platform";
const nodeName = "homelab-node";

interface ReportedFinding {
    check: string;
    level: "blocks" | "warns" | "ok";
    subject: string;
    message: string;
    fix?: string;
}

interface Report {
    code: number;
    blocking: number;
    findings: ReportedFinding[];
    output: string;
}

async function preflight(workspace: PulumiWorkspace, environment: NodeJS.ProcessEnv = {}): Promise<Report> {
    const result = await run("npm", ["run", "--silent", "preflight", "--", "--stack", "local", "--json"], {
        cwd: workspace.directory,
        env: { ...process.env, ...environment },
    });
    let parsed: { blocking: number; findings: ReportedFinding[] };
    try {
        parsed = JSON.parse(result.stdout) as typeof parsed;
    } catch {
        throw new Error(`preflight printed no JSON (exit ${result.code}):\n${result.output}`);
    }
    return { code: result.code, ...parsed, output: result.output };
}

function notOk(report: Report): string[] {
    return report.findings
        .filter((finding) => finding.level !== "ok")
        .map((finding) => `${finding.check} ${finding.level} ${finding.subject}`);
}

function openCrd(group: string, kind: string, plural: string): KubernetesObject {
    return {
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        metadata: { name: `${plural}.${group}` },
        spec: {
            group,
            scope: "Cluster",
            names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
            versions: [
                {
                    name: "v1",
                    served: true,
                    storage: true,
                    schema: {
                        openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
                    },
                },
            ],
        },
    };
}

/** The findings each planted object should bring, as `check level subject`. */
const planted: { what: string; finding: string }[] = [
    { what: "ServiceLB's DaemonSet", finding: "servicelb blocks kube-system/svclb-traefik-1a2b3c4d" },
    { what: "Traefik's LoadBalancer Service", finding: "traefik blocks Service kube-system/traefik" },
    { what: "Traefik's default IngressClass", finding: "traefik warns IngressClass traefik" },
    { what: "Calico's quickstart IPPool", finding: "calico-cidrs blocks IPPool default-ipv4-ippool" },
    {
        what: "an Installation's pool outside network.podCidr",
        finding: "calico-cidrs warns Installation default spec.calicoNetwork.ipPools[0]",
    },
    {
        what: "a coredns-custom forward",
        finding: "cluster-dns warns ConfigMap kube-system/coredns-custom, key lab.server",
    },
    {
        what: "a second MetalLB under another release",
        finding:
            "versions blocks metallb 0.14.8 in preflight-lab/metallb-old (preflight-lab/metallb-old-controller)",
    },
    {
        what: "a Service the egress rules would cut off",
        finding: "egress-destinations warns namespace seldon-system",
    },
];

describe("npm run preflight on the local cluster", function () {
    const cluster = new Cluster();
    let workspace: PulumiWorkspace;
    const made: ObjectReference[] = [];

    async function plant(object: KubernetesObject): Promise<void> {
        await cluster.create(object);
        made.unshift({
            apiVersion: object.apiVersion,
            kind: object.kind,
            name: object.metadata.name,
            namespace: object.metadata.namespace,
        });
    }

    before(async () => {
        workspace = await localStack();
    });

    after(async () => {
        for (const reference of made) {
            await cluster.deleteIfPresent(reference);
        }
        await cluster.mergePatch(
            { apiVersion: "v1", kind: "Node", name: nodeName },
            { metadata: { annotations: { "k3s.io/node-args": null } } },
        );
        workspace.resetSettings();
    });

    it("finds nothing that blocks on the cluster the stack made, and says that nothing it can see enforces NetworkPolicy", async () => {
        const report = await preflight(workspace);
        assert.strictEqual(report.code, 0, report.output);
        assert.strictEqual(report.blocking, 0, report.output);
        // kube-router runs beside the kubelet as a process, as k3s runs its own: the API shows no engine.
        assert.deepStrictEqual(notOk(report), ["network-policy warns NetworkPolicy"], report.output);
        const versions = report.findings
            .filter((finding) => finding.check === "versions")
            .map((f) => f.subject);
        assert.deepStrictEqual(
            versions.map((subject) => subject.replace(/ \(.*\)$/, "")),
            [
                "metallb 0.15.2 in metallb-system/metallb",
                "ingress-nginx 4.15.1 in ingress-nginx/ingress-nginx",
                "argo-workflows 0.45.20 in argo/argo-workflows",
            ],
        );
        const dns = report.findings.find((finding) => finding.check === "cluster-dns");
        assert.match(dns?.message ?? "", /^kube-dns is at 10\.43\.0\.10 with [1-9][0-9]* ready endpoints?$/);
        const egress = report.findings.find((finding) => finding.check === "egress-destinations");
        assert.match(
            egress?.message ?? "",
            /reaches Service mlflow\/mlflow \(ConfigMap seldon-system\/platform-endpoints key .*allowed as services\.mlflow/,
        );
    });

    it("reports every finding planted on the cluster, and exits 1", async () => {
        await plant({
            apiVersion: "apps/v1",
            kind: "DaemonSet",
            metadata: {
                name: "svclb-traefik-1a2b3c4d",
                namespace: "kube-system",
                labels: { "svccontroller.k3s.cattle.io/svcname": "traefik" },
            },
            spec: {
                selector: { matchLabels: { app: "svclb-traefik-1a2b3c4d" } },
                template: {
                    metadata: { labels: { app: "svclb-traefik-1a2b3c4d" } },
                    // k3s' own DaemonSet runs klipper-lb on every node; this one is only an object.
                    spec: {
                        nodeSelector: { "homelab.test/no-such-node": "true" },
                        containers: [{ name: "lb-tcp-80", image: "busybox:1.37.0" }],
                    },
                },
            },
        });
        await plant({
            apiVersion: "v1",
            kind: "Service",
            metadata: {
                name: "traefik",
                namespace: "kube-system",
                labels: { "app.kubernetes.io/name": "traefik" },
            },
            spec: { type: "LoadBalancer", ports: [{ name: "web", port: 80 }] },
        });
        const traefikAddress = await cluster.waitFor(
            "MetalLB to give Traefik's Service an address",
            async () => {
                const service = await cluster.read({
                    apiVersion: "v1",
                    kind: "Service",
                    name: "traefik",
                    namespace: "kube-system",
                });
                return service.status?.loadBalancer?.ingress?.[0]?.ip as string | undefined;
            },
        );
        await plant({
            apiVersion: "networking.k8s.io/v1",
            kind: "IngressClass",
            metadata: {
                name: "traefik",
                labels: { "app.kubernetes.io/name": "traefik" },
                annotations: { "ingressclass.kubernetes.io/is-default-class": "true" },
            },
            spec: { controller: "traefik.io/ingress-controller" },
        });
        await plant(openCrd("crd.projectcalico.org", "IPPool", "ippools"));
        await plant(openCrd("operator.tigera.io", "Installation", "installations"));
        const createOnceServed = (object: KubernetesObject) =>
            cluster.waitFor(`the API server to serve ${object.apiVersion}`, async () => {
                try {
                    await plant(object);
                    return true;
                } catch {
                    return undefined;
                }
            });
        await createOnceServed({
            apiVersion: "crd.projectcalico.org/v1",
            kind: "IPPool",
            metadata: { name: "default-ipv4-ippool" },
            spec: { cidr: "192.168.0.0/16", natOutgoing: true, nodeSelector: "all()" },
        });
        await createOnceServed({
            apiVersion: "operator.tigera.io/v1",
            kind: "Installation",
            metadata: { name: "default" },
            spec: { calicoNetwork: { ipPools: [{ cidr: "10.52.0.0/16", encapsulation: "VXLAN" }] } },
        });
        await plant({
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name: "coredns-custom", namespace: "kube-system" },
            data: { "lab.server": "lab:53 {\n    forward . 192.168.1.1\n}\n" },
        });
        await plant({ apiVersion: "v1", kind: "Namespace", metadata: { name: "preflight-lab" } });
        await plant({
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: {
                name: "metallb-old-controller",
                namespace: "preflight-lab",
                labels: { "helm.sh/chart": "metallb-0.14.8", "app.kubernetes.io/instance": "metallb-old" },
            },
            spec: {
                replicas: 0,
                selector: { matchLabels: { app: "metallb-old" } },
                template: {
                    metadata: { labels: { app: "metallb-old" } },
                    spec: { containers: [{ name: "controller", image: "busybox:1.37.0" }] },
                },
            },
        });
        await plant({ apiVersion: "v1", kind: "Namespace", metadata: { name: "storage" } });
        await plant({
            apiVersion: "v1",
            kind: "Service",
            metadata: { name: "minio", namespace: "storage" },
            spec: { ports: [{ name: "s3", port: 9000 }] },
        });
        await plant({
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name: "training-env", namespace: "seldon-system" },
            data: { ARTIFACT_ENDPOINT: "http://minio.storage.svc.cluster.local:9000" },
        });

        const report = await preflight(workspace);
        assert.strictEqual(report.code, 1, report.output);
        const reported = notOk(report);
        const missing = planted.filter(({ finding }) => !reported.includes(finding));
        assert.deepStrictEqual(missing, [], report.output);
        assert.strictEqual(reported.length, planted.length, report.output);
        // The clean cluster's one warning is gone: an Installation means Calico, which enforces policy.
        const policy = report.findings.find((finding) => finding.check === "network-policy");
        assert.strictEqual(policy?.message, "enforced by Calico (Installation default)", report.output);
        assert.strictEqual(report.blocking, 4, report.output);
        const traefik = report.findings.find((finding) => finding.subject === "Service kube-system/traefik");
        assert.match(
            traefik?.message ?? "",
            new RegExp(`it holds ${traefikAddress.replace(/\./g, "\\.")}\\)$`),
        );
        const calico = report.findings.find((finding) => finding.subject === "IPPool default-ipv4-ippool");
        assert.match(
            calico?.message ?? "",
            /overlaps the LAN \(network\.lanCidr 192\.168\.1\.0\/24\); MetalLB's/,
        );
        const egress = report.findings.find(
            (finding) => finding.check === "egress-destinations" && finding.level === "warns",
        );
        assert.match(
            egress?.message ?? "",
            /Service storage\/minio \(ConfigMap seldon-system\/training-env key ARTIFACT_ENDPOINT\)/,
        );
        assert.match(egress?.fix ?? "", /namespaces\.seldon-system\.egressServices/);
    });

    it("counts k3s' embedded policy controller on a node that k3s started without --disable-network-policy", async () => {
        await cluster.delete({ apiVersion: "operator.tigera.io/v1", kind: "Installation", name: "default" });
        await cluster.mergePatch(
            { apiVersion: "v1", kind: "Node", name: nodeName },
            {
                metadata: {
                    annotations: {
                        "k3s.io/node-args": JSON.stringify(["server", "--disable=traefik,servicelb"]),
                    },
                },
            },
        );
        const report = await preflight(workspace);
        const policy = report.findings.find((finding) => finding.check === "network-policy");
        assert.strictEqual(policy?.level, "ok", report.output);
        assert.strictEqual(policy?.message, `enforced by k3s' embedded policy controller (on ${nodeName})`);
    });

    it("blocks on settings that describe another cluster: kube-dns elsewhere, the node inside the general pool", async () => {
        try {
            workspace.setSettings(project, {
                network: {
                    lanCidr: "192.168.1.0/24",
                    podCidr: "10.42.0.0/16",
                    serviceCidr: "10.96.0.0/12",
                    clusterDomain: "cluster.local",
                },
            });
            const metallb = workspace.getSetting<Record<string, unknown>>(project, "metallb");
            workspace.setSettings(project, {
                metallb: {
                    ...metallb,
                    generalPool: { name: "homelab-pool", addresses: "192.168.1.2-192.168.1.250" },
                },
            });
            const report = await preflight(workspace);
            assert.strictEqual(report.code, 1, report.output);
            const blocking = report.findings
                .filter((finding) => finding.level === "blocks")
                .map((finding) => `${finding.check}: ${finding.message}`);
            assert.ok(
                blocking.some((line) =>
                    line.startsWith(
                        "cluster-dns: kube-dns is at 10.43.0.10, not at 10.96.0.10 (the tenth address of network.serviceCidr 10.96.0.0/12",
                    ),
                ),
                report.output,
            );
            assert.ok(
                blocking.includes(
                    "nodes-outside-pools: the node's InternalIP 192.168.1.10 lies in metallb.generalPool (192.168.1.2-192.168.1.250): " +
                        "MetalLB would hand a node's own address to a Service, and both would answer ARP for it",
                ),
                report.output,
            );
        } finally {
            workspace.resetSettings();
        }
    });

    describe("with get and list only (cli/preflight-rbac.yaml)", () => {
        const [rbac]: KubernetesObject[] = readManifest("cli/preflight-rbac.yaml");
        const account = {
            apiVersion: "v1",
            kind: "ServiceAccount",
            name: "preflight",
            namespace: "kube-system",
        };
        const binding = {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "ClusterRoleBinding",
            name: "homelab-platform-preflight",
        };
        let kubeconfig: string;

        before(async () => {
            await plant(rbac);
            await plant({
                apiVersion: "v1",
                kind: "ServiceAccount",
                metadata: { name: "preflight", namespace: "kube-system" },
            });
            kubeconfig = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "preflight-")), "kubeconfig");
            fs.writeFileSync(
                kubeconfig,
                cluster.kubeconfigFor(
                    "preflight",
                    await cluster.serviceAccountToken(account.namespace, account.name),
                ),
            );
        });

        after(async () => {
            await cluster.deleteIfPresent(binding);
            fs.rmSync(path.dirname(kubeconfig), { recursive: true, force: true });
        });

        it("without it, reports each read it was refused as a warning of the check that needed it", async () => {
            const report = await preflight(workspace, { KUBECONFIG: kubeconfig });
            const refused = report.findings
                .filter((finding) => finding.message.startsWith("not read (403"))
                .map((finding) => `${finding.check}: ${finding.subject}`);
            assert.deepStrictEqual(
                refused.sort(),
                [
                    "calico-cidrs: crd.projectcalico.org/v1 ippools",
                    "calico-cidrs: operator.tigera.io/v1 installations",
                    "calico-cidrs: projectcalico.org/v3 ippools",
                    "cluster-dns: core/v1 ConfigMap kube-system/coredns-custom",
                    "cluster-dns: discovery.k8s.io/v1 endpointslices in kube-system",
                    "egress-destinations: core/v1 configmaps in seldon-system",
                    "egress-destinations: core/v1 pods in seldon-system",
                    "nodes-outside-pools: core/v1 nodes",
                    "nodes-outside-pools: metallb.io/v1beta1 ipaddresspools",
                    "servicelb: apps/v1 daemonsets",
                    "traefik: core/v1 services",
                    "traefik: networking.k8s.io/v1 ingressclasses",
                    "versions: apps/v1 deployments",
                ],
                report.output,
            );
        });

        it("with it, reads everything and finds what the cluster's admin finds", async () => {
            await cluster.create({
                apiVersion: binding.apiVersion,
                kind: binding.kind,
                metadata: { name: binding.name },
                roleRef: {
                    apiGroup: "rbac.authorization.k8s.io",
                    kind: "ClusterRole",
                    name: rbac.metadata.name,
                },
                subjects: [{ kind: "ServiceAccount", name: account.name, namespace: account.namespace }],
            });
            const [limited, admin] = await cluster.waitFor("the binding to take effect", async () => {
                const reports = [
                    await preflight(workspace, { KUBECONFIG: kubeconfig }),
                    await preflight(workspace),
                ];
                return reports[0].findings.some((finding) => finding.message.startsWith("not read"))
                    ? undefined
                    : reports;
            });
            assert.deepStrictEqual(limited.findings, admin.findings);
        });
    });
});
