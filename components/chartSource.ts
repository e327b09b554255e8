// Turns a chart source from the stack settings into the arguments of a helm.v4.Chart.

import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import { ChartSource } from "../lib/helm/chartSource";
import { offlineChart } from "./offlineChart";

/** The project root (the directory of index.ts): relative chart paths in config are read from here. */
export const projectRoot = path.resolve(__dirname, "..");

/** Where copies of local charts without their remote schema references are kept. */
export const chartCacheDirectory = path.join(
    projectRoot,
    "node_modules",
    ".cache",
    "homelab-platform",
    "charts",
);

/** The `chart`, `version` and `repositoryOpts` arguments of a helm.v4.Chart. */
export interface ChartReference {
    chart: string;
    version?: string;
    repositoryOpts?: { repo: string };
}

/**
 * A repository source becomes chart + exact version + repository URL; a path source becomes an
 * absolute path, so the chart is found whatever directory the provider runs in. A local chart
 * whose values schema refers to remote definitions is rendered from a copy without them
 * (components/offlineChart.ts); `droppedReferences` lists them, for a warning.
 */
export function resolveChart(source: ChartSource): ChartReference & { droppedReferences: string[] } {
    switch (source.kind) {
        case "repository":
            return {
                chart: source.chart,
                version: source.version,
                repositoryOpts: { repo: source.repository },
                droppedReferences: [],
            };
        case "path": {
            const local = offlineChart(path.resolve(projectRoot, source.path), chartCacheDirectory);
            return { chart: local.path, droppedReferences: local.droppedReferences };
        }
    }
}

/**
 * The `chart`, `version` and `repositoryOpts` of a helm.v4.Chart for `source`, with a warning on
 * `parent` when remote schema references were left out of a local chart.
 */
export function chartReference(source: ChartSource, parent?: pulumi.Resource): ChartReference {
    const { droppedReferences, ...reference } = resolveChart(source);
    if (droppedReferences.length > 0 && source.kind === "path") {
        void pulumi.log.warn(
            `chart ${source.path}: values.schema.json refers to ${droppedReferences.length} remote ` +
                "definitions, which Helm would download on every render; rendering from a copy " +
                `without them (${reference.chart}). Those values are still checked by the API server.`,
            parent,
        );
    }
    return reference;
}
