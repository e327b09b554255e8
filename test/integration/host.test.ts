// After every integration suite's cluster has stopped: the clusters left nothing on the host that
// was not there before the first one started (test/integration/hostState.ts lists what is
// compared), and the kernel settings kubelet changes have their values back. What was there
// before and is gone now (another cluster of the machine's, stopped meanwhile) is no concern of
// this run's. Runs outside any cluster's namespaces, last, from hack/integration.sh.

import * as assert from "assert";
import * as fs from "fs";
import { HostState, hostState } from "./hostState";

/** What `after` holds that `before` did not. */
function added(before: string[] | null | undefined, after: string[] | null): string[] {
    const known = new Set(before ?? []);
    return (after ?? []).filter((entry) => !known.has(entry));
}

describe("the host after the local clusters", () => {
    const file = process.env.HOMELAB_HOST_STATE_BEFORE;
    const before = file ? (JSON.parse(fs.readFileSync(file, "utf8")) as HostState) : undefined;
    const after = hostState();

    it("was recorded before the first cluster started", () => {
        assert.ok(before, "HOMELAB_HOST_STATE_BEFORE names no recorded state");
    });

    it("has the kernel settings kubelet changes (kernel.panic, kernel.panic_on_oops, vm.overcommit_memory, ...) as before", () => {
        assert.deepStrictEqual(after.sysctls, before?.sysctls);
    });

    it("has nothing new in the node software's default paths (/usr/libexec/kubernetes, /var/lib/kubelet, /etc/cni, /opt/containerd, ...)", () => {
        const created = Object.entries(after.nodePaths).flatMap(([root, entries]) => {
            const previous = before?.nodePaths[root];
            if (entries !== null && previous === null) {
                return [root];
            }
            return added(previous, entries).map((entry) => `${root}/${entry}`);
        });
        assert.deepStrictEqual(created, []);
    });

    const nothingNew = (key: Exclude<keyof HostState, "sysctls" | "nodePaths">, what: string) =>
        it(`has no ${what} left`, () => {
            assert.deepStrictEqual(added(before?.[key], after[key]), []);
        });
    nothingNew("cgroups", "cgroup of a cluster");
    nothingNew("mountPoints", "mount");
    nothingNew("interfaces", "network interface");
    nothingNew("iptables", "iptables rule");
    nothingNew("clusterProcesses", "process of a cluster");
    nothingNew("clusterFolders", "cluster folder");
    nothingNew(
        "temporaryFiles",
        "temporary file of the tests (a workspace, Helm values, a backup, a kubeconfig)",
    );
});
