import { ResourceValidationPolicy } from "@pulumi/policy";
import { kindKeyOf, kinds, readObject } from "./kubernetes";
import { isUnknown } from "./plainValues";
import { computeResources, LimitField, limitFields, quantityOf, readLimitRanges } from "./quotas";

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
    validateResource: (args, reportViolation) => {
        if (kindKeyOf(args.type) !== kinds.limitRange) {
            return;
        }
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
            for (const resource of computeResources) {
                const declared: { field: LimitField; text: string; value: bigint }[] = [];
                for (const field of limitFields) {
                    const text = item.values[field][resource];
                    if (text === undefined) {
                        continue;
                    }
                    const value = quantityOf(text);
                    if (value === undefined) {
                        reportViolation(
                            `${where}: ${field}.${resource} "${text}" is not a Kubernetes quantity, so the API server rejects ` +
                                "the LimitRange. Write it like 500m, 2 or 256Mi.",
                        );
                        continue;
                    }
                    declared.push({ field, text, value });
                }
                for (let index = 1; index < declared.length; index++) {
                    const lower = declared[index - 1];
                    const upper = declared[index];
                    if (lower.value > upper.value) {
                        reportViolation(
                            `${where}: ${lower.field}.${resource} ${lower.text} is greater than ${upper.field}.${resource} ` +
                                `${upper.text}, so the API server rejects the LimitRange. Make ${lower.field}.${resource} at most ` +
                                `${upper.text}, or raise ${upper.field}.${resource}.`,
                        );
                    }
                }
            }
        }
    },
};
