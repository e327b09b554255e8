import { ResourceValidationPolicy } from "@pulumi/policy";
import { describe } from "../support/kubernetes";
import { readAddressRequester } from "../support/loadBalancerRequests";
import { currentAnnotationPrefix, deprecatedAnnotationPrefix } from "../support/metallb";
import { isRecord, isUnknown, recordAt } from "../support/plainValues";

/**
 * metallb-annotations-use-current-prefix (advisory, severity low)
 *
 * MetalLB renamed its Service annotations from `metallb.universe.tf/` to `metallb.io/` (v0.14.9);
 * the old spelling is deprecated and will stop being read. Applies to Services and to ingress
 * charts' `controller.service.annotations` values.
 */
export const metallbAnnotationsUseCurrentPrefix: ResourceValidationPolicy = {
    name: "metallb-annotations-use-current-prefix",
    description:
        "MetalLB annotations should use the metallb.io/ prefix, not the deprecated metallb.universe.tf/.",
    enforcementLevel: "advisory",
    severity: "low",
    validateResource: (args, reportViolation) => {
        const requester = readAddressRequester(args);
        if (!requester) {
            return;
        }
        const { object, install } = requester;
        let owner: string;
        let where: string;
        let keys: string[];
        if (!install) {
            if (isUnknown(object.annotations)) {
                return;
            }
            owner = describe(object);
            where = "annotation";
            keys = Object.keys(object.annotations);
        } else {
            const annotations = recordAt(
                recordAt(recordAt(install.values, "controller"), "service"),
                "annotations",
            );
            if (!isRecord(annotations)) {
                return;
            }
            owner = install.description;
            where = "values controller.service.annotations";
            keys = Object.keys(annotations);
        }
        for (const annotation of keys.filter((candidate) =>
            candidate.startsWith(deprecatedAnnotationPrefix),
        )) {
            const renamed = `${currentAnnotationPrefix}${annotation.slice(deprecatedAnnotationPrefix.length)}`;
            reportViolation(
                `${owner} uses the deprecated ${where} ${annotation}: rename it to ${renamed} (MetalLB v0.14.9 and later ` +
                    "read the metallb.io/ prefix; the metallb.universe.tf/ one is on its way out).",
            );
        }
    },
};
