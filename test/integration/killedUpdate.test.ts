// A `pulumi up` killed half-way (a closed terminal, the OOM killer), recovered with the commands
// of docs/operating.md's "When things go wrong". Runs after destroy.test.ts, so that `up` has a whole
// platform to create and is surely busy when it is killed.

import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Cluster } from "../../hack/cluster/cluster";
import { descendantsOf, isRunning, stopProcesses } from "./processes";
import { quotaReference } from "../../hack/cluster/seed";
import { localStack, PulumiWorkspace } from "../../hack/cluster/workspace";

/** MetalLB's pool webhook, registered by the killed update, with nothing yet to answer it. */
const poolWebhookUnanswered = new RegExp(
    'failed calling webhook "ipaddresspoolvalidationwebhook\\.metallb\\.io": failed to call webhook: ' +
        'Post "https://metallb-webhook-service\\.metallb-system\\.svc:443/validate-metallb-io-v1beta1-ipaddresspool\\?timeout=10s": ' +
        '(no endpoints available for service|service) "metallb-webhook-service"',
);

/**
 * What the next command says when the kill cut a file of the backend short while it was written:
 * `EOF` for the state's metadata file (`<stack>.json.attrs`), `unexpected end of JSON input` for
 * the state file itself.
 */
const stateCutShort = "error: failed to load checkpoint: ";

/** A resource whose create waits for readiness, so it is in flight for seconds. */
const slowCreate = /kubernetes:apps\/v1:Deployment metallb-chart:metallb-system\/metallb-controller creating/;

describe("a killed pulumi up", function () {
    const cluster = new Cluster();
    let workspace: PulumiWorkspace;
    let killedPid: number;
    let leftBehind: number[];

    before(async () => {
        workspace = await localStack();
        const update = workspace.startPulumi(["up", "--yes"]);
        while (!slowCreate.test(update.outputSoFar())) {
            const finished = await Promise.race([
                update.result,
                new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 100)),
            ]);
            assert.strictEqual(
                finished,
                undefined,
                `pulumi up ended before it was killed:\n${finished?.output}`,
            );
        }
        killedPid = update.child.pid!;
        leftBehind = descendantsOf(killedPid);
        update.child.kill("SIGKILL");
        await update.result;
    });

    after(async () => {
        await stopProcesses(leftBehind);
    });

    it("leaves its language host and provider running, and the stack locked by its PID", async () => {
        assert.ok(leftBehind.some(isRunning), "nothing of the killed update is still running");
        let result = await workspace.up();
        if (result.output.includes(stateCutShort)) {
            // docs/operating.md, before step 1: the kill hit the write of a file of the backend.
            assert.notDeepStrictEqual(workspace.repairStateCutShort("homelab-platform"), []);
            result = await workspace.up();
        }
        assert.notStrictEqual(result.code, 0, result.output);
        assert.match(result.output, /error: the stack is currently locked by 1 lock\(s\)/);
        const pid = Number(/ \(pid (\d+)\) at /.exec(result.output)?.[1]);
        assert.strictEqual(pid, killedPid, result.output);
        // docs/operating.md, step 1: the update that holds the lock is gone.
        assert.ok(!isRunning(pid));
    });

    it("pulumi cancel removes the lock, and pulumi up converges; the in-flight operations stay in the state", async () => {
        await stopProcesses(leftBehind);
        const cancel = await workspace.pulumi(["cancel", "--yes"]);
        assert.strictEqual(cancel.code, 0, cancel.output);
        assert.ok(cancel.output.includes("The currently running update for 'local' has been canceled!"));

        assert.notDeepStrictEqual(await workspace.pendingOperations(), []);
        // docs/operating.md, step 4. Whether the plain `up` gets through its preview depends on how far the
        // killed update got: with MetalLB's webhook registered but its Service or controller not
        // there yet, previewing a pool fails on the webhook; an update without preview creates
        // the rest in order, pools after the controller.
        let up = await workspace.up();
        if (up.code !== 0) {
            assert.match(up.output, poolWebhookUnanswered);
            up = await workspace.up(["--skip-preview"]);
        }
        assert.strictEqual(up.code, 0, up.output);
        assert.ok(await cluster.find(quotaReference), "the quota is missing after up");
        assert.notDeepStrictEqual(await workspace.pendingOperations(), []);
    });

    it("pulumi refresh --clear-pending-creates drops them, and nothing is left to change", async () => {
        const refresh = await workspace.pulumi(["refresh", "--clear-pending-creates", "--yes"]);
        assert.strictEqual(refresh.code, 0, refresh.output);
        assert.deepStrictEqual(await workspace.pendingOperations(), []);
        const preview = await workspace.preview(["--expect-no-changes"]);
        assert.strictEqual(preview.code, 0, preview.output);
    });

    for (const [what, file, message] of [
        ["its metadata file", "local.json.attrs", "error: failed to load checkpoint: EOF"],
        ["the state file", "local.json", "unexpected end of JSON input"],
    ]) {
        it(`${what} cut short by a kill during its write: the documented repair brings the stack back`, async () => {
            const stateDirectory = path.dirname(workspace.stateFilePath("homelab-platform"));
            fs.truncateSync(path.join(stateDirectory, file), 0);
            const broken = await workspace.preview();
            assert.notStrictEqual(broken.code, 0, broken.output);
            assert.ok(
                broken.output.includes(stateCutShort) && broken.output.includes(message),
                broken.output,
            );

            assert.notDeepStrictEqual(workspace.repairStateCutShort("homelab-platform"), []);
            const repaired = await workspace.preview();
            assert.strictEqual(repaired.code, 0, repaired.output);
        });
    }
});
