// `charts`: where each chart comes from, a repository at an exact version or a local path.

import { ChartSource } from "../../lib/helm/chartSource";
import { Problems } from "../problems";
import { isObject, Reader } from "../reader";

/** The charts a stack may take from a repository or a path (`charts.<name>`). */
const chartNames = ["metallb", "ingress-nginx", "nginx-ingress", "argo-workflows"] as const;
export type ChartName = (typeof chartNames)[number];

/** The `charts` object, every chart name known to it; each section reads its own chart from it. */
export function readCharts(problems: Problems, raw: unknown): Reader {
    const charts = Reader.of(problems, "charts", raw);
    for (const name of chartNames) {
        charts.peek(name);
    }
    return charts;
}

/**
 * `charts.<name>`: where the chart comes from, and the user's own chart values (`values`, any
 * object; the chart's schema judges its keys), which the component merges under the ones the
 * stack sets.
 */
export function readChart(
    charts: Reader,
    name: ChartName,
): { chart: ChartSource; chartValues: Record<string, unknown> } {
    const reader = charts.object(name);
    let chartValues: Record<string, unknown> = {};
    const values = reader.peek("values");
    if (isObject(values)) {
        chartValues = values;
    } else if (values !== undefined) {
        reader.object("values");
    }
    return { chart: readChartSource(reader, name), chartValues };
}

function readChartSource(reader: Reader, name: ChartName): ChartSource {
    if (reader.peek("path") !== undefined) {
        return { kind: "path", path: reader.string("path") };
    }
    return {
        kind: "repository",
        chart: name,
        version: reader.string(
            "version",
            /^v?[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$/,
            "an exact chart version",
        ),
        repository: reader.string("repository", /^(https?|oci):\/\/\S+$/, "an http(s):// or oci:// URL"),
    };
}
