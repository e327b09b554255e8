// After every integration suite's cluster has stopped: the host is as it was before the first
// one started (test/integration/hostState.ts lists what is compared). Runs outside any cluster's
// namespaces, last, from scripts/integration.sh.

import * as assert from "assert";
import * as fs from "fs";
import { HostState, hostState } from "./hostState";

describe("the host after the local clusters", () => {
    const file = process.env.HOMELAB_HOST_STATE_BEFORE;
    const before = file ? (JSON.parse(fs.readFileSync(file, "utf8")) as HostState) : undefined;
    const after = hostState();

    it("was recorded before the first cluster started", () => {
        assert.ok(before, "HOMELAB_HOST_STATE_BEFORE names no recorded state");
    });

    const same = (key: keyof HostState, what: string) =>
        it(`has ${what} as before`, () => {
            assert.deepStrictEqual(after[key], before?.[key]);
        });
    same(
        "sysctls",
        "the kernel settings kubelet changes (kernel.panic, kernel.panic_on_oops, vm.overcommit_memory, ...)",
    );
    same(
        "nodePaths",
        "the node software's default paths (/usr/libexec/kubernetes, /var/lib/kubelet, /etc/cni, /opt/containerd, ...)",
    );
    same("cgroups", "no cgroup of a cluster left");
    same("mountPoints", "the same mounts");
    same("interfaces", "the same network interfaces");
    same("iptables", "the same iptables rules");
    same("clusterProcesses", "no process of a cluster left");
    same("clusterFolders", "no cluster folder left");
});
