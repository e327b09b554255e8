// The processes a command started, read from /proc: a killed `pulumi up` leaves its language
// host and provider running, and the tests stop them by PID.

import * as fs from "fs";

function parentOf(pid: number): number | undefined {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        // The command name (field 2) may hold spaces; the parent's PID is the second field after it.
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    } catch {
        return undefined; // exited while we looked
    }
}

/** Every process below `pid`, children first. */
export function descendantsOf(pid: number): number[] {
    const children = fs
        .readdirSync("/proc")
        .filter((entry) => /^\d+$/.test(entry))
        .map(Number)
        .filter((candidate) => parentOf(candidate) === pid);
    return children.flatMap((child) => [child, ...descendantsOf(child)]);
}

export function isRunning(pid: number): boolean {
    return fs.existsSync(`/proc/${pid}`);
}

/** Sends SIGTERM to each process still running and waits up to `timeoutMs` for all to exit. */
export async function stopProcesses(pids: number[], timeoutMs = 10_000): Promise<void> {
    for (const pid of pids.filter(isRunning)) {
        process.kill(pid, "SIGTERM");
    }
    const deadline = Date.now() + timeoutMs;
    while (pids.some(isRunning) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
}
