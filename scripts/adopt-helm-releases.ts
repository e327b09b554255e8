// Hands releases that `helm install` made over to the stack, before its first `pulumi up`:
//
//   npm run adopt-helm-releases -- [--yes] NAMESPACE/RELEASE...
//
// For every object in a release's manifest, the fields Helm owns (field manager `helm`) become the
// stack's (`homelab-platform`, server-side apply), so that the first update owns exactly what Helm
// owned: no conflicts, and fields the stack does not set (a deprecated `spec.loadBalancerIP`, Helm's
// ownership annotations) are removed by that update instead of lingering. Then the release's
// records (Secrets `sh.helm.release.v1.RELEASE.vN`) are deleted: `helm list` no longer shows the
// release, and `helm upgrade` refuses it, so a command typed from habit cannot undo the stack.
// Nothing else is changed or deleted. Without --yes it only prints what it would do.

import * as k8s from "@kubernetes/client-node";
import * as yaml from "js-yaml";
import * as zlib from "zlib";
import { stackFieldManager } from "../components/fieldManager";

type KubernetesObject = k8s.KubernetesObject & Record<string, unknown>;
type ManagedField = k8s.V1ManagedFieldsEntry;

interface ReleaseRecord {
    secretName: string;
    version: number;
    status: string;
}

function usage(): never {
    console.error("usage: npm run adopt-helm-releases -- [--yes] NAMESPACE/RELEASE...");
    process.exit(2);
}

/** Helm stores a release as base64(gzip(JSON)) in the Secret's `release` key. */
function decodeRelease(secret: k8s.V1Secret): { manifest: string } {
    const encoded = Buffer.from(secret.data?.release ?? "", "base64").toString("utf8");
    return JSON.parse(zlib.gunzipSync(Buffer.from(encoded, "base64")).toString("utf8")) as {
        manifest: string;
    };
}

/** Deep union of two fieldsV1 trees. */
function mergeFields(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
    const merged: Record<string, unknown> = { ...a };
    for (const [key, value] of Object.entries(b)) {
        const existing = merged[key];
        merged[key] =
            existing && typeof existing === "object" && value && typeof value === "object"
                ? mergeFields(existing as Record<string, unknown>, value as Record<string, unknown>)
                : value;
    }
    return merged;
}

/**
 * Helm's entries (manager `helm`, operation Update, no subresource) become one Apply entry of the
 * stack's field manager, merged with any it already has; every other entry stays as it was.
 */
export function transferHelmOwnership(managedFields: ManagedField[]): ManagedField[] | undefined {
    const isHelm = (entry: ManagedField) =>
        entry.manager === "helm" && entry.operation === "Update" && !entry.subresource;
    const helmEntries = managedFields.filter(isHelm);
    if (helmEntries.length === 0) {
        return undefined;
    }
    const isStack = (entry: ManagedField) =>
        entry.manager === stackFieldManager && entry.operation === "Apply" && !entry.subresource;
    let fields: Record<string, unknown> = {};
    for (const entry of [...managedFields.filter(isStack), ...helmEntries]) {
        fields = mergeFields(fields, (entry.fieldsV1 ?? {}) as Record<string, unknown>);
    }
    const stackEntry: ManagedField = {
        manager: stackFieldManager,
        operation: "Apply",
        apiVersion: helmEntries[helmEntries.length - 1].apiVersion,
        fieldsType: "FieldsV1",
        fieldsV1: fields,
        time: new Date(),
    };
    return [...managedFields.filter((entry) => !isHelm(entry) && !isStack(entry)), stackEntry];
}

async function releaseRecords(
    core: k8s.CoreV1Api,
    namespace: string,
    release: string,
): Promise<k8s.V1Secret[]> {
    const response = await core.listNamespacedSecret(
        namespace,
        undefined,
        undefined,
        undefined,
        undefined,
        `owner=helm,name=${release}`,
    );
    return response.body.items;
}

function describe(object: k8s.KubernetesObject): string {
    const namespace = object.metadata?.namespace ? `${object.metadata.namespace}/` : "";
    return `${object.kind} ${namespace}${object.metadata?.name}`;
}

async function adopt(config: k8s.KubeConfig, target: string, apply: boolean): Promise<boolean> {
    const [namespace, release] = target.split("/");
    if (!namespace || !release) {
        usage();
    }
    const core = config.makeApiClient(k8s.CoreV1Api);
    const objects = k8s.KubernetesObjectApi.makeApiClient(config);
    const records = await releaseRecords(core, namespace, release);
    const latest = records
        .map(
            (secret): ReleaseRecord => ({
                secretName: secret.metadata?.name ?? "",
                version: Number(secret.metadata?.labels?.version ?? 0),
                status: secret.metadata?.labels?.status ?? "",
            }),
        )
        .sort((a, b) => b.version - a.version)[0];
    if (!latest) {
        console.error(
            `${target}: no Helm release records found (already adopted, or never installed by Helm)`,
        );
        return false;
    }
    const record = records.find((secret) => secret.metadata?.name === latest.secretName)!;
    const manifest = yaml
        .loadAll(decodeRelease(record).manifest)
        .filter((document): document is KubernetesObject => !!document && typeof document === "object");
    console.log(
        `${target}: release version ${latest.version} (${latest.status}), ${manifest.length} objects`,
    );

    for (const rendered of manifest) {
        const reference = {
            apiVersion: rendered.apiVersion ?? "",
            kind: rendered.kind ?? "",
            metadata: {
                name: rendered.metadata?.name ?? "",
                // Helm leaves the namespace out of namespaced objects it puts in the release's own.
                namespace: rendered.metadata?.namespace ?? namespace,
            },
        };
        let live: KubernetesObject;
        try {
            // The client drops the namespace of cluster-scoped kinds (it asks API discovery).
            live = (await objects.read(reference)).body as KubernetesObject;
        } catch (error) {
            if ((error as { statusCode?: number }).statusCode === 404) {
                console.log(`  ${describe(reference)}: not in the cluster, skipped`);
                continue;
            }
            throw error;
        }
        const managedFields = transferHelmOwnership(live.metadata?.managedFields ?? []);
        if (!managedFields) {
            console.log(`  ${describe(live)}: Helm owns no fields, unchanged`);
            continue;
        }
        console.log(`  ${describe(live)}: Helm's fields handed to ${stackFieldManager}`);
        if (apply) {
            await objects.patch(
                {
                    apiVersion: live.apiVersion,
                    kind: live.kind,
                    metadata: {
                        name: live.metadata?.name,
                        namespace: live.metadata?.namespace,
                        resourceVersion: live.metadata?.resourceVersion,
                        managedFields,
                    },
                } as KubernetesObject,
                undefined,
                undefined,
                undefined,
                undefined,
                { headers: { "Content-Type": k8s.PatchUtils.PATCH_FORMAT_JSON_MERGE_PATCH } },
            );
        }
    }
    for (const secret of records) {
        console.log(`  Secret ${namespace}/${secret.metadata?.name}: Helm's release record, deleted`);
        if (apply) {
            await core.deleteNamespacedSecret(secret.metadata?.name ?? "", namespace);
        }
    }
    return true;
}

async function main(): Promise<void> {
    const args = process.argv.slice(2);
    const apply = args.includes("--yes");
    const targets = args.filter((arg) => arg !== "--yes");
    if (targets.length === 0 || targets.some((target) => target.startsWith("-"))) {
        usage();
    }
    const config = new k8s.KubeConfig();
    config.loadFromDefault();
    console.log(
        `cluster: ${config.getCurrentCluster()?.server ?? "(none)"}${apply ? "" : " (dry run: add --yes to apply)"}`,
    );
    let ok = true;
    for (const target of targets) {
        ok = (await adopt(config, target, apply)) && ok;
    }
    if (!ok) {
        process.exit(1);
    }
}

if (require.main === module) {
    main().catch((error) => {
        console.error(error instanceof Error ? error.message : error);
        process.exit(1);
    });
}
