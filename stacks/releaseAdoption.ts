// What adopting a Helm release means for the stack's settings (`npm run adopt-helm-releases`): is
// it the release the settings describe (name, namespace, chart, version), and which of the values
// its user gave Helm (`helm get values`) the settings keep, the stack sets itself, or would drop.

import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { ChartSource } from "../lib/helm/chartSource";
import { GovernedChart, governingSetting } from "./crossSectionRules";
import { StackSettings } from "./settings";

/** A release as its newest record holds it. */
export interface ReleaseFacts {
    name: string;
    namespace: string;
    chart: string;
    version: string;
    /** The values the user supplied (`helm install --set/--values`), as `helm get values` prints them. */
    userValues: Record<string, unknown>;
}

/** One value the user gave Helm, by its dotted path, e.g. `controller.service.loadBalancerIP`. */
export interface UserValue {
    path: string;
    value: unknown;
}

export interface ReleasePlan {
    /** The settings' key for the chart, e.g. `charts.ingress-nginx`. */
    chartKey: string;
    /** Where the stack takes the chart from, when it installs it. */
    source?: ChartSource;
    /** Reasons not to adopt it at all: another release than the stack's, a chart it does not install. */
    refusals: string[];
    /** The chart version the first `pulumi up` moves to, when it differs from the release's. */
    upgrade?: { from: string; to: string };
    /** Values the settings' `charts.<name>.values` already hold, equal. */
    kept: UserValue[];
    /** Values the stack sets (or replaces) from one of its settings. */
    setByStack: (UserValue & { setting: string })[];
    /** Values neither the settings nor the stack hold: the first `pulumi up` would drop them. */
    missing: UserValue[];
}

/** Leaves of a values tree: objects are walked, anything else (arrays included) is one value. */
export function userValueLeaves(values: Record<string, unknown>, prefix = ""): UserValue[] {
    return Object.entries(values).flatMap(([key, value]) => {
        const valuePath = prefix === "" ? key : `${prefix}.${key}`;
        return typeof value === "object" && value !== null && !Array.isArray(value)
            ? userValueLeaves(value as Record<string, unknown>, valuePath)
            : [{ path: valuePath, value }];
    });
}

function valueAt(values: Record<string, unknown> | undefined, valuePath: string): unknown {
    let current: unknown = values;
    for (const key of valuePath.split(".")) {
        current =
            typeof current === "object" && current !== null
                ? (current as Record<string, unknown>)[key]
                : undefined;
    }
    return current;
}

/** The version the stack installs: the pin, or the local chart's own `Chart.yaml`. */
export function pinnedVersion(chart: ChartSource, projectDirectory: string): string | undefined {
    if (chart.kind === "repository") {
        return chart.version;
    }
    const chartFile = path.join(path.resolve(projectDirectory, chart.path), "Chart.yaml");
    if (!fs.existsSync(chartFile)) {
        return undefined;
    }
    return String((yaml.load(fs.readFileSync(chartFile, "utf8")) as { version?: unknown }).version ?? "");
}

/** The stack's release of a chart: where it goes, and which of the settings' sections it belongs to. */
export function stackReleaseOf(
    chart: string,
    settings: StackSettings,
):
    | {
          kind: GovernedChart;
          namespace: string;
          name: string;
          section: string;
          source: ChartSource;
          values?: Record<string, unknown>;
      }
    | string {
    switch (chart) {
        case "metallb":
            return {
                kind: "metallb",
                ...settings.metallb,
                name: settings.metallb.releaseName,
                section: "metallb",
                source: settings.metallb.chart,
                values: settings.metallb.chartValues,
            };
        case "ingress-nginx":
        case "nginx-ingress":
            if (settings.ingress.controller !== chart) {
                return `installs chart ${chart}, but ingress.controller is ${settings.ingress.controller}: the stack would install the other controller beside it`;
            }
            return {
                kind: "ingress",
                ...settings.ingress,
                name: settings.ingress.releaseName,
                section: "ingress",
                source: settings.ingress.chart,
                values: settings.ingress.chartValues,
            };
        case "argo-workflows":
            return {
                kind: "argo",
                ...settings.argo,
                name: settings.argo.releaseName,
                section: "argo",
                source: settings.argo.chart,
                values: settings.argo.chartValues,
            };
        default:
            return `installs chart ${chart}, which this stack does not install (metallb, ingress-nginx or nginx-ingress, argo-workflows)`;
    }
}

export function planReleaseAdoption(
    release: ReleaseFacts,
    settings: StackSettings,
    projectDirectory: string,
): ReleasePlan {
    const target = `${release.namespace}/${release.name}`;
    const plan: ReleasePlan = {
        chartKey: `charts.${release.chart}`,
        refusals: [],
        kept: [],
        setByStack: [],
        missing: [],
    };
    const stack = stackReleaseOf(release.chart, settings);
    if (typeof stack === "string") {
        plan.refusals.push(`${target} ${stack}`);
        return plan;
    }
    if (stack.namespace !== release.namespace || stack.name !== release.name) {
        plan.refusals.push(
            `${target} (chart ${release.chart}) is not the stack's release ${stack.namespace}/${stack.name} ` +
                `(${stack.section}.namespace and ${stack.section}.releaseName): adopting it would leave a second ` +
                `${release.chart} beside the one the stack installs. Set ${stack.section}.namespace and ` +
                `${stack.section}.releaseName to ${release.namespace} and ${release.name}, or uninstall it first.`,
        );
    }
    plan.source = stack.source;
    const pinned = pinnedVersion(stack.source, projectDirectory);
    if (pinned !== undefined && pinned !== release.version) {
        plan.upgrade = { from: release.version, to: pinned };
    }
    for (const leaf of userValueLeaves(release.userValues)) {
        const setting = governingSetting(stack.kind, leaf.path);
        if (setting) {
            plan.setByStack.push({ ...leaf, setting });
        } else if (JSON.stringify(valueAt(stack.values, leaf.path)) === JSON.stringify(leaf.value)) {
            plan.kept.push(leaf);
        } else {
            plan.missing.push(leaf);
        }
    }
    return plan;
}

/**
 * The chart's entry of a stack file's `charts` object holding these values, with its source as the
 * settings have it (a stack file's `charts` replaces Pulumi.yaml's whole: every chart needs its entry).
 */
export function chartEntryWithValues(chart: string, source: ChartSource, leaves: UserValue[]): string {
    const values: Record<string, unknown> = {};
    for (const { path: valuePath, value } of leaves) {
        const keys = valuePath.split(".");
        let node = values;
        for (const key of keys.slice(0, -1)) {
            node = (node[key] ??= {}) as Record<string, unknown>;
        }
        node[keys[keys.length - 1]] = value;
    }
    const where =
        source.kind === "repository"
            ? { repository: source.repository, version: source.version }
            : { path: source.path };
    return yaml.dump({ [chart]: { ...where, values } }, { lineWidth: -1 });
}
