// The local cluster reaches nothing off this machine, by construction (hack/control-plane.sh):
// the namespace the cluster and the tests run in has no default route, and no interface but
// loopback, the node's end of the LAN veth pair and the pod bridge with its pods' veths; the LAN
// host's namespace holds its end of the pair and loopback, and no route out either.

import * as assert from "assert";
import { run } from "../../hack/cluster/commands";

async function interfaces(namespaceArgs: string[]): Promise<string[]> {
    const result = await run("ip", [...namespaceArgs, "-o", "link", "show"]);
    return result.stdout
        .split("\n")
        .filter(Boolean)
        .map((line) => line.split(": ")[1].split("@")[0]);
}

async function routes(namespaceArgs: string[]): Promise<string[]> {
    const result = await run("ip", [...namespaceArgs, "route", "show"]);
    return result.stdout
        .split("\n")
        .map((route) => route.trim())
        .filter(Boolean);
}

describe("the local cluster's network", () => {
    const lanHost = ["-n", process.env.HOMELAB_LAN_HOST_NETNS ?? "lan-host"];

    it("has no route out of the cluster's namespace, and only its own interfaces", async () => {
        assert.deepStrictEqual(
            (await routes([])).filter((route) => route.startsWith("default")),
            [],
        );
        const foreign = (await interfaces([])).filter(
            (name) => !["lo", "lan0", "cni0"].includes(name) && !name.startsWith("veth"),
        );
        assert.deepStrictEqual(foreign, []);
    });

    it("gives the LAN host its end of the LAN and nothing else", async () => {
        assert.deepStrictEqual((await interfaces(lanHost)).sort(), ["eth0", "lo"]);
        assert.deepStrictEqual(await routes(lanHost), [
            "192.168.1.0/24 dev eth0 proto kernel scope link src 192.168.1.20",
        ]);
    });
});
