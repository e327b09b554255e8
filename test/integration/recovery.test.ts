// "When things go wrong" in the README, step by step on the real CLI: a field another manager took
// on a chart's object, and a cluster that cannot be reached. (A killed update is in
// killedUpdate.test.ts, which needs a stack that is not converged yet.)

import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Cluster } from "./cluster";
import { localStack, PulumiWorkspace } from "./workspace";

const ingressController = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    name: "ingress-nginx-controller",
    namespace: "ingress-nginx",
};

describe("when things go wrong", function () {
    const cluster = new Cluster();
    let workspace: PulumiWorkspace;

    before(async () => {
        workspace = await localStack();
    });

    describe("a field of a chart's object changed by another field manager", () => {
        before(async () => {
            // What `kubectl edit` does: an update that takes the field over from the stack.
            await cluster.mergePatch(
                ingressController,
                { spec: { revisionHistoryLimit: 3 } },
                "kubectl-edit",
            );
        });

        it("pulumi preview and pulumi up name the conflict, the field and the other manager, and change nothing", async () => {
            for (const result of [await workspace.preview(), await workspace.up()]) {
                assert.notStrictEqual(result.code, 0, result.output);
                assert.ok(
                    result.output.includes(
                        'The resource managed by field manager "homelab-platform" had an apply conflict: Apply failed ' +
                            'with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.revisionHistoryLimit',
                    ),
                    result.output,
                );
            }
            assert.strictEqual((await cluster.read(ingressController)).spec.revisionHistoryLimit, 3);
        });

        it("pulumi up with PULUMI_K8S_ENABLE_PATCH_FORCE=true takes the field back", async () => {
            const result = await workspace.up([], { PULUMI_K8S_ENABLE_PATCH_FORCE: "true" });
            assert.strictEqual(result.code, 0, result.output);
            assert.strictEqual((await cluster.read(ingressController)).spec.revisionHistoryLimit, 10);
            const again = await workspace.preview(["--expect-no-changes"]);
            assert.strictEqual(again.code, 0, again.output);
        });
    });

    describe("a cluster that cannot be reached", () => {
        let unreachable: string;

        before(() => {
            // The same kubeconfig, pointed at a port nothing listens on.
            unreachable = path.join(path.dirname(workspace.directory), "unreachable.kubeconfig");
            const kubeconfig = fs.readFileSync(process.env.KUBECONFIG!, "utf8");
            fs.writeFileSync(
                unreachable,
                kubeconfig.replace(/server: https:\/\/127\.0\.0\.1:\d+/, "server: https://127.0.0.1:9"),
            );
        });

        it("pulumi preview and pulumi up stop on the refresh, say the cluster is unreachable, and keep the state", async () => {
            const before = await workspace.stateResourceTypes();
            for (const command of [["preview"], ["up", "--yes"]]) {
                const result = await workspace.pulumi(command, { KUBECONFIG: unreachable });
                assert.notStrictEqual(result.code, 0, result.output);
                assert.ok(
                    result.output.includes(
                        "configured Kubernetes cluster is unreachable: unable to load schema information from the " +
                            'API server: Get "https://127.0.0.1:9/openapi/v2?timeout=32s"',
                    ),
                    result.output,
                );
                assert.ok(
                    result.output.includes("failed to read resource state due to unreachable cluster"),
                    result.output,
                );
            }
            assert.deepStrictEqual(await workspace.stateResourceTypes(), before);
            const reachable = await workspace.preview(["--expect-no-changes"]);
            assert.strictEqual(reachable.code, 0, reachable.output);
        });
    });
});
