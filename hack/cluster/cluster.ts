// Reads objects back from the API server the tests run against (KUBECONFIG from the environment).

import * as k8s from "@kubernetes/client-node";

/** An object as the API server returns it; tests read fields by path. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KubernetesObject = Record<string, any>;

export interface ObjectReference {
    apiVersion: string;
    kind: string;
    name: string;
    namespace?: string;
}

export class Cluster {
    private readonly config: k8s.KubeConfig;
    private readonly client: k8s.KubernetesObjectApi;

    constructor() {
        this.config = new k8s.KubeConfig();
        this.config.loadFromDefault();
        this.client = k8s.KubernetesObjectApi.makeApiClient(this.config);
    }

    private static spec(reference: ObjectReference) {
        return {
            apiVersion: reference.apiVersion,
            kind: reference.kind,
            metadata: { name: reference.name, namespace: reference.namespace },
        };
    }

    async read(reference: ObjectReference): Promise<KubernetesObject> {
        const response = await this.client.read(Cluster.spec(reference));
        return plain(response.body, reference.apiVersion, reference.kind);
    }

    /** The object, or undefined when the API server answers 404. */
    async find(reference: ObjectReference): Promise<KubernetesObject | undefined> {
        try {
            return await this.read(reference);
        } catch (error) {
            if (statusCodeOf(error) === 404) {
                return undefined;
            }
            throw error;
        }
    }

    async list(apiVersion: string, kind: string, namespace?: string): Promise<KubernetesObject[]> {
        const response = await this.client.list(apiVersion, kind, namespace);
        return response.body.items.map((item) => plain(item, apiVersion, kind));
    }

    async create(object: KubernetesObject): Promise<KubernetesObject> {
        const response = await this.client.create(object as k8s.KubernetesObject);
        return plain(response.body, object.apiVersion, object.kind);
    }

    async delete(reference: ObjectReference): Promise<void> {
        await this.client.delete(Cluster.spec(reference));
    }

    /**
     * Deletes the object as `kubectl delete` does (background propagation), or only asks the API
     * server whether it would (`dryRun`), and returns the warnings it answered with.
     */
    async deleteAsKubectl(reference: ObjectReference, dryRun = false): Promise<string[]> {
        const { response } = await this.client.delete(
            Cluster.spec(reference),
            undefined,
            dryRun ? "All" : undefined,
            undefined,
            undefined,
            "Background",
        );
        return warningsOf(response.headers);
    }

    /** Creates the object (or only asks, with `dryRun`) and returns it with the API server's warnings. */
    async createWithWarnings(
        object: KubernetesObject,
        dryRun = false,
    ): Promise<{ object: KubernetesObject; warnings: string[] }> {
        const { response, body } = await this.client.create(
            object as k8s.KubernetesObject,
            undefined,
            dryRun ? "All" : undefined,
        );
        return {
            object: plain(body, object.apiVersion, object.kind),
            warnings: warningsOf(response.headers),
        };
    }

    /** Deletes the object if it exists. */
    async deleteIfPresent(reference: ObjectReference): Promise<void> {
        try {
            await this.delete(reference);
        } catch (error) {
            if (statusCodeOf(error) !== 404) {
                throw error;
            }
        }
    }

    /** Sends a JSON merge patch of the object, as `kubectl patch --type merge` does. */
    private sendMergePatch(
        reference: ObjectReference,
        patch: KubernetesObject,
        options: { fieldManager?: string; dryRun?: boolean },
    ) {
        const target = Cluster.spec(reference);
        return this.client.patch(
            {
                ...target,
                ...patch,
                metadata: { ...patch.metadata, ...target.metadata },
            } as k8s.KubernetesObject,
            undefined,
            options.dryRun ? "All" : undefined,
            options.fieldManager,
            undefined,
            { headers: { "Content-Type": k8s.PatchUtils.PATCH_FORMAT_JSON_MERGE_PATCH } },
        );
    }

    /** A JSON merge patch, as `kubectl patch --type merge` (or `kubectl edit`, by its field manager) sends it. */
    async mergePatch(
        reference: ObjectReference,
        patch: KubernetesObject,
        fieldManager?: string,
    ): Promise<KubernetesObject> {
        const response = await this.sendMergePatch(reference, patch, { fieldManager });
        return plain(response.body, reference.apiVersion, reference.kind);
    }

    /** Only asks the API server whether it would apply a JSON merge patch; returns its warnings. */
    async mergePatchDryRun(reference: ObjectReference, patch: KubernetesObject): Promise<string[]> {
        const { response } = await this.sendMergePatch(reference, patch, { dryRun: true });
        return warningsOf(response.headers);
    }

    /**
     * Writes a Service's status through its status subresource, as a load-balancer controller
     * does (a JSON merge patch).
     */
    async patchServiceStatus(
        namespace: string,
        name: string,
        status: KubernetesObject,
    ): Promise<KubernetesObject> {
        const response = await this.config
            .makeApiClient(k8s.CoreV1Api)
            .patchNamespacedServiceStatus(
                name,
                namespace,
                { status },
                undefined,
                undefined,
                undefined,
                undefined,
                undefined,
                { headers: { "Content-Type": k8s.PatchUtils.PATCH_FORMAT_JSON_MERGE_PATCH } },
            );
        return plain(response.body, "v1", "Service");
    }

    /** A container's log, as `kubectl logs` prints it. */
    async podLog(namespace: string, pod: string, container?: string): Promise<string> {
        const response = await this.config
            .makeApiClient(k8s.CoreV1Api)
            .readNamespacedPodLog(pod, namespace, container);
        return String(response.body ?? "");
    }

    /** A short-lived token of a ServiceAccount (the TokenRequest API, as `kubectl create token`). */
    async serviceAccountToken(namespace: string, name: string): Promise<string> {
        const response = await this.config
            .makeApiClient(k8s.CoreV1Api)
            .createNamespacedServiceAccountToken(name, namespace, {
                spec: { audiences: [], expirationSeconds: 3600 },
            } as k8s.AuthenticationV1TokenRequest);
        return response.body.status!.token;
    }

    /** A kubeconfig for this cluster that authenticates with the given bearer token only. */
    kubeconfigFor(user: string, token: string): string {
        const cluster = this.config.getCurrentCluster();
        if (!cluster) {
            throw new Error("no current cluster in KUBECONFIG");
        }
        const authority = cluster.caData
            ? { "certificate-authority-data": cluster.caData }
            : cluster.caFile
              ? { "certificate-authority": cluster.caFile }
              : { "insecure-skip-tls-verify": true };
        return JSON.stringify({
            apiVersion: "v1",
            kind: "Config",
            clusters: [{ name: "cluster", cluster: { server: cluster.server, ...authority } }],
            users: [{ name: user, user: { token } }],
            contexts: [{ name: user, context: { cluster: "cluster", user } }],
            "current-context": user,
        });
    }

    /** Events about one object, oldest first. */
    async eventsFor(reference: ObjectReference): Promise<KubernetesObject[]> {
        const events = await this.list("v1", "Event", reference.namespace);
        return events
            .filter(
                (event) =>
                    event.involvedObject?.kind === reference.kind &&
                    event.involvedObject?.name === reference.name,
            )
            .sort((a, b) => String(a.lastTimestamp ?? "").localeCompare(String(b.lastTimestamp ?? "")));
    }

    /**
     * Every version of one namespaced object from now on, as the API server's watch delivers
     * them (`DELETED` included): unlike polling, no change between two reads can be missed.
     * Resolves once the watch is established; call `stop()` for what it saw.
     */
    async watchObject(path: string, name: string): Promise<{ stop: () => KubernetesObject[] }> {
        const seen: KubernetesObject[] = [];
        let failure: unknown;
        const request = await new k8s.Watch(this.config).watch(
            path,
            { fieldSelector: `metadata.name=${name}` },
            (type, object) => seen.push({ type, object }),
            (error) => {
                failure = error;
            },
        );
        return {
            stop: () => {
                request.abort();
                if (failure && !String(failure).includes("aborted")) {
                    throw new Error(`watch of ${path}/${name} failed: ${String(failure)}`);
                }
                return seen;
            },
        };
    }

    /**
     * Polls until `check` returns a value, or fails after `timeoutMs` with `what` in the message,
     * and what `explain` (if given) says about the state it was waiting on.
     */
    async waitFor<T>(
        what: string,
        check: () => Promise<T | undefined>,
        timeoutMs = 60_000,
        explain?: () => Promise<string>,
    ): Promise<T> {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
            const value = await check();
            if (value !== undefined) {
                return value;
            }
            if (Date.now() > deadline) {
                const detail = explain ? `: ${await explain()}` : "";
                throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
            }
            await new Promise((resolve) => setTimeout(resolve, 500));
        }
    }
}

/**
 * The client turns built-in kinds into model classes (absent fields as undefined, `default` as
 * `_default`); tests compare the JSON the API server sent, so serialize them back.
 */
function plain(body: unknown, apiVersion: string, kind: string): KubernetesObject {
    const version = apiVersion.split("/").pop() ?? "";
    const modelType = `${version.charAt(0).toUpperCase()}${version.slice(1)}${kind}`;
    return JSON.parse(JSON.stringify(k8s.ObjectSerializer.serialize(body, modelType))) as KubernetesObject;
}

/** The texts of the API server's `Warning: 299 - "..."` headers. */
export function warningsOf(headers: Record<string, string | string[] | undefined>): string[] {
    const header = headers.warning;
    const text = Array.isArray(header) ? header.join(", ") : (header ?? "");
    return [...text.matchAll(/\d{3} \S+ "((?:[^"\\]|\\.)*)"/g)].map((match) =>
        match[1].replace(/\\(.)/g, "$1"),
    );
}

export function statusCodeOf(error: unknown): number | undefined {
    const response = (error as { response?: { statusCode?: number } }).response;
    return response?.statusCode ?? (error as { statusCode?: number }).statusCode;
}

/** Creates a namespace unless it exists. */
export async function ensureNamespace(cluster: Cluster, name: string): Promise<void> {
    try {
        await cluster.create({ apiVersion: "v1", kind: "Namespace", metadata: { name } });
    } catch (error) {
        if (statusCodeOf(error) !== 409) {
            throw error;
        }
    }
}

/** The API server's message for a rejected request (e.g. the quota admission error). */
export function apiMessageOf(error: unknown): string {
    const body = (error as { body?: { message?: string } }).body;
    return body?.message ?? String(error);
}
