// Turns a chart source from the stack settings into the arguments of a helm.v4.Chart.

import * as path from "path";
import { ChartSource } from "../stacks/settings";

/** The project root (the directory of index.ts): relative chart paths in config are read from here. */
export const projectRoot = path.resolve(__dirname, "..");

/** The `chart`, `version` and `repositoryOpts` arguments of a helm.v4.Chart. */
export interface ChartReference {
    chart: string;
    version?: string;
    repositoryOpts?: { repo: string };
}

/**
 * A repository source becomes chart + exact version + repository URL; a path source becomes an
 * absolute path, so the chart is found whatever directory the provider runs in.
 */
export function chartReference(source: ChartSource): ChartReference {
    switch (source.kind) {
        case "repository":
            return {
                chart: source.chart,
                version: source.version,
                repositoryOpts: { repo: source.repository },
            };
        case "path":
            return { chart: path.resolve(projectRoot, source.path) };
    }
}
