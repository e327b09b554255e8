// What the local cluster must leave on the host as it found it: the kernel settings kubelet
// changes, the paths node software writes by default, cgroups, mounts, network interfaces,
// iptables rules, processes and folders of the cluster. `npm test` records it before the first
// cluster starts (run as a script) and host.test.ts compares it after the last one has stopped.

import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

/** Host-wide settings kubelet writes at start (pkg/kubelet/cm: setupKernelTunables). */
const sysctls = [
    "kernel/panic",
    "kernel/panic_on_oops",
    "vm/overcommit_memory",
    "vm/panic_on_oom",
    "kernel/keys/root_maxkeys",
    "kernel/keys/root_maxbytes",
];

/** Where kubelet, containerd, CNI and the controller-manager write when not told otherwise. */
export const defaultNodePaths = [
    "/usr/libexec/kubernetes",
    "/var/lib/kubelet",
    "/var/lib/cni",
    "/etc/cni",
    "/opt/containerd",
    "/opt/cni",
    "/var/log/pods",
    "/var/log/containers",
    "/run/containerd",
    "/var/lib/containerd",
];

function listing(directory: string): string[] {
    try {
        return fs.readdirSync(directory, { recursive: true, encoding: "utf8" }).sort();
    } catch {
        return [];
    }
}

function command(file: string, args: string[]): string {
    try {
        return execFileSync(file, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    } catch {
        return "";
    }
}

export interface HostState {
    sysctls: Record<string, string>;
    nodePaths: Record<string, string[] | null>;
    cgroups: string[];
    mountPoints: string[];
    interfaces: string[];
    iptables: string[];
    clusterProcesses: string[];
    clusterFolders: string[];
    /** What the tests, the demo and the bench (and the pulumi they run) leave in temporary files. */
    temporaryFiles: string[];
}

/** The names the tests, the demo and the bench give their temporary files and folders. */
const temporaryFileNames = /^(homelab-|preview-|auditor-|preflight-|toolchain-|pulumi-node-pipes)/;

export function hostState(): HostState {
    const cgroupRoot = "/sys/fs/cgroup";
    const temporaryEntries = fs.readdirSync(process.env.TMPDIR ?? "/tmp");
    return {
        sysctls: Object.fromEntries(
            sysctls.map((name) => [name, fs.readFileSync(path.join("/proc/sys", name), "utf8").trim()]),
        ),
        nodePaths: Object.fromEntries(
            defaultNodePaths.map((entry) => [entry, fs.existsSync(entry) ? listing(entry) : null]),
        ),
        cgroups: listing(cgroupRoot).length
            ? fs
                  .readdirSync(cgroupRoot)
                  .flatMap((hierarchy) => {
                      try {
                          return fs
                              .readdirSync(path.join(cgroupRoot, hierarchy))
                              .filter((name) => name.startsWith("homelab-"))
                              .map((name) => `${hierarchy}/${name}`);
                      } catch {
                          return [];
                      }
                  })
                  .sort()
            : [],
        mountPoints: fs
            .readFileSync("/proc/self/mountinfo", "utf8")
            .split("\n")
            .filter(Boolean)
            .map((line) => line.split(" ")[4])
            .sort(),
        interfaces: command("ip", ["-o", "link", "show"])
            .split("\n")
            .filter(Boolean)
            .map((line) => line.split(": ")[1].split("@")[0])
            .sort(),
        // Rules only: packet counters change on their own.
        iptables: command("iptables-save", [])
            .split("\n")
            .filter((line) => line !== "" && !line.startsWith("#"))
            .map((line) => line.replace(/\[\d+:\d+\]/g, "")),
        clusterProcesses: fs
            .readdirSync("/proc")
            .filter((entry) => /^\d+$/.test(entry))
            .flatMap((pid) => {
                try {
                    const commandLine = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
                    return commandLine.includes("/control-plane.") ? [commandLine.trim()] : [];
                } catch {
                    return [];
                }
            }),
        clusterFolders: temporaryEntries.filter((name) => name.startsWith("control-plane.")).sort(),
        temporaryFiles: temporaryEntries.filter((name) => temporaryFileNames.test(name)).sort(),
    };
}

if (require.main === module) {
    process.stdout.write(JSON.stringify(hostState(), null, 2) + "\n");
}
