// Hands releases that `helm install` made over to the stack, before its first `pulumi up`:
//
//   npm run adopt-helm-releases -- [--yes] [--drop-values] [--stack NAME] [--backup DIR] NAMESPACE/RELEASE...
//
// First it checks each release against the stack's settings (`Pulumi.<stack>.yaml`, homelab by
// default): the name, namespace and chart the settings give it (another name would leave a second
// controller beside the stack's: refused), the chart version (an upgrade is shown), and the values
// its user gave Helm: kept by the settings' `charts.<name>.values`, set by the stack itself, or
// missing, printed as a ready `charts` entry. With missing values `--yes` refuses, unless
// `--drop-values` says to drop them.
//
// Then, for every object in a release's manifest, the fields Helm owns (field manager `helm`)
// become the stack's (`homelab-platform`, server-side apply), so that the first update owns exactly
// what Helm owned: no conflicts, and fields the stack does not set (a deprecated
// `spec.loadBalancerIP`, Helm's ownership annotations) are removed by that update instead of
// lingering. Last, the release's records (Secrets `sh.helm.release.v1.RELEASE.vN`) are written to a
// backup folder and deleted: `helm list` no longer shows the release, and `helm upgrade` refuses it,
// so a command typed from habit cannot undo the stack; `kubectl create -f <folder>` brings them
// back. Nothing else is changed or deleted. Without --yes it only prints what it would do.

import * as k8s from "@kubernetes/client-node";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import * as zlib from "zlib";
import { stackFieldManager } from "../components/fieldManager";
import {
    chartEntryWithValues,
    planReleaseAdoption,
    ReleaseFacts,
    ReleasePlan,
} from "../stacks/releaseAdoption";
import { StackSettings } from "../stacks/settings";
import { readStackFiles } from "../stacks/stackFiles";
import { validateSettings } from "../stacks/validation";

const projectDirectory = path.resolve(__dirname, "..");

type KubernetesObject = k8s.KubernetesObject & Record<string, unknown>;
type ManagedField = k8s.V1ManagedFieldsEntry;

interface ReleaseRecord {
    secretName: string;
    version: number;
    status: string;
}

function usage(): never {
    console.error(
        "usage: npm run adopt-helm-releases -- [--yes] [--drop-values] [--stack NAME] [--backup DIR] NAMESPACE/RELEASE...",
    );
    process.exit(2);
}

/** What Helm keeps of a release: its manifest, the chart's name and version, the user's values. */
interface HelmRelease {
    manifest: string;
    chart?: { metadata?: { name?: string; version?: string } };
    config?: Record<string, unknown> | null;
}

/** Helm stores a release as base64(gzip(JSON)) in the Secret's `release` key. */
function decodeRelease(secret: k8s.V1Secret): HelmRelease {
    const encoded = Buffer.from(secret.data?.release ?? "", "base64").toString("utf8");
    return JSON.parse(zlib.gunzipSync(Buffer.from(encoded, "base64")).toString("utf8")) as HelmRelease;
}

/** A record Secret as `kubectl create -f` takes it back: without what the API server assigned. */
function restorable(secret: k8s.V1Secret): Record<string, unknown> {
    const { name, namespace, labels, annotations } = secret.metadata ?? {};
    return {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name, namespace, labels, annotations },
        type: secret.type,
        data: secret.data,
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

/** A release found in the cluster, with its records and what adopting it means for the settings. */
interface FoundRelease {
    target: string;
    namespace: string;
    records: k8s.V1Secret[];
    latest: ReleaseRecord;
    manifest: KubernetesObject[];
    plan: ReleasePlan;
}

/** Reads a release's records and checks it against the settings, printing what it found; changes nothing. */
async function inspect(
    core: k8s.CoreV1Api,
    target: string,
    settings: StackSettings,
): Promise<FoundRelease | undefined> {
    const [namespace, release] = target.split("/");
    if (!namespace || !release) {
        usage();
    }
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
        return undefined;
    }
    const decoded = decodeRelease(records.find((secret) => secret.metadata?.name === latest.secretName)!);
    const manifest = yaml
        .loadAll(decoded.manifest)
        .filter((document): document is KubernetesObject => !!document && typeof document === "object");
    const facts: ReleaseFacts = {
        name: release,
        namespace,
        chart: decoded.chart?.metadata?.name ?? "(unknown chart)",
        version: decoded.chart?.metadata?.version ?? "(unknown version)",
        userValues: decoded.config ?? {},
    };
    const plan = planReleaseAdoption(facts, settings, projectDirectory);
    console.log(
        `${target}: release version ${latest.version} (${latest.status}), chart ${facts.chart} ${facts.version}, ` +
            `${manifest.length} objects`,
    );
    for (const refusal of plan.refusals) {
        console.log(`  refused: ${refusal}`);
    }
    if (plan.upgrade) {
        console.log(
            `  chart ${facts.chart} ${plan.upgrade.from} -> ${plan.upgrade.to} (${plan.chartKey}): the first pulumi up upgrades it`,
        );
    }
    const count = plan.kept.length + plan.setByStack.length + plan.missing.length;
    console.log(
        `  user-supplied values (helm get values): ${count}; ${plan.kept.length} in ${plan.chartKey}.values, ` +
            `${plan.setByStack.length} set by the stack, ${plan.missing.length} in neither`,
    );
    for (const { path: valuePath, setting } of plan.setByStack) {
        console.log(`    ${valuePath}: set by the stack from ${setting}, not from these values`);
    }
    if (plan.missing.length > 0 && plan.source) {
        for (const { path: valuePath } of plan.missing) {
            console.log(
                `    ${valuePath}: in neither; the first pulumi up drops it unless the settings keep it`,
            );
        }
        console.log(
            `  to keep them, put this entry under homelab-platform:charts in the stack file (its charts object ` +
                "replaces Pulumi.yaml's whole: keep the other charts' entries):",
        );
        const entry = chartEntryWithValues(facts.chart, plan.source, [...plan.kept, ...plan.missing]);
        console.log(entry.replace(/^/gm, "      ").trimEnd());
    }
    return { target, namespace, records, latest, manifest, plan };
}

/** Hands the release's fields to the stack, backs its records up into `backup`, and deletes them. */
async function adopt(config: k8s.KubeConfig, found: FoundRelease, backup: string): Promise<void> {
    const core = config.makeApiClient(k8s.CoreV1Api);
    const objects = k8s.KubernetesObjectApi.makeApiClient(config);
    const { namespace, records, manifest } = found;

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
    // The records go to the backup folder before any of them is deleted.
    for (const secret of records) {
        const file = path.join(backup, `${namespace}.${secret.metadata?.name}.yaml`);
        fs.writeFileSync(file, yaml.dump(restorable(secret), { lineWidth: -1 }), { mode: 0o600 });
    }
    for (const secret of records) {
        console.log(
            `  Secret ${namespace}/${secret.metadata?.name}: Helm's release record, backed up and deleted`,
        );
        await core.deleteNamespacedSecret(secret.metadata?.name ?? "", namespace);
    }
}

function optionValue(args: string[], option: string): string | undefined {
    const index = args.indexOf(option);
    if (index === -1) {
        return undefined;
    }
    const value = args[index + 1];
    if (value === undefined || value.startsWith("-")) {
        usage();
    }
    args.splice(index, 2);
    return value;
}

async function main(): Promise<void> {
    const args = process.argv.slice(2);
    const stack = optionValue(args, "--stack") ?? "homelab";
    const backupOption = optionValue(args, "--backup");
    const flags = ["--yes", "--drop-values"];
    const apply = args.includes("--yes");
    const dropValues = args.includes("--drop-values");
    const targets = args.filter((arg) => !flags.includes(arg));
    if (targets.length === 0 || targets.some((target) => target.startsWith("-"))) {
        usage();
    }
    const settings = validateSettings(readStackFiles(projectDirectory, stack));
    const config = new k8s.KubeConfig();
    config.loadFromDefault();
    console.log(
        `cluster: ${config.getCurrentCluster()?.server ?? "(none)"}, settings of stack ${stack}` +
            `${apply ? "" : " (dry run: add --yes to apply)"}`,
    );
    // Every release is checked before anything changes: a refusal leaves all of them as they are.
    const core = config.makeApiClient(k8s.CoreV1Api);
    const found: FoundRelease[] = [];
    let ok = true;
    for (const target of targets) {
        const release = await inspect(core, target, settings);
        if (release) {
            found.push(release);
        } else {
            ok = false;
        }
    }
    const refused = found.filter((release) => release.plan.refusals.length > 0);
    const dropping = found.filter((release) => release.plan.missing.length > 0);
    if (refused.length > 0) {
        console.error(
            `refused: ${refused.map((release) => release.target).join(", ")} (above); nothing was changed`,
        );
        process.exit(1);
    }
    if (!apply || !ok) {
        process.exit(ok ? 0 : 1);
    }
    if (dropping.length > 0 && !dropValues) {
        console.error(
            `${dropping.map((release) => `${release.target} has ${release.plan.missing.length} user-supplied value(s)`).join(", ")} ` +
                `that Pulumi.${stack}.yaml does not keep (above): the first pulumi up would drop them. Put them in the ` +
                "settings, or pass --drop-values to adopt without them; nothing was changed",
        );
        process.exit(1);
    }
    const backup = path.resolve(
        backupOption ?? `helm-release-records-${new Date().toISOString().replace(/[:.]/g, "-")}`,
    );
    fs.mkdirSync(backup, { recursive: true, mode: 0o700 });
    for (const release of found) {
        console.log(`${release.target}: adopting`);
        await adopt(config, release, backup);
    }
    console.log(
        `release records backed up in ${backup}; to bring the releases back: kubectl create -f ${backup}`,
    );
}

if (require.main === module) {
    main().catch((error) => {
        console.error(error instanceof Error ? error.message : error);
        process.exit(1);
    });
}
