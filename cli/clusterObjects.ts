// Reads a live cluster (the one the kubeconfig points at) into the resources the policy pack judges:
// every object of the kinds the pack reads, in every namespace, managed by Pulumi or not, and the
// Helm releases' values. Only GET requests: discovery, then one paginated list per kind.

import * as k8s from "@kubernetes/client-node";
import * as https from "https";
import { gunzipSync } from "zlib";
import { metadataOf, objectName } from "../lib/kubernetes/objectMetadata";
import { EngineResource, kinds } from "../policy/support/kubernetes";
import { workflowKinds, workloadKinds } from "../policy/support/workloads";

/** A kind of the pack that this cluster does not let us list, and the API server's reason. */
export interface UnreadableKind {
    /** `core/Secret (Helm releases)`, `argoproj.io/Workflow`. */
    kind: string;
    reason: string;
}

export interface ClusterRead {
    /** The API server's address, from the kubeconfig. */
    server: string;
    /** What the pack judges, shaped as the engine hands resources to policies. */
    resources: EngineResource[];
    /** How many objects of each kind were read, `core/Service` → 12. */
    counts: Map<string, number>;
    unreadable: UnreadableKind[];
    /** Kinds the pack reads that this cluster does not serve (no MetalLB, no Argo, no Calico...). */
    notServed: string[];
    /** Pods, ReplicaSets, Jobs and Workflows a controller made from another object, judged through it. */
    ownedByControllers: number;
}

type Json = Record<string, unknown>;

export class ApiError extends Error {
    constructor(
        readonly status: number,
        message: string,
    ) {
        super(message);
    }
}

/** GETs one path of the API server and parses the JSON answer. */
export async function getJson(config: k8s.KubeConfig, server: string, path: string): Promise<Json> {
    const options: https.RequestOptions = { method: "GET", headers: { Accept: "application/json" } };
    await config.applyToHTTPSOptions(options);
    const url = new URL(path, server);
    return new Promise((resolve, reject) => {
        const request = https.request(url, options, (response) => {
            const chunks: Buffer[] = [];
            response.on("data", (chunk: Buffer) => chunks.push(chunk));
            response.on("end", () => {
                const text = Buffer.concat(chunks).toString("utf8");
                const status = response.statusCode ?? 0;
                if (status >= 200 && status < 300) {
                    resolve(JSON.parse(text) as Json);
                    return;
                }
                let message = text.trim();
                try {
                    message = String((JSON.parse(text) as Json).message ?? message);
                } catch {
                    // not a Status object: keep the text
                }
                reject(new ApiError(status, message || `HTTP ${status}`));
            });
        });
        request.on("error", reject);
        request.end();
    });
}

export interface ServedKind {
    group: string;
    version: string;
    plural: string;
    namespaced: boolean;
}

/** Where each `group/Kind` the pack reads is served: the group's preferred version first. */
async function discover(
    config: k8s.KubeConfig,
    server: string,
    wanted: Set<string>,
): Promise<Map<string, ServedKind>> {
    const served = new Map<string, ServedKind>();
    const groupVersions: { group: string; version: string }[] = [{ group: "core", version: "v1" }];
    const groups = (await getJson(config, server, "/apis")).groups as {
        name: string;
        preferredVersion?: { version: string };
        versions: { version: string }[];
    }[];
    const wantedGroups = new Set([...wanted].map((key) => key.split("/")[0]));
    for (const group of groups.filter((entry) => wantedGroups.has(entry.name))) {
        const preferred = group.preferredVersion?.version;
        const versions = group.versions.map((entry) => entry.version);
        for (const version of preferred
            ? [preferred, ...versions.filter((v) => v !== preferred)]
            : versions) {
            groupVersions.push({ group: group.name, version });
        }
    }
    for (const { group, version } of groupVersions) {
        const path = group === "core" ? "/api/v1" : `/apis/${group}/${version}`;
        const list = await getJson(config, server, path);
        for (const resource of list.resources as { name: string; kind: string; namespaced: boolean }[]) {
            const key = `${group}/${resource.kind}`;
            if (wanted.has(key) && !resource.name.includes("/") && !served.has(key)) {
                served.set(key, { group, version, plural: resource.name, namespaced: resource.namespaced });
            }
        }
    }
    return served;
}

/** Every object of one kind, in every namespace, page by page. */
export async function listAll(
    config: k8s.KubeConfig,
    server: string,
    kind: ServedKind,
    labelSelector?: string,
): Promise<Json[]> {
    const base = kind.group === "core" ? "/api/v1" : `/apis/${kind.group}/${kind.version}`;
    const items: Json[] = [];
    let continueToken: string | undefined;
    do {
        const query = new URLSearchParams({ limit: "500" });
        if (continueToken) {
            query.set("continue", continueToken);
        }
        if (labelSelector) {
            query.set("labelSelector", labelSelector);
        }
        const page = await getJson(config, server, `${base}/${kind.plural}?${query}`);
        items.push(...(page.items as Json[]));
        continueToken = ((page.metadata as Json | undefined)?.continue as string | undefined) || undefined;
    } while (continueToken);
    return items;
}

/**
 * An object as a resource of the engine: type `kubernetes:<group>/<version>:<Kind>`, its name, and a
 * URN that is not a Pulumi URN (messages then name the object alone, with no Pulumi name).
 */
function asResource(group: string, version: string, kind: string, object: Json): EngineResource {
    const metadata = { ...((object.metadata ?? {}) as Json) };
    delete metadata.managedFields; // who wrote what: nothing a policy reads, and much of the size
    const props = {
        ...object,
        apiVersion: group === "core" ? version : `${group}/${version}`,
        kind,
        metadata,
    };
    const name = objectName(object);
    return {
        type: `kubernetes:${group}/${version}:${kind}`,
        urn: `cluster:${group}/${kind}:${name}`,
        name,
        props,
    };
}

/** True for a Pod, ReplicaSet, Job or Workflow that a controller made from another object. */
function madeByController(key: string, object: Json): boolean {
    if (!workloadKinds.includes(key) && !workflowKinds.includes(key)) {
        return false;
    }
    const owners = ((object.metadata as Json | undefined)?.ownerReferences ?? []) as {
        controller?: boolean;
    }[];
    return owners.some((owner) => owner.controller === true);
}

interface HelmRelease {
    name: string;
    namespace: string;
    version: number;
    status: string;
    chart: string;
    values: Json;
}

/**
 * A release record as Helm stores it (`sh.helm.release.v1.<name>.v<revision>`): base64 of the
 * gzipped release JSON, in a Secret's data (base64 once more) or a ConfigMap's.
 */
export function decodeHelmRelease(encoded: string): HelmRelease | undefined {
    try {
        let bytes = Buffer.from(encoded, "base64");
        if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
            bytes = gunzipSync(bytes);
        }
        const release = JSON.parse(bytes.toString("utf8")) as Json;
        const chart = (release.chart ?? {}) as Json;
        return {
            name: String(release.name),
            namespace: String(release.namespace),
            version: Number(release.version),
            status: String(((release.info ?? {}) as Json).status ?? ""),
            chart: String(((chart.metadata ?? {}) as Json).name ?? ""),
            values: (release.config ?? {}) as Json,
        };
    } catch {
        return undefined;
    }
}

/** The newest deployed revision of each release among Helm's records. */
function currentReleases(records: { object: Json; encoded: string }[]): HelmRelease[] {
    const newest = new Map<string, HelmRelease>();
    for (const { encoded } of records) {
        const release = decodeHelmRelease(encoded);
        if (!release || release.status !== "deployed") {
            continue;
        }
        const key = `${release.namespace}/${release.name}`;
        if ((newest.get(key)?.version ?? -1) < release.version) {
            newest.set(key, release);
        }
    }
    return [...newest.values()];
}

/** The kinds the pack reads, but Helm's own records (which stand for `helm.sh/Release`). */
const packKinds = Object.values(kinds).filter((key) => !key.startsWith("helm.sh/"));

/**
 * Reads every object of the pack's kinds from the cluster in the kubeconfig, and Helm's release
 * records (Secrets, or ConfigMaps with HELM_DRIVER=configmap) labelled `owner=helm`. A kind the
 * identity may not list is reported, not fatal; a cluster that cannot be reached is.
 */
export async function readCluster(config: k8s.KubeConfig): Promise<ClusterRead> {
    const cluster = config.getCurrentCluster();
    if (!cluster) {
        throw new Error("the kubeconfig names no current cluster (KUBECONFIG, or --context)");
    }
    const server = cluster.server;
    const wanted = new Set([...packKinds, kinds.configMap, "core/Secret"]);
    const served = await discover(config, server, wanted);
    // Calico's API server serves projectcalico.org over the same pools as its CRDs: read them once.
    if (served.has(kinds.calicoIpPoolV3)) {
        served.delete(kinds.calicoIpPool);
    }
    const read: ClusterRead = {
        server,
        resources: [],
        counts: new Map(),
        unreadable: [],
        notServed: packKinds.filter(
            (key) => !served.has(key) && !(key === kinds.calicoIpPool && served.has(kinds.calicoIpPoolV3)),
        ),
        ownedByControllers: 0,
    };
    const helmRecords: { object: Json; encoded: string }[] = [];
    const objects: { key: string; kind: ServedKind; object: Json }[] = [];
    for (const key of packKinds.filter((entry) => served.has(entry))) {
        const kind = served.get(key)!;
        try {
            for (const object of await listAll(config, server, kind)) {
                if (madeByController(key, object)) {
                    read.ownedByControllers++;
                    continue;
                }
                objects.push({ key, kind, object });
                if (key === kinds.configMap && metadataOf(object).labels.owner === "helm") {
                    helmRecords.push({
                        object,
                        encoded: String(((object.data ?? {}) as Json).release ?? ""),
                    });
                }
            }
        } catch (error) {
            if (!(error instanceof ApiError)) {
                throw error;
            }
            read.unreadable.push({ kind: key, reason: error.message });
        }
    }
    const secrets = served.get("core/Secret");
    if (secrets) {
        try {
            for (const object of await listAll(config, server, secrets, "owner=helm")) {
                const data = (object.data ?? {}) as Json;
                if (typeof data.release === "string") {
                    helmRecords.push({
                        object,
                        encoded: Buffer.from(data.release, "base64").toString("utf8"),
                    });
                }
            }
        } catch (error) {
            if (!(error instanceof ApiError)) {
                throw error;
            }
            read.unreadable.push({
                kind: "core/Secret (Helm release records, labelled owner=helm)",
                reason: error.message,
            });
        }
    }

    // A release's objects are its children, as a Chart's are in a preview: the pack then reads
    // the objects themselves and the release's values only where they stand in for objects.
    const releases = new Map<string, EngineResource>();
    for (const release of currentReleases(helmRecords)) {
        const resource: EngineResource = {
            type: "kubernetes:helm.sh/v3:Release",
            urn: `cluster:helm.sh/Release:${release.namespace}/${release.name}`,
            name: `${release.namespace}/${release.name}`,
            props: {
                name: release.name,
                namespace: release.namespace,
                chart: release.chart,
                values: release.values,
            },
        };
        releases.set(resource.name, resource);
        read.resources.push(resource);
        read.counts.set(kinds.helmRelease, (read.counts.get(kinds.helmRelease) ?? 0) + 1);
    }
    for (const { key, kind, object } of objects) {
        const resource = asResource(kind.group, kind.version, key.split("/")[1], object);
        const { annotations } = metadataOf(object);
        const release = releases.get(
            `${annotations["meta.helm.sh/release-namespace"]}/${annotations["meta.helm.sh/release-name"]}`,
        );
        if (release) {
            resource.parent = release;
        }
        read.resources.push(resource);
        read.counts.set(key, (read.counts.get(key) ?? 0) + 1);
    }
    return read;
}
