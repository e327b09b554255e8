import * as assert from "assert";
import { containerRequestsFitTheirLimits } from "../../../policy/policies/containerRequestsFitTheirLimits";
import { runStackPolicy, stackViolations, unknownString, urnOf } from "../../harness/policy/harness";
import {
    deployment,
    helmRelease,
    homelabStack,
    limitRange,
    seldonLimits,
    types,
    workflowTemplate,
} from "../../harness/policy/resources";

const limits = limitRange("seldon-system", "seldon-system-limits", seldonLimits);
const limitsName = 'LimitRange seldon-system/seldon-system-limits (Pulumi name "seldon-system-limits")';
const fix =
    "Set limits.memory on the container (at least the request, within the LimitRange max), or lower the request.";

function sized(name: string, resources: object) {
    return { name, image: "python:3.12", resources };
}

describe("container-requests-fit-their-limits", () => {
    it("accepts the homelab, and containers that request within the default limit or set their own", async () => {
        const specs = [
            ...homelabStack(),
            deployment("seldon-system", "serving", [
                sized("small", { requests: { memory: "200Mi" } }),
                sized("large", { requests: { memory: "2Gi" }, limits: { memory: "2Gi" } }),
            ]),
        ];
        assert.deepStrictEqual(await stackViolations(containerRequestsFitTheirLimits, specs), []);
    });

    it("rejects a container that requests more than the LimitRange's default limit and sets none (the API server's refusal)", async () => {
        const specs = [
            limits,
            deployment("seldon-system", "serving", [sized("model", { requests: { memory: "512Mi" } })]),
            // Outside any namespace with a LimitRange: no default limit, nothing to refuse.
            deployment("elsewhere", "serving-elsewhere", [sized("model", { requests: { memory: "512Mi" } })]),
        ];
        assert.deepStrictEqual(await stackViolations(containerRequestsFitTheirLimits, specs), [
            {
                message:
                    'Deployment seldon-system/serving (Pulumi name "serving") container model requests memory 512Mi, above ' +
                    `256Mi, the default limit of ${limitsName}, since it sets none of its own: the API server refuses its pod ` +
                    `("must be less than or equal to memory limit of 256Mi"). ${fix}`,
                urn: urnOf({ type: types.deployment, name: "serving" }),
            },
        ]);
    });

    it("counts Argo's mainContainer limits for a step's main container, and the LimitRange for its init containers", async () => {
        const argo = helmRelease("argo", "argo-workflows", "argo-workflows", {
            mainContainer: { resources: { limits: { memory: "1Gi" } } },
        });
        const steps = workflowTemplate("seldon-system", "train", [
            { name: "fits", container: sized("main", { requests: { memory: "768Mi" } }) },
            {
                name: "too-big",
                script: { ...sized("main", { requests: { memory: "2Gi" } }), source: "train()" },
            },
            {
                name: "with-setup",
                container: sized("main", {}),
                initContainers: [sized("setup", { requests: { memory: "512Mi" } })],
            },
        ]);
        const messages = (await stackViolations(containerRequestsFitTheirLimits, [limits, argo, steps])).map(
            (violation) => violation.message,
        );
        const template = 'WorkflowTemplate seldon-system/train (Pulumi name "train")';
        assert.deepStrictEqual(messages, [
            `${template} template too-big script requests memory 2Gi, above 1Gi, the limit Argo's mainContainer gives it ` +
                `(Release argo/argo-workflows (Pulumi name "argo-workflows") values executor): the API server refuses its pod ` +
                `("must be less than or equal to memory limit of 1Gi"). ${fix}`,
            `${template} template with-setup init container setup requests memory 512Mi, above 256Mi, the default limit ` +
                `of ${limitsName}, since it sets none of its own: the API server refuses its pod ("must be less than or ` +
                `equal to memory limit of 256Mi"). ${fix}`,
        ]);
    });

    it("during preview, skips containers and LimitRanges that are unknown", async () => {
        const unknownRequest = deployment("seldon-system", "serving", [
            sized("model", { requests: { memory: unknownString } }),
        ]);
        assert.deepStrictEqual(
            await runStackPolicy(containerRequestsFitTheirLimits, [limits, unknownRequest]),
            { violations: [] },
        );
        const unknownLimits = limitRange("seldon-system", "seldon-system-limits", unknownString);
        const tooBig = deployment("seldon-system", "serving", [
            sized("model", { requests: { memory: "512Mi" } }),
        ]);
        assert.deepStrictEqual(
            await runStackPolicy(containerRequestsFitTheirLimits, [unknownLimits, tooBig]),
            { violations: [] },
        );
    });
});
