import * as assert from "assert";
import {
    admittedContainer,
    limitRangeDefaults,
    misorderedLimits,
    storedLimitRangeItem,
    valuesAboveMaximum,
} from "../../../lib/kubernetes/limitRanger";

describe("lib/kubernetes/limitRanger", () => {
    describe("what the API server stores for a Container item", () => {
        it("takes a missing default from max, then a missing defaultRequest from default", () => {
            assert.deepStrictEqual(
                storedLimitRangeItem({ type: "Container", max: { cpu: "2", memory: "1Gi" } }),
                {
                    type: "Container",
                    max: { cpu: "2", memory: "1Gi" },
                    default: { cpu: "2", memory: "1Gi" },
                    defaultRequest: { cpu: "2", memory: "1Gi" },
                },
            );
        });

        it("takes a missing defaultRequest from min when there is no default or max", () => {
            assert.deepStrictEqual(
                storedLimitRangeItem({ type: "Container", min: { cpu: "10m" }, default: { memory: "256Mi" } })
                    .defaultRequest,
                { cpu: "10m", memory: "256Mi" },
            );
        });

        it("keeps what is written, and leaves items of other types alone", () => {
            const written = {
                type: "Container",
                max: { cpu: "4" },
                default: { cpu: "500m" },
                defaultRequest: { cpu: "100m" },
                min: { cpu: "10m" },
            };
            assert.deepStrictEqual(storedLimitRangeItem(written), written);
            assert.deepStrictEqual(storedLimitRangeItem({ type: "Pod", max: { cpu: "4" } }), {
                type: "Pod",
                max: { cpu: "4" },
            });
        });
    });

    describe("what LimitRanger fills in", () => {
        it("takes the defaults of the Container items, a later item's over an earlier one's", () => {
            assert.deepStrictEqual(
                limitRangeDefaults([
                    { type: "Container", default: { cpu: "1", memory: "1Gi" } },
                    { type: "Pod", max: { cpu: "8" } },
                    { type: "Container", default: { cpu: "2" } },
                ]),
                { limits: { cpu: "2", memory: "1Gi" }, requests: { cpu: "2", memory: "1Gi" } },
            );
        });

        it("keeps a container's own values, requests it at its own limit, and lets the first LimitRange decide", () => {
            const admitted = admittedContainer({ requests: {}, limits: { cpu: "300m" } }, [
                [
                    {
                        type: "Container",
                        default: { cpu: "1", memory: "512Mi" },
                        defaultRequest: { memory: "128Mi" },
                    },
                ],
                [{ type: "Container", default: { memory: "2Gi" }, defaultRequest: { cpu: "50m" } }],
            ]);
            assert.deepStrictEqual(admitted, {
                requests: { cpu: "300m", memory: "128Mi" },
                limits: { cpu: "300m", memory: "512Mi" },
            });
        });

        it("fills in nothing without a LimitRange", () => {
            assert.deepStrictEqual(admittedContainer({ requests: {}, limits: {} }, []), {
                requests: {},
                limits: {},
            });
        });
    });

    describe("what LimitRanger and validation refuse", () => {
        it("finds the values above a Container item's max, requests before limits", () => {
            assert.deepStrictEqual(
                valuesAboveMaximum(
                    { requests: { cpu: "5", memory: "1Gi" }, limits: { cpu: "6", memory: "8Gi" } },
                    [
                        { type: "Container", max: { cpu: "4", memory: "8Gi" } },
                        { type: "Pod", max: { memory: "1Mi" } },
                    ],
                ),
                [
                    { side: "requests", resource: "cpu", value: "5", max: "4" },
                    { side: "limits", resource: "cpu", value: "6", max: "4" },
                ],
            );
        });

        it("compares each declared value with the next declared one, min to max", () => {
            assert.deepStrictEqual(
                misorderedLimits({
                    type: "Container",
                    min: { cpu: "200m" },
                    defaultRequest: { cpu: "100m", memory: "2Gi" },
                    max: { memory: "1Gi" },
                }),
                [
                    {
                        resource: "cpu",
                        lower: { field: "min", value: "200m" },
                        upper: { field: "defaultRequest", value: "100m" },
                    },
                    {
                        resource: "memory",
                        lower: { field: "defaultRequest", value: "2Gi" },
                        upper: { field: "max", value: "1Gi" },
                    },
                ],
            );
        });

        it("passes over values that are not quantities", () => {
            assert.deepStrictEqual(
                misorderedLimits({ type: "Container", default: { cpu: "lots" }, max: { cpu: "1" } }),
                [],
            );
        });
    });
});
