// The LAN as the local cluster lays it out (hack/control-plane.sh): the node's interface lan0
// (192.168.1.10/24) and one other host, in a network namespace of its own, at the other end of a
// veth pair. What the LAN host sees is what a laptop on the homelab's network would see.

import { run } from "./commands";

function lanHostNamespace(): string {
    const namespace = process.env.HOMELAB_LAN_HOST_NETNS;
    if (!namespace) {
        throw new Error("HOMELAB_LAN_HOST_NETNS is not set: run the tests inside hack/control-plane.sh");
    }
    return namespace;
}

/** A busybox applet run on the LAN host. */
function onLanHost(args: string[]) {
    return run("ip", ["netns", "exec", lanHostNamespace(), "busybox", ...args]);
}

/** The LAN host's own address (192.168.1.20). */
export function lanHostAddress(): string {
    const address = process.env.HOMELAB_LAN_HOST_IP;
    if (!address) {
        throw new Error("HOMELAB_LAN_HOST_IP is not set: run the tests inside hack/control-plane.sh");
    }
    return address;
}

/** The node's MAC address on the LAN, as `ip link` reports its interface. */
export async function nodeMac(): Promise<string> {
    const result = await run("ip", ["-o", "link", "show", "lan0"]);
    const mac = /link\/ether ([0-9a-f:]+)/.exec(result.stdout)?.[1];
    if (!mac) {
        throw new Error(`no MAC address for lan0 in: ${result.output}`);
    }
    return mac;
}

/**
 * Who answers an ARP request for `address` on the LAN: the MAC address in the first reply, or
 * undefined when nobody answered within `seconds`.
 */
export async function arpAnswer(address: string, seconds = 2): Promise<string | undefined> {
    const result = await onLanHost(["arping", "-I", "eth0", "-c", "1", "-w", String(seconds), address]);
    return /reply from \S+ \[([0-9a-fA-F:]+)\]/.exec(result.output)?.[1]?.toLowerCase();
}

/** An HTTP GET from the LAN host: the body, or undefined when nothing answered within `seconds`. */
export async function httpFromLan(url: string, seconds = 5): Promise<{ body?: string; error?: string }> {
    // busybox 1.35's `wget -T` crashes; `timeout` bounds it instead.
    const result = await onLanHost(["timeout", String(seconds), "busybox", "wget", "-q", "-O", "-", url]);
    return result.code === 0
        ? { body: result.stdout }
        : { error: result.output.trim() || `exit ${result.code}` };
}

/**
 * Samples `http://<address>/` from the LAN host about once a second until `stop()`; returns every
 * sample, in order. The LAN host forgets its ARP entries before each sample, so every sample needs
 * a fresh answer from whoever announces the address, not a MAC address remembered from earlier.
 */
export function sampleHttpFromLan(address: string): {
    stop: () => Promise<{ at: number; body?: string; error?: string }[]>;
} {
    const samples: { at: number; body?: string; error?: string }[] = [];
    let running = true;
    const loop = (async () => {
        while (running) {
            const started = Date.now();
            await run("ip", ["-n", lanHostNamespace(), "neigh", "flush", "dev", "eth0"]);
            samples.push({ at: started, ...(await httpFromLan(`http://${address}/`, 3)) });
            await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1000 - (Date.now() - started))));
        }
    })();
    return {
        stop: async () => {
            running = false;
            await loop;
            return samples;
        },
    };
}
