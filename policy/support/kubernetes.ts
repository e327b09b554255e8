// Kubernetes objects as the policies see them: one reader for every resource the engine reports,
// whatever program declared it (plain resources, CustomResources, objects rendered by a helm.v4
// Chart or a yaml.v2 ConfigGroup). Types look like `kubernetes:core/v1:Service` or
// `kubernetes:metallb.io/v1beta1:IPAddressPool`.

import { ResourceValidation } from "@pulumi/policy";
import {
    isRecord,
    isUnknown,
    PlainRecord,
    PlainValue,
    recordAt,
    stringAt,
    toPlain,
    UnknownValue,
} from "./plainValues";

/** What the engine gives a policy about one resource (a stack resource or a resource under validation). */
export interface EngineResource {
    type: string;
    urn: string;
    name: string;
    props: Record<string, unknown>;
    parent?: EngineResource;
    provider?: { props: Record<string, unknown> };
}

export interface ResourceType {
    /** API group; `core` for the legacy group. */
    group: string;
    version: string;
    kind: string;
}

/** A parsed resource type, with its kind key made once (policies look it up per resource). */
interface ParsedType extends ResourceType {
    key: string;
}

const resourceTypeCache = new Map<string, ParsedType | undefined>();

function parsedType(type: string): ParsedType | undefined {
    let parsed = resourceTypeCache.get(type);
    if (parsed === undefined && !resourceTypeCache.has(type)) {
        const match = /^kubernetes:([^/:]+)\/([^/:]+):([A-Za-z0-9]+)$/.exec(type);
        parsed = match
            ? { group: match[1], version: match[2], kind: match[3], key: kindKey(match[1], match[3]) }
            : undefined;
        resourceTypeCache.set(type, parsed);
    }
    return parsed;
}

/** Splits `kubernetes:<group>/<version>:<Kind>`; undefined for anything else (providers, components). */
export function parseResourceType(type: string): ResourceType | undefined {
    return parsedType(type);
}

/** `group/Kind`, the key the policies select resources by (any version). */
export function kindKey(group: string, kind: string): string {
    return `${group}/${kind}`;
}

export function kindKeyOf(type: string): string | undefined {
    return parsedType(type)?.key;
}

export const kinds = {
    namespace: kindKey("core", "Namespace"),
    service: kindKey("core", "Service"),
    configMap: kindKey("core", "ConfigMap"),
    resourceQuota: kindKey("core", "ResourceQuota"),
    limitRange: kindKey("core", "LimitRange"),
    pod: kindKey("core", "Pod"),
    deployment: kindKey("apps", "Deployment"),
    statefulSet: kindKey("apps", "StatefulSet"),
    daemonSet: kindKey("apps", "DaemonSet"),
    replicaSet: kindKey("apps", "ReplicaSet"),
    job: kindKey("batch", "Job"),
    cronJob: kindKey("batch", "CronJob"),
    networkPolicy: kindKey("networking.k8s.io", "NetworkPolicy"),
    ipAddressPool: kindKey("metallb.io", "IPAddressPool"),
    l2Advertisement: kindKey("metallb.io", "L2Advertisement"),
    bgpAdvertisement: kindKey("metallb.io", "BGPAdvertisement"),
    workflow: kindKey("argoproj.io", "Workflow"),
    workflowTemplate: kindKey("argoproj.io", "WorkflowTemplate"),
    clusterWorkflowTemplate: kindKey("argoproj.io", "ClusterWorkflowTemplate"),
    cronWorkflow: kindKey("argoproj.io", "CronWorkflow"),
    calicoIpPool: kindKey("crd.projectcalico.org", "IPPool"),
    calicoIpPoolV3: kindKey("projectcalico.org", "IPPool"),
    tigeraInstallation: kindKey("operator.tigera.io", "Installation"),
    helmRelease: kindKey("helm.sh", "Release"),
    helmChart: kindKey("helm.sh", "Chart"),
};

/**
 * A resource validation for one Pulumi type only (`kubernetes:core/v1:LimitRange`). The engine's
 * pack runner (`@pulumi/policy`'s server) reads `__pulumiType` off a single validation and skips
 * every resource of another type without deserializing it or calling the policy, as it does for
 * `validateResourceOfType`, which needs the resource class (and so `@pulumi/kubernetes`) loaded.
 */
export function validateOnlyType(pulumiType: string, validate: ResourceValidation): ResourceValidation {
    return Object.assign(validate, { __pulumiType: pulumiType });
}

/** A Kubernetes object read from one engine resource, with its properties as plain values. */
export interface KubernetesObject {
    resource: EngineResource;
    kind: string;
    group: string;
    /** `metadata.name`, falling back to the Pulumi name; `unknownValue` during preview if not known. */
    name: string | UnknownValue;
    /** `metadata.namespace`, else the provider's default namespace, else `default`. */
    namespace: string | UnknownValue;
    labels: Record<string, string> | UnknownValue;
    annotations: Record<string, string> | UnknownValue;
    body: PlainRecord;
}

/** A string-valued map (labels, annotations) as Kubernetes stores it: numbers and booleans as written. */
export function stringMap(value: PlainRecord | UnknownValue): Record<string, string> | UnknownValue {
    if (isUnknown(value)) {
        return value;
    }
    let allStrings = true;
    for (const key in value) {
        if (typeof value[key] !== "string") {
            allStrings = false;
            break;
        }
    }
    if (allStrings) {
        // Plain data is never mutated by the pack: a map of strings is already what it reads as.
        return value as Record<string, string>;
    }
    const result: Record<string, string> = {};
    for (const [key, item] of Object.entries(value)) {
        if (isUnknown(item)) {
            return item;
        }
        if (typeof item === "string" || typeof item === "number" || typeof item === "boolean") {
            result[key] = String(item);
        }
    }
    return result;
}

function providerNamespace(resource: EngineResource): string | UnknownValue | undefined {
    if (!resource.provider) {
        return undefined;
    }
    const props = toPlain(resource.provider.props);
    return stringAt(props, "namespace");
}

/** Reads one engine resource as a Kubernetes object; undefined for non-Kubernetes resources. */
export function readObject(resource: EngineResource): KubernetesObject | undefined {
    const type = parseResourceType(resource.type);
    if (!type) {
        return undefined;
    }
    const plain = toPlain(resource.props);
    const body: PlainRecord = isRecord(plain) ? plain : {};
    const metadata = recordAt(body, "metadata");
    const name = stringAt(metadata, "name") ?? resource.name;
    const namespace = stringAt(metadata, "namespace") ?? providerNamespace(resource) ?? "default";
    return {
        resource,
        kind: type.kind,
        group: type.group,
        name: name === "" ? resource.name : name,
        namespace: namespace === "" ? "default" : namespace,
        labels: stringMap(recordAt(metadata, "labels")),
        annotations: stringMap(recordAt(metadata, "annotations")),
        body,
    };
}

/**
 * Groups the stack's Kubernetes objects by `group/Kind`, reading only the kinds asked for:
 * one pass over the resources, and no property is copied for a resource no policy looks at.
 */
export function collectObjects(
    resources: EngineResource[],
    wanted: string[],
): Map<string, KubernetesObject[]> {
    const byKind = new Map<string, KubernetesObject[]>(wanted.map((key) => [key, []]));
    for (const resource of resources) {
        const key = kindKeyOf(resource.type);
        const bucket = key === undefined ? undefined : byKind.get(key);
        if (bucket) {
            const object = readObject(resource);
            if (object) {
                bucket.push(object);
            }
        }
    }
    return byKind;
}

export function objectsOf(byKind: Map<string, KubernetesObject[]>, ...keys: string[]): KubernetesObject[] {
    return keys.flatMap((key) => byKind.get(key) ?? []);
}

function shown(value: string | UnknownValue): string {
    return isUnknown(value) ? "(unknown)" : value;
}

/**
 * ` (Pulumi name "ingress")` for a resource of a Pulumi program; nothing for an object read from a
 * live cluster (`npm run audit`), which has no Pulumi name and whose URN is not a Pulumi URN.
 */
export function pulumiNameOf(resource: EngineResource): string {
    return resource.urn.startsWith("urn:pulumi:") ? ` (Pulumi name "${resource.name}")` : "";
}

/** `Service ingress-nginx/ingress-nginx-controller (Pulumi name "ingress")`: how messages name an object. */
export function describe(object: KubernetesObject, namespaced = true): string {
    const where = namespaced ? `${shown(object.namespace)}/${shown(object.name)}` : shown(object.name);
    return `${object.kind} ${where}${pulumiNameOf(object.resource)}`;
}

export interface LabelSelector {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** Reads a label selector; `unknownValue` if any part of it is unknown. */
export function readSelector(value: PlainValue | undefined): LabelSelector | UnknownValue {
    if (isUnknown(value)) {
        return value;
    }
    if (!isRecord(value)) {
        return {};
    }
    const matchLabels = stringMap(recordAt(value, "matchLabels"));
    if (isUnknown(matchLabels)) {
        return matchLabels;
    }
    const expressions = value.matchExpressions;
    if (isUnknown(expressions)) {
        return expressions;
    }
    const matchExpressions: { key: string; operator: string; values?: string[] }[] = [];
    for (const expression of Array.isArray(expressions) ? expressions : []) {
        if (!isRecord(expression)) {
            continue;
        }
        const key = stringAt(expression, "key");
        const operator = stringAt(expression, "operator");
        const values = expression.values;
        if (isUnknown(key) || isUnknown(operator) || isUnknown(values)) {
            return unknownOf(key, operator, values);
        }
        if (Array.isArray(values) && values.some(isUnknown)) {
            return values.find(isUnknown) as UnknownValue;
        }
        matchExpressions.push({
            key: key ?? "",
            operator: operator ?? "",
            values: Array.isArray(values) ? values.map(String) : undefined,
        });
    }
    return { matchLabels, matchExpressions };
}

function unknownOf(...values: unknown[]): UnknownValue {
    return values.find(isUnknown) as UnknownValue;
}

/** Kubernetes label-selector semantics: every matchLabels pair and every expression must hold. */
export function selectorMatches(selector: LabelSelector, labels: Record<string, string>): boolean {
    for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
        if (labels[key] !== value) {
            return false;
        }
    }
    for (const expression of selector.matchExpressions ?? []) {
        const has = Object.prototype.hasOwnProperty.call(labels, expression.key);
        const values = expression.values ?? [];
        switch (expression.operator) {
            case "In":
                if (!has || !values.includes(labels[expression.key])) {
                    return false;
                }
                break;
            case "NotIn":
                if (has && values.includes(labels[expression.key])) {
                    return false;
                }
                break;
            case "Exists":
                if (!has) {
                    return false;
                }
                break;
            case "DoesNotExist":
                if (has) {
                    return false;
                }
                break;
            default:
                return false;
        }
    }
    return true;
}

/** Whether a selector is empty, which in Kubernetes selects everything. */
export function selectsEverything(selector: LabelSelector): boolean {
    return (
        Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0
    );
}

/** The URNs of resources that are some other resource's parent (for example a helm.v4 Chart that rendered objects). */
export function parentUrns(resources: EngineResource[]): Set<string> {
    const parents = new Set<string>();
    for (const resource of resources) {
        if (resource.parent) {
            parents.add(resource.parent.urn);
        }
    }
    return parents;
}
