// The metadata of a Kubernetes object as the API server serves it (plain JSON), read defensively.

type Json = Record<string, unknown>;

/** `value` when it is a JSON object, else an empty one. */
export function jsonObject(value: unknown): Json {
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

/** An object's name, namespace (absent for a cluster-scoped one), labels and annotations. */
export function metadataOf(object: Json): {
    name: string;
    namespace?: string;
    labels: Json;
    annotations: Json;
} {
    const metadata = jsonObject(object.metadata);
    return {
        name: String(metadata.name ?? ""),
        namespace: metadata.namespace === undefined ? undefined : String(metadata.namespace),
        labels: jsonObject(metadata.labels),
        annotations: jsonObject(metadata.annotations),
    };
}

/** `<namespace>/<name>`, or the name of a cluster-scoped object. */
export function objectName(object: Json): string {
    const { name, namespace } = metadataOf(object);
    return namespace ? `${namespace}/${name}` : name;
}
