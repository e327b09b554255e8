import * as assert from "assert";
import { workflowPodQuotaExcess } from "../../../lib/argo/workflowPod";
import { parseQuantity } from "../../../lib/kubernetes/quantity";

const executor = { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } };
const mainContainer = { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } };
const limits = [
    [
        {
            type: "Container",
            default: { cpu: "500m", memory: "256Mi" },
            defaultRequest: { cpu: "100m", memory: "128Mi" },
            max: { cpu: "4", memory: "8Gi" },
        },
    ],
];

describe("lib/argo/workflowPod", () => {
    it("fits the homelab's quota", () => {
        const hard = { "requests.cpu": "8", "requests.memory": "16Gi", "limits.memory": "32Gi", pods: "100" };
        assert.deepStrictEqual(workflowPodQuotaExcess({ executor, mainContainer }, hard, limits), []);
    });

    it("counts wait and main together, init alone, against each container key of the quota", () => {
        const hard = { pods: "1", "requests.cpu": "300m", "limits.memory": "1Gi", "requests.memory": "1Gi" };
        assert.deepStrictEqual(workflowPodQuotaExcess({ executor, mainContainer }, hard, limits), [
            { key: "requests.cpu", needed: parseQuantity("350m"), hard: "300m" },
            { key: "limits.memory", needed: parseQuantity("1280Mi"), hard: "1Gi" },
        ]);
    });

    it("fills a main container that declares nothing from the LimitRange, its default from max", () => {
        const declaresNothing = { requests: {}, limits: {} };
        const hard = { "limits.cpu": "1" };
        assert.deepStrictEqual(
            workflowPodQuotaExcess({ executor, mainContainer: declaresNothing }, hard, limits),
            [],
        );
        const maxOnly = [[{ type: "Container", max: { cpu: "2" } }]];
        assert.deepStrictEqual(
            workflowPodQuotaExcess({ executor, mainContainer: declaresNothing }, hard, maxOnly),
            [{ key: "limits.cpu", needed: parseQuantity("2500m"), hard: "1" }],
        );
    });
});
