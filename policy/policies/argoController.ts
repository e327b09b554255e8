// Argo Workflows' controller configuration, wherever the stack declares it: the
// `workflow-controller-configmap` (its own `executor` key holding YAML, or everything inside one
// `config` key, Argo's older layout), or the argo-workflows chart's `executor` values when the
// engine does not show the ConfigMap the chart renders.

import * as yaml from "js-yaml";
import { HelmInstall } from "./helmCharts";
import { describe, KubernetesObject } from "./kubernetes";
import { arrayAt, isRecord, isUnknown, PlainRecord, recordAt, toPlain, UnknownValue } from "./plainValues";
import { readResourceValues, ResourceValues } from "./quotas";

export interface ExecutorResources {
    requests: ResourceValues;
    limits: ResourceValues;
}

export interface ControllerConfig {
    owner: KubernetesObject;
    /** `ConfigMap argo/workflow-controller-configmap (Pulumi name "…") data.executor`. */
    description: string;
    /** How to set the executor's resources in this source, for messages. */
    setting: string;
    /** `unknownValue` during preview; a string when the YAML does not parse. */
    executor: ExecutorResources | UnknownValue | { yamlError: string };
    /** Namespaces the chart says run workflows (`controller.workflowNamespaces`). */
    workflowNamespaces: string[];
}

export function isControllerConfigMapName(name: string): boolean {
    return name === "workflow-controller-configmap" || name.endsWith("-workflow-controller-configmap");
}

function executorResources(executor: PlainRecord | UnknownValue): ExecutorResources | UnknownValue {
    const resources = recordAt(executor, "resources");
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

/** Reads a workflow controller ConfigMap; undefined for any other ConfigMap. */
export function readControllerConfigMap(configMap: KubernetesObject): ControllerConfig | undefined {
    if (isUnknown(configMap.name) || !isControllerConfigMapName(configMap.name)) {
        return undefined;
    }
    const data = recordAt(configMap.body, "data");
    const base = { owner: configMap, workflowNamespaces: [] };
    if (isUnknown(data)) {
        return { ...base, description: describe(configMap), setting: "data", executor: data };
    }
    // Argo reads `config` alone when present (it refuses other keys next to it), else one key per setting.
    const key = data.config !== undefined ? "config" : "executor";
    const description = `${describe(configMap)} data.${key}`;
    const setting = key === "config" ? "executor.resources inside data.config" : "resources in data.executor";
    const text = data[key];
    if (isUnknown(text)) {
        return { ...base, description, setting, executor: text };
    }
    if (typeof text !== "string") {
        return { ...base, description, setting, executor: { requests: {}, limits: {} } };
    }
    const parsed = parseYaml(text);
    if ("yamlError" in parsed) {
        return { ...base, description, setting, executor: parsed };
    }
    const executor = key === "config" ? recordAt(parsed.value, "executor") : parsed.value;
    return { ...base, description, setting, executor: executorResources(executor) };
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
        executor: executorResources(recordAt(install.values, "executor")),
        workflowNamespaces: isUnknown(namespaces)
            ? []
            : namespaces.filter((item): item is string => typeof item === "string"),
    };
}
