import { ResourceValidationPolicy } from "@pulumi/policy";
import { readObject, validateOnlyType } from "../support/kubernetes";
import { isUnknown } from "../support/plainValues";
import { limitFields, misorderedLimits } from "../../lib/kubernetes/limitRanger";
import { parseQuantity } from "../../lib/kubernetes/quantity";
import { computeResources } from "../../lib/kubernetes/resources";
import { readLimitRanges } from "../support/quotas";

/**
 * limit-range-values-are-ordered (mandatory, severity medium)
 *
 * The API server rejects a LimitRange unless, per resource, min <= defaultRequest <= default <= max,
 * and LimitRanger would otherwise hand containers defaults they are then refused for. Checked here
 * so `pulumi preview` shows it before anything is applied. Values that are not quantities are
 * rejected the same way.
 */
export const limitRangeValuesAreOrdered: ResourceValidationPolicy = {
    name: "limit-range-values-are-ordered",
    description: "LimitRange values must satisfy min <= defaultRequest <= default <= max.",
    enforcementLevel: "mandatory",
    severity: "medium",
    // LimitRange exists in core/v1 only.
    validateResource: validateOnlyType("kubernetes:core/v1:LimitRange", (args, reportViolation) => {
        const object = readObject(args);
        if (!object) {
            return;
        }
        const [limitRange] = readLimitRanges([object]);
        if (isUnknown(limitRange.items)) {
            return;
        }
        for (const item of limitRange.items) {
            const where = `${limitRange.description} spec.limits[${item.index}] (type ${item.type || "unset"})`;
            const misordered = misorderedLimits(item);
            for (const resource of computeResources) {
                for (const field of limitFields) {
                    const text = item[field]?.[resource];
                    if (text !== undefined && parseQuantity(text) === undefined) {
                        reportViolation(
                            `${where}: ${field}.${resource} "${text}" is not a Kubernetes quantity, so the API server rejects ` +
                                "the LimitRange. Write it like 500m, 2 or 256Mi.",
                        );
                    }
                }
                for (const { lower, upper } of misordered.filter((pair) => pair.resource === resource)) {
                    reportViolation(
                        `${where}: ${lower.field}.${resource} ${lower.value} is greater than ${upper.field}.${resource} ` +
                            `${upper.value}, so the API server rejects the LimitRange. Make ${lower.field}.${resource} at most ` +
                            `${upper.value}, or raise ${upper.field}.${resource}.`,
                    );
                }
            }
        }
    }),
};
