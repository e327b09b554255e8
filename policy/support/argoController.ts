// Argo Workflows' controller configuration, wherever the stack declares it: the
// `workflow-controller-configmap` (its own `executor` and `mainContainer` keys holding YAML, or
// everything inside one `config` key, Argo's older layout), or the argo-workflows chart's values
// when the engine does not show the ConfigMap the chart renders.

import * as yaml from "js-yaml";
import { HelmInstall } from "./helmCharts";
import { describe, KubernetesObject } from "./kubernetes";
import { arrayAt, isRecord, isUnknown, PlainRecord, recordAt, toPlain, UnknownValue } from "./plainValues";
import { ContainerResources } from "../../lib/kubernetes/resources";
import { readResourceValues } from "./quotas";

export interface ControllerConfig {
    owner: KubernetesObject;
    /** `ConfigMap argo/workflow-controller-configmap (Pulumi name "…") data.executor`. */
    description: string;
    /** How to set the executor's resources in this source, for messages. */
    setting: string;
    /** `unknownValue` during preview; a string when the YAML does not parse. */
    executor: ContainerResources | UnknownValue | { yamlError: string };
    /** The `mainContainer` resources (what a template that sets none gets); empty when not set. */
    mainContainer: ContainerResources | UnknownValue;
    /** Namespaces the chart says run workflows (`controller.workflowNamespaces`). */
    workflowNamespaces: string[];
}

export function isControllerConfigMapName(name: string): boolean {
    return name === "workflow-controller-configmap" || name.endsWith("-workflow-controller-configmap");
}

/** The `resources` of an `executor` or `mainContainer` setting. */
export function containerResources(container: PlainRecord | UnknownValue): ContainerResources | UnknownValue {
    const resources = recordAt(container, "resources");
    const requests = readResourceValues(recordAt(resources, "requests"));
    const limits = readResourceValues(recordAt(resources, "limits"));
    if (isUnknown(requests) || isUnknown(limits)) {
        return isUnknown(requests) ? requests : (limits as UnknownValue);
    }
    return { requests, limits };
}

function parseYaml(text: string): { value: PlainRecord } | { yamlError: string } {
    try {
        const value = toPlain(yaml.load(text));
        return { value: isRecord(value) ? value : {} };
    } catch (error) {
        return { yamlError: error instanceof yaml.YAMLException ? error.reason : String(error) };
    }
}

const declaresNothing: ContainerResources = { requests: {}, limits: {} };

/** A container setting held as YAML text (`data.mainContainer`): what it declares, or nothing. */
function containerResourcesOfText(text: unknown): ContainerResources | UnknownValue {
    if (isUnknown(text)) {
        return text;
    }
    const parsed = typeof text === "string" ? parseYaml(text) : undefined;
    return parsed && "value" in parsed ? containerResources(parsed.value) : declaresNothing;
}

/** Reads a workflow controller ConfigMap; undefined for any other ConfigMap. */
export function readControllerConfigMap(configMap: KubernetesObject): ControllerConfig | undefined {
    if (isUnknown(configMap.name) || !isControllerConfigMapName(configMap.name)) {
        return undefined;
    }
    const data = recordAt(configMap.body, "data");
    const base = { owner: configMap, workflowNamespaces: [] };
    if (isUnknown(data)) {
        return {
            ...base,
            description: describe(configMap),
            setting: "data",
            executor: data,
            mainContainer: data,
        };
    }
    // Argo reads `config` alone when present (it refuses other keys next to it), else one key per setting.
    const key = data.config !== undefined ? "config" : "executor";
    const description = `${describe(configMap)} data.${key}`;
    const setting = key === "config" ? "executor.resources inside data.config" : "resources in data.executor";
    const text = data[key];
    const mainContainer = key === "config" ? declaresNothing : containerResourcesOfText(data.mainContainer);
    if (isUnknown(text)) {
        return { ...base, description, setting, executor: text, mainContainer: text };
    }
    if (typeof text !== "string") {
        return { ...base, description, setting, executor: declaresNothing, mainContainer };
    }
    const parsed = parseYaml(text);
    if ("yamlError" in parsed) {
        return { ...base, description, setting, executor: parsed, mainContainer };
    }
    if (key === "config") {
        return {
            ...base,
            description,
            setting,
            executor: containerResources(recordAt(parsed.value, "executor")),
            mainContainer: containerResources(recordAt(parsed.value, "mainContainer")),
        };
    }
    return { ...base, description, setting, executor: containerResources(parsed.value), mainContainer };
}

/** Reads the argo-workflows chart's executor values; undefined for other charts and rendered installs. */
export function readControllerValues(install: HelmInstall): ControllerConfig | undefined {
    if (install.chart !== "argo-workflows" || install.rendered) {
        return undefined;
    }
    const namespaces = arrayAt(recordAt(install.values, "controller"), "workflowNamespaces");
    return {
        owner: install.object,
        description: `${install.description} values executor`,
        setting: "values executor.resources",
        executor: containerResources(recordAt(install.values, "executor")),
        mainContainer: containerResources(recordAt(install.values, "mainContainer")),
        workflowNamespaces: isUnknown(namespaces)
            ? []
            : namespaces.filter((item): item is string => typeof item === "string"),
    };
}

/** Every controller configuration the stack shows: its ConfigMaps, and unrendered chart installs' values. */
export function readControllers(configMaps: KubernetesObject[], installs: HelmInstall[]): ControllerConfig[] {
    return [...configMaps.map(readControllerConfigMap), ...installs.map(readControllerValues)].filter(
        (controller): controller is ControllerConfig => controller !== undefined,
    );
}
