// Pod templates of workloads and Argo workflow templates, and the text values (env vars,
// ConfigMap entries, workflow parameters) that programs point at other services with.

import { KubernetesObject, kinds } from "./kubernetes";
import {
    arrayAt,
    isRecord,
    isUnknown,
    PlainRecord,
    PlainValue,
    recordAt,
    stringAt,
    UnknownValue,
    valueAtPath,
} from "./plainValues";

/** Where each workload kind keeps its pod spec. */
const podSpecPaths: Record<string, string[]> = {
    [kinds.pod]: ["spec"],
    [kinds.deployment]: ["spec", "template", "spec"],
    [kinds.statefulSet]: ["spec", "template", "spec"],
    [kinds.daemonSet]: ["spec", "template", "spec"],
    [kinds.replicaSet]: ["spec", "template", "spec"],
    [kinds.job]: ["spec", "template", "spec"],
    [kinds.cronJob]: ["spec", "jobTemplate", "spec", "template", "spec"],
};

export const workloadKinds = Object.keys(podSpecPaths);
export const workflowKinds = [
    kinds.workflow,
    kinds.workflowTemplate,
    kinds.clusterWorkflowTemplate,
    kinds.cronWorkflow,
];

export function podSpecOf(object: KubernetesObject): PlainValue | undefined {
    const path = podSpecPaths[`${object.group}/${object.kind}`];
    return path ? valueAtPath(object.body, path) : undefined;
}

export interface NamedContainer {
    /** `container trainer`, `init container setup`, `template train container`, `template train script`. */
    label: string;
    container: PlainRecord;
}

function listContainers(
    value: PlainValue[] | UnknownValue,
    label: (name: string) => string,
): NamedContainer[] {
    if (isUnknown(value)) {
        return [];
    }
    return value.filter(isRecord).map((container) => {
        const name = stringAt(container, "name");
        return { label: label(typeof name === "string" ? name : "(unnamed)"), container };
    });
}

/** Containers, init containers and ephemeral containers of a pod spec. */
export function podContainers(podSpec: PlainValue | undefined): NamedContainer[] {
    return [
        ...listContainers(arrayAt(podSpec, "initContainers"), (name) => `init container ${name}`),
        ...listContainers(arrayAt(podSpec, "containers"), (name) => `container ${name}`),
        ...listContainers(arrayAt(podSpec, "ephemeralContainers"), (name) => `ephemeral container ${name}`),
    ];
}

function workflowSpecOf(object: KubernetesObject): PlainRecord | UnknownValue {
    const spec = recordAt(object.body, "spec");
    return object.kind === "CronWorkflow" ? recordAt(spec, "workflowSpec") : spec;
}

/** The containers of every template of an Argo Workflow, WorkflowTemplate or CronWorkflow. */
export function workflowContainers(object: KubernetesObject): NamedContainer[] {
    const templates = arrayAt(workflowSpecOf(object), "templates");
    if (isUnknown(templates)) {
        return [];
    }
    return templates.filter(isRecord).flatMap((template) => {
        const templateName = stringAt(template, "name");
        const prefix = `template ${typeof templateName === "string" ? templateName : "(unnamed)"}`;
        const single = (key: string): NamedContainer[] => {
            const container = template[key];
            return isRecord(container) ? [{ label: `${prefix} ${key}`, container }] : [];
        };
        return [
            ...single("container"),
            ...single("script"),
            ...listContainers(
                arrayAt(recordAt(template, "containerSet"), "containers"),
                (name) => `${prefix} container ${name}`,
            ),
            ...listContainers(
                arrayAt(template, "initContainers"),
                (name) => `${prefix} init container ${name}`,
            ),
            ...listContainers(arrayAt(template, "sidecars"), (name) => `${prefix} sidecar ${name}`),
        ];
    });
}

export interface ConfiguredText {
    owner: KubernetesObject;
    /** `container trainer env MLFLOW_TRACKING_URI`, `data MLFLOW_TRACKING_URI`, `parameter mlflow-uri`. */
    where: string;
    text: string;
}

function envTexts(owner: KubernetesObject, containers: NamedContainer[]): ConfiguredText[] {
    const texts: ConfiguredText[] = [];
    for (const { label, container } of containers) {
        const env = arrayAt(container, "env");
        if (isUnknown(env)) {
            continue;
        }
        for (const variable of env.filter(isRecord)) {
            const name = stringAt(variable, "name");
            const value = stringAt(variable, "value");
            if (typeof name === "string" && typeof value === "string") {
                texts.push({ owner, where: `${label} env ${name}`, text: value });
            }
        }
    }
    return texts;
}

/**
 * Every plain-text value a workload, workflow or ConfigMap hands to a program: env values,
 * ConfigMap `data` entries and workflow argument parameters. Unknown values are skipped.
 */
export function configuredTexts(object: KubernetesObject): ConfiguredText[] {
    const key = `${object.group}/${object.kind}`;
    if (key === kinds.configMap) {
        const data = recordAt(object.body, "data");
        if (isUnknown(data)) {
            return [];
        }
        return Object.entries(data)
            .filter((entry): entry is [string, string] => typeof entry[1] === "string")
            .map(([name, text]) => ({ owner: object, where: `data ${name}`, text }));
    }
    if (workflowKinds.includes(key)) {
        const parameters = arrayAt(recordAt(workflowSpecOf(object), "arguments"), "parameters");
        const parameterTexts = isUnknown(parameters)
            ? []
            : parameters.filter(isRecord).flatMap((parameter) => {
                  const name = stringAt(parameter, "name");
                  const value = stringAt(parameter, "value");
                  return typeof name === "string" && typeof value === "string"
                      ? [{ owner: object, where: `parameter ${name}`, text: value }]
                      : [];
              });
        return [...envTexts(object, workflowContainers(object)), ...parameterTexts];
    }
    if (workloadKinds.includes(key)) {
        return envTexts(object, podContainers(podSpecOf(object)));
    }
    return [];
}
