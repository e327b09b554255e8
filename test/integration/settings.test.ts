// Bad settings on a fresh cluster: the real CLI reports every problem and nothing is created.
// Runs in the bare-cluster suite, whose cluster never holds anything of the platform.

import * as assert from "assert";
import { Cluster } from "../../hack/cluster/cluster";
import { localStack, PulumiWorkspace } from "../../hack/cluster/workspace";
import { Editable } from "../harness/stackConfig";

const project = "homelab-platform";

describe("bad settings", function () {
    const cluster = new Cluster();
    let workspace: PulumiWorkspace;

    before(async () => {
        workspace = await localStack();
    });

    afterEach(() => workspace.resetSettings());

    for (const command of ["preview", "up"] as const) {
        it(`pulumi ${command} fails with the validation message and creates nothing`, async () => {
            const metallb = workspace.getSetting<Editable>(project, "metallb");
            metallb.reservations[0].address = "192.168.1.300";
            const quotaNamespaces = workspace.getSetting<Editable>(project, "namespaces");
            quotaNamespaces["seldon-system"].limitRange.defaultRequest.cpu = "2";
            workspace.setSettings(project, { metallb, namespaces: quotaNamespaces });

            const result = command === "up" ? await workspace.up() : await workspace.preview();

            assert.notStrictEqual(result.code, 0);
            // One clean block, as docs/operating.md shows: no stack trace, no colour codes.
            assert.ok(
                result.output.includes(
                    "    error: Invalid stack settings (2 problems):\n" +
                        '      - metallb.reservations[0].address: "192.168.1.300" is not an IP address\n',
                ),
                result.output,
            );
            assert.ok(!result.output.includes("unhandled exception"), result.output);
            assert.ok(!/\bat .*\.ts:\d+/.test(result.output), result.output);
            assert.ok(!result.output.includes("\u001b["), "colour codes under --color never");
            assert.ok(
                result.output.includes(
                    'metallb.reservations[0].address: "192.168.1.300" is not an IP address',
                ),
                result.output,
            );
            assert.ok(
                result.output.includes(
                    'namespaces.seldon-system.limitRange.defaultRequest.cpu: "2" is greater than namespaces.seldon-system.limitRange.default.cpu "500m"',
                ),
                result.output,
            );
            const kubernetesResources = (await workspace.stateResourceTypes()).filter((type) =>
                type.startsWith("kubernetes:"),
            );
            assert.deepStrictEqual(kubernetesResources, []);
            assert.strictEqual(
                await cluster.find({ apiVersion: "v1", kind: "Namespace", name: "metallb-system" }),
                undefined,
            );
        });
    }
});
