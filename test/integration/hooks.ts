// Root hooks of the integration tests: when a test fails, print the end of every log the local
// cluster keeps (its servers' and node's processes', and each container's as kubelet writes it),
// so that a CI failure says what the API server, MetalLB or Argo saw. At the end, where the
// suite's minutes went: the time of each top-level describe.

import * as fs from "fs";
import * as path from "path";
import type { Context, Hook, Suite, Test } from "mocha";
import { disposeSharedWorkspaces } from "../../hack/cluster/workspace";

const linesPerLog = Number(process.env.HOMELAB_TEST_LOG_LINES ?? 40);

function logFiles(directory: string): string[] {
    if (!fs.existsSync(directory)) {
        return [];
    }
    return fs
        .readdirSync(directory, { recursive: true, encoding: "utf8" })
        .filter((name) => name.endsWith(".log"))
        .map((name) => path.join(directory, name));
}

export function printControlPlaneLogs(): void {
    const root = process.env.HOMELAB_CONTROL_PLANE_DIR;
    if (!root) {
        return;
    }
    // Container logs: varlog/pods/<namespace>_<pod>_<uid>/<container>/<restart>.log.
    for (const file of [
        ...logFiles(path.join(root, "logs")),
        ...logFiles(path.join(root, "varlog", "pods")),
    ]) {
        const lines = fs.readFileSync(file, "utf8").trimEnd().split("\n");
        console.log(`\n---- last ${Math.min(lines.length, linesPerLog)} lines of ${file}`);
        console.log(lines.slice(-linesPerLog).join("\n"));
    }
}

/** True when a `before`/`after` hook somewhere under the suite failed (tests report themselves). */
function hookFailed(suite: Suite): boolean {
    const hooks = suite as unknown as Record<"_beforeAll" | "_afterAll", Hook[]>;
    return (
        [...hooks._beforeAll, ...hooks._afterAll].some((hook) => hook.state === "failed") ||
        suite.suites.some(hookFailed)
    );
}

/** Milliseconds spent in each top-level describe, in the order they ran. */
const timeByDescribe = new Map<string, number>();
let lastMark = Date.now();

/** Counts the time since the last mark toward the top-level describe that holds the test. */
function markTime(test: Test | undefined): void {
    let suite = test?.parent;
    while (suite?.parent && !suite.parent.root) {
        suite = suite.parent;
    }
    const now = Date.now();
    const title = suite?.title ?? "after the last test";
    timeByDescribe.set(title, (timeByDescribe.get(title) ?? 0) + now - lastMark);
    lastMark = now;
}

function printTimeByDescribe(): void {
    markTime(undefined);
    console.log(
        "\n  time by top-level describe (a describe's before hooks count toward it, its after hooks toward the next):",
    );
    for (const [title, milliseconds] of timeByDescribe) {
        console.log(`  ${String(Math.round(milliseconds / 1000)).padStart(6)} s  ${title}`);
    }
}

export const mochaHooks = {
    beforeEach(this: Context): void {
        markTime(this.currentTest);
    },
    afterEach(this: Context): void {
        markTime(this.currentTest);
        if ((this.currentTest as Test | undefined)?.state === "failed") {
            printControlPlaneLogs();
        }
    },
    async afterAll(this: Context): Promise<void> {
        const root = this.test?.parent;
        if (root && hookFailed(root)) {
            printControlPlaneLogs();
        }
        await disposeSharedWorkspaces();
        printTimeByDescribe();
    },
};
