// Workflow namespaces: in-cluster clients reach Services by cluster DNS name, not a LoadBalancer or
// pool address.

import { firstThree, objectFindings, parameterRecords, splitLines, subject } from "../cel";
import { admissionRule, matching, planVariables, refusal } from "../rule";

/** Workloads, Argo workflows and ConfigMaps in workflow namespaces: no LoadBalancer or pool addresses. */
export const serviceDns = admissionRule(
    "service-dns",
    "workflow namespaces",
    "a Pod, workload, Argo Workflow/WorkflowTemplate/CronWorkflow or ConfigMap in a workflow namespace whose env, parameters or data point at a LoadBalancer or pool address",
    [
        matching("", ["pods", "configmaps"]),
        matching("apps", ["deployments", "statefulsets", "daemonsets", "replicasets"]),
        matching("batch", ["jobs", "cronjobs"]),
        matching("argoproj.io", ["workflows", "workflowtemplates", "cronworkflows"]),
    ],
    {
        variables: [
            ...planVariables,
            {
                name: "inWorkflowNamespace",
                expression: `request.namespace in ${parameterRecords("workflowNamespaces")}.map(fields, fields[0])`,
            },
            { name: "endpoints", expression: parameterRecords("serviceEndpoints") },
            { name: "prefixes", expression: parameterRecords("addressPrefixes") + ".map(fields, fields[0])" },
            {
                // Every address of the plan as parsed CIDR blocks, parsed once per request.
                name: "poolBlocks",
                expression:
                    "variables.reserved.map(held, cidr(held[0] + (ip(held[0]).family() == 4 ? '/32' : '/128'))) + " +
                    "variables.autoAssign.map(block, cidr(block[1]))",
            },
            { name: "found", expression: splitLines(objectFindings("object")) },
            {
                // What the object held before this update stays allowed (Argo rewrites a running
                // Workflow's status in place, a controller relabels): only new findings count.
                name: "foundBefore",
                expression: `request.operation == 'UPDATE' ? ${splitLines(objectFindings("oldObject"))} : []`,
            },
            {
                name: "newFindings",
                expression: "variables.found.filter(finding, !(finding in variables.foundBefore))",
            },
        ],
        validations: [
            refusal(
                "!variables.inWorkflowNamespace || size(variables.newFindings) == 0",
                "points an in-cluster client at a LoadBalancer or MetalLB pool address",
                `${subject} + ': ' + ${firstThree("variables.newFindings")} + '. In-cluster clients reach Services by cluster DNS name ' + ` +
                    "'(<service>.<namespace>.svc.' + params.data.?clusterDomain.orValue('cluster.local') + '), which keeps working when the address moves ' + " +
                    "'and needs no trip through MetalLB. Fix: use the Service\\'s DNS name (the platform publishes its services in ConfigMap platform-endpoints).'",
            ),
        ],
    },
);
