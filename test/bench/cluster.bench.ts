// The local cluster's cost, measured from inside it (hack/bench.sh starts it several times):
// how long its start took until each stage (hack/control-plane.sh writes the times), and the
// memory everything in its namespaces holds once CoreDNS is ready: the resident set of every
// process (control plane, node, containers) and the pods' cgroup usage. Prints one JSON line.

import * as fs from "fs";
import * as path from "path";

const directory = process.env.HOMELAB_CONTROL_PLANE_DIR;
if (!directory) {
    throw new Error("HOMELAB_CONTROL_PLANE_DIR is not set: run inside hack/control-plane.sh");
}

const timings = Object.fromEntries(
    fs
        .readFileSync(path.join(directory, "timings"), "utf8")
        .trim()
        .split("\n")
        .map((line) => line.split(" "))
        .map(([name, seconds]) => [name, Number(seconds)]),
);

/** Resident memory of every process this PID namespace shows (its own /proc), in MiB, by command. */
function residentByCommand(): Record<string, number> {
    const byCommand: Record<string, number> = {};
    for (const pid of fs.readdirSync("/proc").filter((entry) => /^\d+$/.test(entry))) {
        try {
            const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
            const name = /^Name:\s+(\S+)/m.exec(status)?.[1] ?? "?";
            const kib = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
            byCommand[name] = (byCommand[name] ?? 0) + kib / 1024;
        } catch {
            // The process ended while being read.
        }
    }
    return byCommand;
}

const resident = residentByCommand();
// The bench's own process is not part of the cluster.
delete resident[path.basename(process.execPath)];
delete resident.node;
const total = Object.values(resident).reduce((sum, value) => sum + value, 0);
const top = Object.entries(resident)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([name, mib]) => `${name} ${mib.toFixed(0)}`);
console.log(JSON.stringify({ ...timings, rss_mib: Math.round(total), largest_mib: top.join(", ") }));
