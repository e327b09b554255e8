// `npm run preflight -- [--stack NAME] [--context NAME] [--json]`: the cluster in the kubeconfig,
// checked before the first `pulumi up` for what would make the stack misbehave on k3s (ServiceLB
// and Traefik beside MetalLB, Calico's pod pools on the LAN, CoreDNS, nodes inside the pools, the
// installed charts' versions, NetworkPolicy enforcement, Services the egress rules would cut off).
// The stack's settings are read as `pulumi` reads them, from Pulumi.yaml and Pulumi.<stack>.yaml
// in the current folder (homelab by default).
//
// Read-only: GET requests only. Exit status: 0 when nothing blocks, 1 when something does, 2 when
// the settings are invalid or the cluster cannot be read at all. `--json` prints the findings as
// `{ server, blocking, findings: [{ check, level, subject, message, fix }] }`.

import * as k8s from "@kubernetes/client-node";
import {
    ClusterSnapshot,
    Finding,
    PreflightCheck,
    preflightFindings,
    renderPreflight,
} from "../stacks/preflight";
import { StackSettings } from "../stacks/settings";
import { readStackFiles } from "../stacks/stackFiles";
import { validateSettings } from "../stacks/validation";
import { readFlags } from "./arguments";
import { ApiError, getJson, listAll, ServedKind } from "./clusterObjects";

const usage = "usage: npm run preflight -- [--stack NAME] [--context NAME] [--json]";

interface Options {
    stack: string;
    context?: string;
    json: boolean;
}

function parseArguments(argv: string[]): Options {
    const options: Options = { stack: "homelab", json: false };
    readFlags(argv, usage, (flag, value, inline) => {
        if (flag === "--stack") {
            options.stack = value();
        } else if (flag === "--context") {
            options.context = value();
        } else if (flag === "--json" && inline === undefined) {
            options.json = true;
        } else {
            return false;
        }
        return true;
    });
    return options;
}

type Json = Record<string, unknown>;

function kind(group: string, version: string, plural: string, namespaced = true): ServedKind {
    return { group, version, plural, namespaced };
}

/** Reads what the checks need. A kind the cluster does not serve reads as none; one the identity may not list is noted. */
async function snapshotOf(
    config: k8s.KubeConfig,
    server: string,
    settings: StackSettings,
): Promise<ClusterSnapshot> {
    const unread: ClusterSnapshot["unread"] = [];
    const read = async (
        check: PreflightCheck,
        what: string,
        reading: () => Promise<Json[]>,
    ): Promise<Json[]> => {
        try {
            return await reading();
        } catch (error) {
            if (!(error instanceof ApiError)) {
                throw error;
            }
            if (error.status !== 404) {
                unread.push({ check, what, reason: `${error.status}: ${error.message}` });
            }
            return [];
        }
    };
    const all = (check: PreflightCheck, served: ServedKind) =>
        read(check, `${served.group}/${served.version} ${served.plural}`, () =>
            listAll(config, server, served),
        );
    const inNamespace = (check: PreflightCheck, namespace: string, plural: string) =>
        read(check, `core/v1 ${plural} in ${namespace}`, async () => {
            const page = await getJson(config, server, `/api/v1/namespaces/${namespace}/${plural}`);
            return page.items as Json[];
        });
    const corednsCustom = await read(
        "cluster-dns",
        "core/v1 ConfigMap kube-system/coredns-custom",
        async () => [
            await getJson(config, server, "/api/v1/namespaces/kube-system/configmaps/coredns-custom"),
        ],
    );
    const governed = settings.namespaces.map((entry) => entry.name);
    return {
        nodes: await all("nodes-outside-pools", kind("core", "v1", "nodes", false)),
        daemonSets: await all("servicelb", kind("apps", "v1", "daemonsets")),
        deployments: await all("versions", kind("apps", "v1", "deployments")),
        services: await all("traefik", kind("core", "v1", "services")),
        dnsEndpointSlices: await read(
            "cluster-dns",
            "discovery.k8s.io/v1 endpointslices in kube-system",
            async () => {
                const query = encodeURIComponent("kubernetes.io/service-name=kube-dns");
                const page = await getJson(
                    config,
                    server,
                    `/apis/discovery.k8s.io/v1/namespaces/kube-system/endpointslices?labelSelector=${query}`,
                );
                return page.items as Json[];
            },
        ),
        corednsCustom: corednsCustom[0],
        ingressClasses: await all("traefik", kind("networking.k8s.io", "v1", "ingressclasses", false)),
        calicoPools: [
            ...(await all("calico-cidrs", kind("crd.projectcalico.org", "v1", "ippools", false))),
            ...(await all("calico-cidrs", kind("projectcalico.org", "v3", "ippools", false))),
        ].filter(
            // Calico's API server serves the same pools under both groups: keep each name once.
            (pool, index, pools) =>
                pools.findIndex(
                    (other) =>
                        (other.metadata as Json | undefined)?.name ===
                        (pool.metadata as Json | undefined)?.name,
                ) === index,
        ),
        calicoInstallations: await all(
            "calico-cidrs",
            kind("operator.tigera.io", "v1", "installations", false),
        ),
        metallbPools: await all("nodes-outside-pools", kind("metallb.io", "v1beta1", "ipaddresspools")),
        governedConfigMaps: (
            await Promise.all(
                governed.map((namespace) => inNamespace("egress-destinations", namespace, "configmaps")),
            )
        ).flat(),
        governedPods: (
            await Promise.all(
                governed.map((namespace) => inNamespace("egress-destinations", namespace, "pods")),
            )
        ).flat(),
        unread,
    };
}

export interface PreflightResult {
    server: string;
    findings: Finding[];
    text: string;
}

export async function preflight(argv: string[], projectDirectory = process.cwd()): Promise<PreflightResult> {
    const options = parseArguments(argv);
    const settings = validateSettings(readStackFiles(projectDirectory, options.stack));
    const config = new k8s.KubeConfig();
    config.loadFromDefault();
    if (options.context) {
        config.setCurrentContext(options.context);
    }
    const cluster = config.getCurrentCluster();
    if (!cluster) {
        throw new Error("the kubeconfig names no current cluster (KUBECONFIG, or --context)");
    }
    const snapshot = await snapshotOf(config, cluster.server, settings);
    const findings = preflightFindings(snapshot, settings, projectDirectory);
    const blocking = findings.filter((finding) => finding.level === "blocks").length;
    const text = options.json
        ? `${JSON.stringify({ server: cluster.server, blocking, findings }, null, 2)}\n`
        : renderPreflight(cluster.server, findings);
    return { server: cluster.server, findings, text };
}

if (require.main === module) {
    preflight(process.argv.slice(2)).then(
        ({ text, findings }) => {
            process.stdout.write(text);
            process.exitCode = findings.some((finding) => finding.level === "blocks") ? 1 : 0;
        },
        (error: unknown) => {
            process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
            process.exitCode = 2;
        },
    );
}
