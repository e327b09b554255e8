import * as assert from "assert";
import { parseQuantity } from "../../../lib/kubernetes/quantity";
import {
    containerConstrainedKeys,
    defaultingField,
    podQuotaUsage,
    quotaKeysLeftUndefaulted,
    unsatisfiedQuotaKeys,
} from "../../../lib/kubernetes/quotaAdmission";

describe("lib/kubernetes/quotaAdmission", () => {
    it("knows which quota keys every container must satisfy, and which LimitRange field fills each", () => {
        assert.deepStrictEqual(
            containerConstrainedKeys(["pods", "cpu", "limits.memory", "requests.storage", "requests.cpu"]),
            ["cpu", "limits.memory", "requests.cpu"],
        );
        assert.deepStrictEqual(
            ["cpu", "memory", "requests.cpu", "limits.cpu", "limits.memory"].map(defaultingField),
            ["defaultRequest", "defaultRequest", "defaultRequest", "default", "default"],
        );
    });

    it("names what a container leaves out: `cpu` is its cpu request", () => {
        assert.deepStrictEqual(
            unsatisfiedQuotaKeys({ requests: { cpu: "100m" }, limits: { memory: "1Gi" } }, [
                "cpu",
                "memory",
                "limits.cpu",
                "limits.memory",
                "pods",
            ]),
            ["memory", "limits.cpu"],
        );
    });

    it("counts what LimitRanges fill in, including the API server's defaults from max and min", () => {
        const keys = ["requests.cpu", "requests.memory", "limits.cpu", "limits.memory"];
        assert.deepStrictEqual(quotaKeysLeftUndefaulted(keys, []), keys);
        assert.deepStrictEqual(quotaKeysLeftUndefaulted(keys, [[{ type: "Container", max: { cpu: "1" } }]]), [
            "requests.memory",
            "limits.memory",
        ]);
        assert.deepStrictEqual(
            quotaKeysLeftUndefaulted(keys, [[{ type: "Container", min: { memory: "64Mi" } }]]),
            ["requests.cpu", "limits.cpu", "limits.memory"],
        );
        assert.deepStrictEqual(
            quotaKeysLeftUndefaulted(keys, [
                [{ type: "Container", default: { cpu: "1" } }],
                [{ type: "Container", default: { memory: "1Gi" } }],
            ]),
            [],
        );
        assert.deepStrictEqual(
            quotaKeysLeftUndefaulted(keys, [[{ type: "Pod", max: { cpu: "1", memory: "1Gi" } }]]),
            keys,
        );
    });

    it("counts a pod as its containers' sum or its largest init container, whichever is more", () => {
        const container = (cpu?: string) => ({ requests: cpu ? { cpu } : {}, limits: {} });
        const pod = {
            initContainers: [container("100m"), container("700m")],
            containers: [container("250m"), container("250m"), container()],
        };
        assert.strictEqual(podQuotaUsage(pod, "requests.cpu"), parseQuantity("700m"));
        assert.strictEqual(podQuotaUsage({ ...pod, initContainers: [] }, "cpu"), parseQuantity("500m"));
        assert.strictEqual(podQuotaUsage(pod, "limits.cpu"), 0n);
    });
});
