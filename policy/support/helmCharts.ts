// Helm installs the engine sees: `kubernetes:helm.sh/v3:Release` (whose objects the engine never
// sees, only its `values`) and `kubernetes:helm.sh/v4:Chart` (whose rendered objects arrive as
// ordinary resources parented to it). Chart values stand in for the objects only when nothing was
// rendered, so an object is never counted twice.
//
// A v4 Chart is a remote component: the engine records it with the provider's outputs
// (`resources`), not the program's arguments, so in a real preview its `values` do not reach
// policies and its rendered objects are what gets checked. Its values are still read whenever they
// do arrive, as under Pulumi's mocks, which record arguments.

import { EngineResource, KubernetesObject, parentUrns, pulumiNameOf } from "./kubernetes";
import { isUnknown, PlainRecord, recordAt, stringAt, UnknownValue } from "./plainValues";

export interface HelmInstall {
    object: KubernetesObject;
    /** The chart's own name: `ingress-nginx` for `ingress-nginx`, `repo/ingress-nginx`, `oci://…/ingress-nginx` or a local path. */
    chart: string | UnknownValue | undefined;
    values: PlainRecord | UnknownValue;
    /** True when the engine shows objects rendered by this install (a v4 Chart during preview and update). */
    rendered: boolean;
    /** `Chart ingress-nginx/ingress-nginx (Pulumi name "ingress")`. */
    description: string;
}

/** The chart name at the end of a reference: strips repository prefixes, paths, versions and `.tgz`. */
export function chartBaseName(reference: string): string {
    const lastSegment = reference.replace(/\/+$/, "").split("/").pop() ?? reference;
    return lastSegment.replace(/\.tgz$/, "").replace(/-v?[0-9]+\.[0-9]+\.[0-9]+(?:[-+][0-9A-Za-z.-]+)?$/, "");
}

/** Reads v3 Releases and v4 Charts (already read as objects), marking those with rendered children. */
export function readHelmInstalls(objects: KubernetesObject[], resources: EngineResource[]): HelmInstall[] {
    if (objects.length === 0) {
        return [];
    }
    const parents = parentUrns(resources);
    return objects.map((object) => {
        const chart = stringAt(object.body, "chart");
        const release = stringAt(object.body, "name") ?? object.resource.name;
        const namespace = stringAt(object.body, "namespace") ?? object.namespace;
        const shownRelease = isUnknown(release) ? "(unknown)" : release;
        const shownNamespace = isUnknown(namespace) ? "(unknown)" : namespace;
        return {
            object: { ...object, name: release, namespace },
            chart: chart === undefined || isUnknown(chart) ? chart : chartBaseName(chart),
            values: recordAt(object.body, "values"),
            rendered: parents.has(object.resource.urn),
            description: `${object.kind} ${shownNamespace}/${shownRelease}${pulumiNameOf(object.resource)}`,
        };
    });
}
