// The malformed-settings table on the real CLI: for each entry, `pulumi preview` and `pulumi up`
// on the homelab stack refuse the settings with the entry's problem line, and nothing reaches the
// cluster. Runs on a fresh cluster, before the platform is installed, so that "nothing created"
// can be read off the API server as "nothing changed".

import * as assert from "assert";
import { malformedSettings, MalformedSetting } from "../harness/malformedSettings";
import { projectName, readStackConfig } from "../harness/stackConfig";
import { Cluster } from "../../hack/cluster/cluster";
import { CommandResult, PulumiWorkspace, repositoryRoot } from "../../hack/cluster/workspace";

/** Cases run side by side, each worker in its own workspace (own stack file and state). */
const workers = Number(process.env.HOMELAB_MALFORMED_WORKERS ?? 3);

interface Outcome {
    preview: CommandResult;
    up: CommandResult;
    stateTypes: string[];
}

/** The kinds the stack creates first, listed across the cluster: names only, to compare. */
const watchedKinds: [apiVersion: string, kind: string][] = [
    ["v1", "Namespace"],
    ["v1", "ResourceQuota"],
    ["v1", "LimitRange"],
    ["v1", "ConfigMap"],
    ["v1", "ServiceAccount"],
    ["v1", "Service"],
    ["apps/v1", "Deployment"],
    ["networking.k8s.io/v1", "NetworkPolicy"],
    ["apiextensions.k8s.io/v1", "CustomResourceDefinition"],
];

async function clusterInventory(cluster: Cluster): Promise<string[]> {
    const names: string[] = [];
    for (const [apiVersion, kind] of watchedKinds) {
        for (const object of await cluster.list(apiVersion, kind)) {
            names.push(`${kind} ${object.metadata.namespace ?? ""}/${object.metadata.name}`);
        }
    }
    return names.sort();
}

async function runCase(workspace: PulumiWorkspace, entry: MalformedSetting): Promise<Outcome> {
    const settings = readStackConfig("homelab");
    entry.edit(settings);
    workspace.replaceSettings(projectName, settings);
    const preview = await workspace.preview();
    const up = await workspace.up();
    return { preview, up, stateTypes: await workspace.stateResourceTypes() };
}

describe("the malformed-settings table on the real CLI", function () {
    const cluster = new Cluster();
    const outcomes = new Map<MalformedSetting, Outcome>();
    const workspaces: PulumiWorkspace[] = [];
    let inventoryBefore: string[];

    before(async function () {
        inventoryBefore = await clusterInventory(cluster);
        for (let index = 0; index < workers; index++) {
            workspaces.push(
                await PulumiWorkspace.create({ programDirectory: repositoryRoot, stack: "homelab" }),
            );
        }
        const queue = [...malformedSettings];
        await Promise.all(
            workspaces.map(async (workspace) => {
                for (let entry = queue.shift(); entry; entry = queue.shift()) {
                    outcomes.set(entry, await runCase(workspace, entry));
                }
            }),
        );
    });

    after(() => workspaces.forEach((workspace) => workspace.dispose()));

    for (const entry of malformedSettings) {
        it(entry.title, () => {
            const outcome = outcomes.get(entry)!;
            for (const result of [outcome.preview, outcome.up]) {
                assert.notStrictEqual(result.code, 0, result.output);
                assert.ok(result.output.includes("    error: Invalid stack settings ("), result.output);
                assert.ok(result.output.includes(`      - ${entry.problem}\n`), result.output);
                assert.ok(!result.output.includes("unhandled exception"), result.output);
            }
            assert.deepStrictEqual(
                outcome.stateTypes.filter((type) => type.startsWith("kubernetes:")),
                [],
            );
        });
    }

    it("left the API server as it found it", async () => {
        assert.ok(inventoryBefore.length > 0);
        assert.deepStrictEqual(await clusterInventory(cluster), inventoryBefore);
    });
});
