// What every chart of the stack is installed with: its namespace, then the chart into it, each of
// the chart's objects applied as the stack's field manager (components/fieldManager.ts).

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ChartSource } from "../lib/helm/chartSource";
import { chartReference } from "./chartSource";
import { applyAsStack, combineTransforms } from "./fieldManager";

export interface ChartReleaseArgs {
    source: ChartSource;
    releaseName: string;
    namespace: string;
    /** Labels of the namespace, e.g. the Pod Security level a chart's pods need. */
    namespaceLabels?: Record<string, string>;
    values: Record<string, unknown>;
    skipAwait?: boolean;
    /** What the chart waits for besides its namespace. */
    dependsOn?: pulumi.Resource[];
    /** Changes to the chart's objects, after the field manager is set. */
    transforms?: pulumi.ResourceTransform[];
}

export interface ChartRelease {
    namespace: k8s.core.v1.Namespace;
    chart: k8s.helm.v4.Chart;
}

/** `<name>-namespace` and `<name>-chart`, children of `parent`. */
export function installChart(
    parent: pulumi.ComponentResource,
    name: string,
    args: ChartReleaseArgs,
): ChartRelease {
    // Existing namespaces are adopted, and may hold more than the stack declares: `pulumi destroy`
    // leaves the namespace itself.
    const namespace = new k8s.core.v1.Namespace(
        `${name}-namespace`,
        {
            metadata: {
                name: args.namespace,
                ...(args.namespaceLabels ? { labels: args.namespaceLabels } : {}),
            },
        },
        { parent, retainOnDelete: true },
    );
    const chart = new k8s.helm.v4.Chart(
        `${name}-chart`,
        {
            ...chartReference(args.source, parent),
            name: args.releaseName,
            namespace: args.namespace,
            values: args.values,
            skipAwait: args.skipAwait ?? false,
        },
        {
            parent,
            dependsOn: [namespace, ...(args.dependsOn ?? [])],
            transforms: [combineTransforms(applyAsStack, ...(args.transforms ?? []))],
        },
    );
    return { namespace, chart };
}
