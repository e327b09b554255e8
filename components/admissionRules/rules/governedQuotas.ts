// The quotas and LimitRanges of the governed namespaces: never deleted by hand.

import { parameterRecords, subject } from "../cel";
import { admissionRule, matching, refusal } from "../rule";

/** ResourceQuotas and LimitRanges the stack keeps: no DELETE, unless their namespace is going away. */
export const governedQuotas = admissionRule(
    "governed-quotas",
    "governed namespaces",
    "deleting a ResourceQuota or LimitRange of a governed namespace (not the namespace itself)",
    [matching("", ["resourcequotas", "limitranges"], ["DELETE"])],
    {
        variables: [
            {
                name: "governed",
                expression:
                    `${parameterRecords("governedObjects")}.filter(kept, kept[0] == request.kind.kind && ` +
                    "kept[1] == request.namespace && kept[2] == request.name)",
            },
            {
                // The namespace controller empties a namespace being deleted: let it.
                name: "namespaceGoing",
                expression: "has(namespaceObject.metadata.deletionTimestamp)",
            },
        ],
        validations: [
            refusal(
                "size(variables.governed) == 0 || variables.namespaceGoing",
                "deletes a ResourceQuota or LimitRange the homelab-platform stack governs",
                `${subject} + ' is governed by the homelab-platform stack (' + variables.governed[0][3] + ' in its settings): ' + ` +
                    "(request.kind.kind == 'ResourceQuota' ? 'without it nothing caps what workloads in ' + request.namespace + ' consume. ' : " +
                    "'without it containers that declare no resources are no longer filled in, and the quota refuses them. ') + " +
                    "'A pod refused with failed quota: must specify ... needs requests and limits: the namespace\\'s LimitRange fills them in, ' + " +
                    "'and Argo\\'s executor takes them from argo.executorResources. Fix: change ' + variables.governed[0][3] + " +
                    "' in the settings and run pulumi up; deleting the namespace itself is allowed.'",
            ),
        ],
    },
);
