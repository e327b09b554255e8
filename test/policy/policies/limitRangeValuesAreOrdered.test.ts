import * as assert from "assert";
import { limitRangeValuesAreOrdered } from "../../../policy/policies/limitRangeValuesAreOrdered";
import {
    isCalledFor,
    resourceViolations,
    runResourcePolicy,
    unknownString,
} from "../../harness/policy/harness";
import { homelabStack, limitRange } from "../../harness/policy/resources";

const where = 'LimitRange seldon-system/limits (Pulumi name "limits") spec.limits[0] (type Container)';

describe("limit-range-values-are-ordered", () => {
    it("accepts every resource of the homelab, equal bounds, and values written as numbers", async () => {
        for (const spec of [
            ...homelabStack(),
            limitRange("seldon-system", "equal", [
                {
                    type: "Container",
                    min: { cpu: "1" },
                    defaultRequest: { cpu: "1000m" },
                    default: { cpu: 1 },
                    max: { cpu: "1" },
                },
            ]),
        ]) {
            assert.deepStrictEqual(await resourceViolations(limitRangeValuesAreOrdered, spec), [], spec.name);
        }
    });

    it("rejects defaultRequest above default, comparing across units", async () => {
        const spec = limitRange("seldon-system", "limits", [
            { type: "Container", default: { memory: "256Mi" }, defaultRequest: { memory: "0.5Gi" } },
        ]);
        assert.deepStrictEqual(await resourceViolations(limitRangeValuesAreOrdered, spec), [
            {
                message:
                    `${where}: defaultRequest.memory 0.5Gi is greater than default.memory 256Mi, so the API server rejects the ` +
                    "LimitRange. Make defaultRequest.memory at most 256Mi, or raise default.memory.",
            },
        ]);
    });

    it("rejects default above max, min above defaultRequest, and a value that is not a quantity", async () => {
        const spec = limitRange("seldon-system", "limits", [
            {
                type: "Container",
                min: { cpu: "200m" },
                defaultRequest: { cpu: "100m" },
                default: { cpu: "2", memory: "lots" },
                max: { cpu: "1" },
            },
        ]);
        assert.deepStrictEqual(
            (await resourceViolations(limitRangeValuesAreOrdered, spec)).map(
                (violation) => violation.message,
            ),
            [
                `${where}: min.cpu 200m is greater than defaultRequest.cpu 100m, so the API server rejects the LimitRange. ` +
                    "Make min.cpu at most 100m, or raise defaultRequest.cpu.",
                `${where}: default.cpu 2 is greater than max.cpu 1, so the API server rejects the LimitRange. Make ` +
                    "default.cpu at most 1, or raise max.cpu.",
                `${where}: default.memory "lots" is not a Kubernetes quantity, so the API server rejects the LimitRange. ` +
                    "Write it like 500m, 2 or 256Mi.",
            ],
        );
    });

    it("compares the values that are set, skipping the ones that are not (defaultRequest above max)", async () => {
        const spec = limitRange("seldon-system", "limits", [
            { type: "Container", defaultRequest: { cpu: "2" }, max: { cpu: "1" } },
        ]);
        assert.deepStrictEqual(
            (await resourceViolations(limitRangeValuesAreOrdered, spec)).map(
                (violation) => violation.message,
            ),
            [
                `${where}: defaultRequest.cpu 2 is greater than max.cpu 1, so the API server rejects the LimitRange. Make ` +
                    "defaultRequest.cpu at most 1, or raise max.cpu.",
            ],
        );
    });

    it("during preview, says nothing about a LimitRange whose limits are unknown", async () => {
        assert.deepStrictEqual(
            await runResourcePolicy(limitRangeValuesAreOrdered, limitRange("a", "pending", unknownString)),
            {
                violations: [],
            },
        );
        const oneUnknown = limitRange("a", "pending", [
            { type: "Container", default: { cpu: unknownString }, max: { cpu: "1" } },
        ]);
        assert.deepStrictEqual(await runResourcePolicy(limitRangeValuesAreOrdered, oneUnknown), {
            violations: [],
        });
    });

    it("is called by the engine's runner for LimitRanges only", () => {
        assert.ok(isCalledFor(limitRangeValuesAreOrdered, "kubernetes:core/v1:LimitRange"));
        for (const type of [
            "kubernetes:core/v1:Service",
            "kubernetes:core/v1:LimitRangeList",
            "pulumi:pulumi:Stack",
        ]) {
            assert.ok(!isCalledFor(limitRangeValuesAreOrdered, type), type);
        }
    });
});
