import * as assert from "assert";
import { limitRangeDefaultsCoverQuota } from "../../../policy/policies/limitRangeDefaultsCoverQuota";
import { runStackPolicy, stackViolations, unknownString, urnOf } from "../../harness/policy/harness";
import {
    homelabStack,
    limitRange,
    replaced,
    resourceQuota,
    seldonQuotaHard,
    types,
} from "../../harness/policy/resources";

const quotaName = 'ResourceQuota seldon-system/seldon-system-quota (Pulumi name "seldon-system-quota")';

describe("limit-range-defaults-cover-quota", () => {
    it("accepts the homelab: default and defaultRequest for cpu and memory", async () => {
        assert.deepStrictEqual(await stackViolations(limitRangeDefaultsCoverQuota, homelabStack()), []);
    });

    it("accepts defaults that come from API defaulting: default from max, defaultRequest from default or min", async () => {
        const specs = [
            resourceQuota("a", "quota", { "limits.cpu": "4", "requests.cpu": "2", memory: "8Gi" }),
            limitRange("a", "from-max", [{ type: "Container", max: { cpu: "1" }, min: { memory: "64Mi" } }]),
            resourceQuota("b", "quota-b", { pods: "10", "count/configmaps": "5" }),
        ];
        assert.deepStrictEqual(await stackViolations(limitRangeDefaultsCoverQuota, specs), []);
    });

    it("rejects the seed: the quota is back but no LimitRange defaults anything", async () => {
        const specs = replaced(homelabStack(), { "default-limits": null });
        assert.deepStrictEqual(await stackViolations(limitRangeDefaultsCoverQuota, specs), [
            {
                message:
                    `${quotaName} constrains limits.memory, requests.cpu, requests.memory, but no LimitRange (type Container) ` +
                    "in seldon-system defaults limits.memory, requests.cpu, requests.memory: quota admission rejects every " +
                    "container that declares none of its own, such as Argo's init and wait. Add a LimitRange of type " +
                    "Container in seldon-system with " +
                    "default.memory, defaultRequest.cpu, defaultRequest.memory.",
                urn: urnOf({ type: types.resourceQuota, name: "seldon-system-quota" }),
            },
        ]);
    });

    it("rejects partial defaults, and ignores LimitRange items of another type or namespace", async () => {
        const specs = [
            resourceQuota("seldon-system", "seldon-system-quota", { cpu: "8", "limits.memory": "32Gi" }),
            limitRange("seldon-system", "partial", [
                { type: "Container", defaultRequest: { cpu: "100m", memory: "128Mi" } },
                { type: "Pod", max: { memory: "8Gi" } },
            ]),
            limitRange("elsewhere", "other", [{ type: "Container", default: { memory: "256Mi" } }]),
        ];
        assert.deepStrictEqual(
            (await stackViolations(limitRangeDefaultsCoverQuota, specs)).map(
                (violation) => violation.message,
            ),
            [
                `${quotaName} constrains cpu, limits.memory, but no LimitRange (type Container) in seldon-system defaults ` +
                    "limits.memory: quota admission rejects every container that declares none of its own, such as Argo's " +
                    "init and wait. Add a LimitRange of type Container in seldon-system with default.memory.",
            ],
        );
    });

    it("skips exempt namespaces", async () => {
        const specs = [resourceQuota("kube-system", "system-quota", seldonQuotaHard)];
        assert.deepStrictEqual(await stackViolations(limitRangeDefaultsCoverQuota, specs), []);
        assert.strictEqual(
            (await stackViolations(limitRangeDefaultsCoverQuota, specs, { exemptNamespaces: [] })).length,
            1,
        );
    });

    it("during preview, skips quotas and namespaces with unknown values", async () => {
        const specs = [
            resourceQuota("seldon-system", "seldon-system-quota", seldonQuotaHard),
            limitRange("seldon-system", "pending", unknownString),
            resourceQuota("other", "other-quota", unknownString),
        ];
        assert.deepStrictEqual(await runStackPolicy(limitRangeDefaultsCoverQuota, specs), { violations: [] });
        const unknownNamespace = [
            resourceQuota("a", "quota", seldonQuotaHard),
            limitRange(unknownString, "pending", []),
        ];
        assert.deepStrictEqual(await runStackPolicy(limitRangeDefaultsCoverQuota, unknownNamespace), {
            violations: [],
        });
    });
});
