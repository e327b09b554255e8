import * as assert from "assert";
import {
    ClusterSnapshot,
    clusterDnsAddress,
    Finding,
    PreflightCheck,
    preflightFindings,
    renderPreflight,
} from "../../../stacks/preflight";
import { validateSettings } from "../../../stacks/validation";
import { stackSettings } from "../../harness/program";
import { projectRoot } from "../../harness/stackConfig";

/** The homelab's settings, with its node's address written down as docs/operating.md asks. */
const homelab = validateSettings(
    stackSettings({
        overrides: {
            network: {
                ...(stackSettings().network as object),
                nodeAddresses: ["192.168.1.10"],
            },
        },
    }),
);

type Json = Record<string, unknown>;

function item(name: string, namespace?: string, extra: Json = {}, meta: Json = {}): Json {
    return { metadata: { name, ...(namespace ? { namespace } : {}), ...meta }, ...extra };
}

/** A k3s homelab as the stack wants it: ServiceLB and Traefik disabled, Calico on 10.42.0.0/16, CoreDNS ready. */
function healthyCluster(): ClusterSnapshot {
    return {
        nodes: [
            item(
                "lab-1",
                undefined,
                { status: { addresses: [{ type: "InternalIP", address: "192.168.1.10" }] } },
                {
                    annotations: {
                        "k3s.io/node-args": JSON.stringify([
                            "server",
                            "--disable",
                            "servicelb",
                            "--disable=traefik",
                            "--flannel-backend=none",
                        ]),
                    },
                },
            ),
        ],
        daemonSets: [item("calico-node", "calico-system")],
        deployments: [],
        services: [
            item("kube-dns", "kube-system", { spec: { type: "ClusterIP", clusterIP: "10.43.0.10" } }),
            item("kubernetes", "default", { spec: { type: "ClusterIP", clusterIP: "10.43.0.1" } }),
            item("mlflow", "mlflow", { spec: { type: "ClusterIP", clusterIP: "10.43.7.7" } }),
        ],
        dnsEndpointSlices: [
            item("kube-dns-x1", "kube-system", {
                endpoints: [{ addresses: ["10.42.0.5"], conditions: { ready: true } }],
            }),
        ],
        ingressClasses: [],
        calicoPools: [item("default-ipv4-ippool", undefined, { spec: { cidr: "10.42.0.0/16" } })],
        calicoInstallations: [],
        metallbPools: [],
        governedConfigMaps: [],
        governedPods: [],
        unread: [],
    };
}

function findingsOf(snapshot: ClusterSnapshot, check: PreflightCheck): Finding[] {
    return preflightFindings(snapshot, homelab, projectRoot).filter((finding) => finding.check === check);
}

function levels(findings: Finding[]): string[] {
    return findings.map((finding) => `${finding.level} ${finding.subject}`);
}

describe("npm run preflight's checks", () => {
    it("finds nothing that blocks or warns on a homelab set up as the stack wants it", () => {
        const findings = preflightFindings(healthyCluster(), homelab, projectRoot);
        assert.deepStrictEqual(
            findings.filter((finding) => finding.level !== "ok"),
            [],
        );
        assert.ok(findings.some((finding) => finding.check === "network-policy"));
    });

    describe("servicelb", () => {
        it("blocks on a klipper-lb DaemonSet, naming it", () => {
            const cluster = healthyCluster();
            cluster.daemonSets.push(
                item(
                    "svclb-traefik-1a2b3c4d",
                    "kube-system",
                    {},
                    { labels: { "svccontroller.k3s.cattle.io/svcname": "traefik" } },
                ),
            );
            const [finding] = findingsOf(cluster, "servicelb");
            assert.strictEqual(finding.level, "blocks");
            assert.strictEqual(finding.subject, "kube-system/svclb-traefik-1a2b3c4d");
            assert.match(finding.fix ?? "", /--disable=servicelb/);
        });

        it("blocks on a k3s node started without --disable=servicelb, before any LoadBalancer Service exists", () => {
            const cluster = healthyCluster();
            (cluster.nodes[0].metadata as Json).annotations = {
                "k3s.io/node-args": JSON.stringify(["server", "--disable=traefik"]),
            };
            assert.deepStrictEqual(levels(findingsOf(cluster, "servicelb")), ["blocks node lab-1"]);
        });

        it("reads a comma-separated --disable list", () => {
            const cluster = healthyCluster();
            (cluster.nodes[0].metadata as Json).annotations = {
                "k3s.io/node-args": JSON.stringify(["server", "--disable=traefik,servicelb"]),
            };
            assert.deepStrictEqual(levels(findingsOf(cluster, "servicelb")), ["ok cluster"]);
        });
    });

    describe("traefik", () => {
        it("blocks on Traefik's LoadBalancer Service, naming the pool address it holds", () => {
            const cluster = healthyCluster();
            cluster.services.push(
                item("traefik", "kube-system", {
                    spec: { type: "LoadBalancer" },
                    status: { loadBalancer: { ingress: [{ ip: "192.168.1.200" }] } },
                }),
            );
            const [finding] = findingsOf(cluster, "traefik");
            assert.strictEqual(finding.level, "blocks");
            assert.match(finding.message, /it holds 192\.168\.1\.200/);
        });

        it("warns on another default IngressClass, not on the stack's own", () => {
            const cluster = healthyCluster();
            const defaultClass = { annotations: { "ingressclass.kubernetes.io/is-default-class": "true" } };
            cluster.ingressClasses.push(
                item("traefik", undefined, {}, defaultClass),
                item("nginx", undefined, {}, defaultClass),
            );
            assert.deepStrictEqual(levels(findingsOf(cluster, "traefik")), ["warns IngressClass traefik"]);
        });
    });

    describe("calico-cidrs", () => {
        it("blocks on Calico's k3s quickstart pool 192.168.0.0/16: the LAN and MetalLB's pools are in it", () => {
            const cluster = healthyCluster();
            cluster.calicoInstallations.push(
                item("default", undefined, {
                    spec: {
                        calicoNetwork: {
                            ipPools: [{ cidr: "192.168.0.0/16", encapsulation: "VXLANCrossSubnet" }],
                        },
                    },
                }),
            );
            const blocking = findingsOf(cluster, "calico-cidrs").filter(
                (finding) => finding.level === "blocks",
            );
            assert.strictEqual(blocking.length, 1);
            assert.strictEqual(blocking[0].subject, "Installation default spec.calicoNetwork.ipPools[0]");
            assert.match(blocking[0].message, /the LAN \(network\.lanCidr 192\.168\.1\.0\/24\)/);
            assert.match(blocking[0].message, /192\.168\.1\.200-192\.168\.1\.250/);
        });

        it("warns on a pool outside network.podCidr, and skips disabled pools", () => {
            const cluster = healthyCluster();
            cluster.calicoPools.push(
                item("extra", undefined, { spec: { cidr: "10.52.0.0/16" } }),
                item("retired", undefined, { spec: { cidr: "172.16.0.0/16", disabled: true } }),
            );
            assert.deepStrictEqual(levels(findingsOf(cluster, "calico-cidrs")), ["warns IPPool extra"]);
        });
    });

    describe("cluster-dns", () => {
        it("takes k3s' default --cluster-dns, the tenth address of the service range", () => {
            assert.strictEqual(clusterDnsAddress("10.43.0.0/16"), "10.43.0.10");
            assert.strictEqual(clusterDnsAddress("10.96.0.0/12"), "10.96.0.10");
        });

        it("blocks when kube-dns is elsewhere than the settings' service range says, or has no ready endpoint", () => {
            const cluster = healthyCluster();
            (cluster.services[0].spec as Json).clusterIP = "10.96.0.10";
            cluster.dnsEndpointSlices = [
                item("kube-dns-x1", "kube-system", {
                    endpoints: [{ addresses: ["10.42.0.5"], conditions: { ready: false } }],
                }),
            ];
            const messages = findingsOf(cluster, "cluster-dns").map(
                (finding) => `${finding.level}: ${finding.message}`,
            );
            assert.strictEqual(messages.length, 2);
            assert.match(messages[0], /^blocks: kube-dns is at 10\.96\.0\.10, not at 10\.43\.0\.10/);
            assert.match(messages[1], /^blocks: kube-dns has no ready endpoint/);
        });

        it("warns on each forward of coredns-custom, naming its key", () => {
            const cluster = healthyCluster();
            cluster.corednsCustom = item("coredns-custom", "kube-system", {
                data: { "lab.server": "lab:53 {\n    forward . 192.168.1.1\n}\n", "log.override": "log\n" },
            });
            const [finding, ...others] = findingsOf(cluster, "cluster-dns");
            assert.deepStrictEqual(others, []);
            assert.strictEqual(finding.level, "warns");
            assert.strictEqual(finding.subject, "ConfigMap kube-system/coredns-custom, key lab.server");
            assert.match(
                finding.message,
                /"forward \. 192\.168\.1\.1": that zone's names are resolved there/,
            );
        });
    });

    it("nodes-outside-pools blocks on a node whose address lies in the general pool", () => {
        const cluster = healthyCluster();
        cluster.nodes.push(
            item("lab-2", undefined, {
                status: { addresses: [{ type: "InternalIP", address: "192.168.1.230" }] },
            }),
        );
        const [finding, ...others] = findingsOf(cluster, "nodes-outside-pools");
        assert.deepStrictEqual(others, []);
        assert.strictEqual(finding.subject, "node lab-2");
        assert.match(
            finding.message,
            /InternalIP 192\.168\.1\.230 lies in metallb\.generalPool \(192\.168\.1\.200-192\.168\.1\.250\)/,
        );
    });

    describe("node-addresses", () => {
        it("warns on a node address network.nodeAddresses does not hold, and gives the setting to write", () => {
            const cluster = healthyCluster();
            cluster.nodes.push(
                item("lab-2", undefined, {
                    status: {
                        addresses: [
                            { type: "InternalIP", address: "192.168.1.11" },
                            { type: "Hostname", address: "lab-2" },
                        ],
                    },
                }),
            );
            const [finding, ...others] = findingsOf(cluster, "node-addresses");
            assert.deepStrictEqual(others, []);
            assert.strictEqual(finding.level, "warns");
            assert.match(
                finding.message,
                /^does not hold lab-2 192\.168\.1\.11: pods of the governed namespaces reach that address on every port/,
            );
            assert.strictEqual(
                finding.fix,
                "set network.nodeAddresses to [192.168.1.10, 192.168.1.11] (and network.nodePorts to any port pods need there)",
            );
        });

        it("is content with a CIDR that holds them", () => {
            const settings = validateSettings(
                stackSettings({
                    overrides: {
                        network: {
                            ...(stackSettings().network as object),
                            nodeAddresses: ["192.168.1.8/29"],
                        },
                    },
                }),
            );
            const findings = preflightFindings(healthyCluster(), settings, projectRoot).filter(
                (finding) => finding.check === "node-addresses",
            );
            assert.deepStrictEqual(levels(findings), ["ok network.nodeAddresses"]);
        });
    });

    describe("versions", () => {
        function workload(name: string, namespace: string, chart: string, instance: string): Json {
            return item(
                name,
                namespace,
                {},
                { labels: { "helm.sh/chart": chart, "app.kubernetes.io/instance": instance } },
            );
        }

        it("shows an upgrade of the stack's own release, and blocks on a second installation under another name", () => {
            const cluster = healthyCluster();
            cluster.deployments.push(
                workload("metallb-controller", "metallb-system", "metallb-0.14.9", "metallb"),
                workload(
                    "ingress-nginx-controller",
                    "ingress-nginx",
                    "ingress-nginx-4.15.1",
                    "ingress-nginx",
                ),
                workload("argo-workflows-workflow-controller", "argo-lab", "argo-workflows-0.45.20", "argo"),
            );
            cluster.daemonSets.push(
                workload("metallb-speaker", "metallb-system", "metallb-0.14.9", "metallb"),
            );
            const findings = findingsOf(cluster, "versions");
            assert.deepStrictEqual(levels(findings), [
                "warns metallb 0.14.9 in metallb-system/metallb (metallb-system/metallb-controller, metallb-system/metallb-speaker)",
                "ok ingress-nginx 4.15.1 in ingress-nginx/ingress-nginx (ingress-nginx/ingress-nginx-controller)",
                "blocks argo-workflows 0.45.20 in argo-lab/argo (argo-lab/argo-workflows-workflow-controller)",
            ]);
            assert.strictEqual(
                findings[0].message,
                "pulumi up moves metallb from 0.14.9 to 0.15.2 (charts.metallb)",
            );
            assert.match(findings[2].message, /the stack installs it as argo\/argo-workflows/);
        });

        it("says what pulumi up installs when a chart is not there", () => {
            const [metallb] = findingsOf(healthyCluster(), "versions");
            assert.strictEqual(
                metallb.message,
                "not installed: pulumi up installs metallb 0.15.2 as metallb-system/metallb",
            );
        });
    });

    describe("network-policy", () => {
        it("warns when nothing in the API's view enforces NetworkPolicy", () => {
            const cluster = healthyCluster();
            cluster.daemonSets = [];
            (cluster.nodes[0].metadata as Json).annotations = {
                "k3s.io/node-args": JSON.stringify([
                    "server",
                    "--disable=servicelb,traefik",
                    "--disable-network-policy",
                ]),
            };
            assert.deepStrictEqual(levels(findingsOf(cluster, "network-policy")), ["warns NetworkPolicy"]);
        });

        it("counts k3s' embedded controller on a node started without --disable-network-policy", () => {
            const cluster = healthyCluster();
            cluster.daemonSets = [];
            const [finding] = findingsOf(cluster, "network-policy");
            assert.strictEqual(finding.message, "enforced by k3s' embedded policy controller (on lab-1)");
        });
    });

    it("egress-destinations warns on a Service of another namespace the governed pods are told to reach, and names where", () => {
        const cluster = healthyCluster();
        cluster.services.push(item("minio", "storage", { spec: { type: "ClusterIP" } }));
        cluster.governedConfigMaps.push(
            item("training-env", "seldon-system", {
                data: {
                    ARTIFACTS: "http://minio.storage.svc.cluster.local:9000",
                    TRACKING: "http://mlflow.mlflow.svc.cluster.local:5000",
                    API: "https://kubernetes.default.svc",
                    GONE: "http://old.retired.svc:80",
                },
            }),
        );
        cluster.governedPods.push(
            item("train-1", "seldon-system", {
                spec: {
                    containers: [
                        { name: "main", env: [{ name: "S3_ENDPOINT", value: "minio.storage.svc:9000" }] },
                    ],
                },
            }),
        );
        const findings = findingsOf(cluster, "egress-destinations");
        assert.deepStrictEqual(levels(findings), [
            "warns namespace seldon-system",
            "ok namespace seldon-system",
        ]);
        assert.match(
            findings[0].message,
            /Service storage\/minio \(ConfigMap seldon-system\/training-env key ARTIFACTS; Pod seldon-system\/train-1 env S3_ENDPOINT\)/,
        );
        assert.match(findings[1].message, /Service mlflow\/mlflow .* allowed as services\.mlflow/);
    });

    it("reports what the identity could not read as a warning of the check that needed it", () => {
        const cluster = healthyCluster();
        cluster.unread.push({ check: "servicelb", what: "apps/v1 daemonsets", reason: "403: forbidden" });
        const finding = findingsOf(cluster, "servicelb").find((entry) => entry.level === "warns");
        assert.strictEqual(finding?.subject, "apps/v1 daemonsets");
    });

    it("renders each check with its findings and what to do, and counts what blocks", () => {
        const cluster = healthyCluster();
        cluster.nodes.push(
            item("lab-2", undefined, {
                status: { addresses: [{ type: "InternalIP", address: "192.168.1.249" }] },
            }),
        );
        const text = renderPreflight("https://lab:6443", preflightFindings(cluster, homelab, projectRoot));
        assert.match(text, /^Preflight of https:\/\/lab:6443\n/);
        assert.match(text, /\nnodes-outside-pools:\n {2}✗ \[blocks\] node lab-2: .*\n {6}what to do: /);
        assert.match(text, /\n1 blocking, 1 warning: fix what blocks before the first pulumi up\n$/);
    });
});
