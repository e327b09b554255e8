// `argo`: the controller chart, the workflow namespaces and identity, and the resources and pull
// policies of every workflow pod's containers.

import type { ArgoWorkflowsSettings } from "../../components/argo";
import { imagePullPolicies } from "../../lib/kubernetes/imagePullPolicy";
import { Problems } from "../problems";
import { Reader } from "../reader";
import { readChart } from "./charts";
import { readContainerResources } from "./containerResources";

/**
 * `argo.imagePullPolicy.{executor,mainContainer}`, IfNotPresent when left out. The chart would
 * otherwise render its `images.pullPolicy` (Always) into every step, and a step whose image was
 * imported into the nodes, and is in no registry, would fail to pull.
 */
function readImagePullPolicies(
    argo: Reader,
): Pick<ArgoWorkflowsSettings, "executorImagePullPolicy" | "mainContainerImagePullPolicy"> {
    const policies = argo.peek("imagePullPolicy") === undefined ? undefined : argo.object("imagePullPolicy");
    return {
        executorImagePullPolicy:
            policies?.optionalOneOf("executor", imagePullPolicies, "IfNotPresent") ?? "IfNotPresent",
        mainContainerImagePullPolicy:
            policies?.optionalOneOf("mainContainer", imagePullPolicies, "IfNotPresent") ?? "IfNotPresent",
    };
}

export function readArgo(problems: Problems, raw: unknown, charts: Reader): ArgoWorkflowsSettings {
    const reader = Reader.of(problems, "argo", raw);
    return {
        namespace: reader.name("namespace"),
        releaseName: reader.name("releaseName"),
        ...readChart(charts, "argo-workflows"),
        workflowNamespaces: reader.names("workflowNamespaces"),
        workflowServiceAccount: reader.name("workflowServiceAccount"),
        executorResources: readContainerResources(problems, reader, "executorResources", true),
        mainContainerResources: readContainerResources(problems, reader, "mainContainerResources", false),
        ...readImagePullPolicies(reader),
        // The chart's own default: the homelab runs the UI, and a migrated cluster keeps it.
        serverEnabled:
            reader.peek("server") === undefined
                ? true
                : reader.object("server").optionalBoolean("enabled", true),
    };
}
