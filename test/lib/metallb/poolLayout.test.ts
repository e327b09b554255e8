import * as assert from "assert";
import { planPools } from "../../../lib/metallb/poolLayout";

describe("lib/metallb/poolLayout: the general pool split", () => {
    const split = (generalRange: string, addresses: string[]) =>
        planPools({
            generalPoolName: "homelab-pool",
            generalRange,
            reservations: addresses.map((address, index) => ({ pool: `reserved-${index}`, address })),
        });

    it("splits the homelab pool around the ingress IP", () => {
        const layout = planPools({
            generalPoolName: "homelab-pool",
            generalRange: "192.168.1.200-192.168.1.250",
            reservations: [{ pool: "ingress-pool", address: "192.168.1.249" }],
        });
        assert.deepStrictEqual(layout.generalPool.addresses, [
            "192.168.1.200-192.168.1.248",
            "192.168.1.250/32",
        ]);
        assert.deepStrictEqual(layout.reservedPools, [
            { name: "ingress-pool", address: "192.168.1.249", addresses: ["192.168.1.249/32"] },
        ]);
    });

    it("handles reservations at the start and the end of the range", () => {
        assert.deepStrictEqual(
            split("192.168.1.200-192.168.1.250", ["192.168.1.200"]).generalPool.addresses,
            ["192.168.1.201-192.168.1.250"],
        );
        assert.deepStrictEqual(
            split("192.168.1.200-192.168.1.250", ["192.168.1.250"]).generalPool.addresses,
            ["192.168.1.200-192.168.1.249"],
        );
    });

    it("handles several reservations, in any order", () => {
        const layout = split("192.168.1.200-192.168.1.250", [
            "192.168.1.240",
            "192.168.1.210",
            "192.168.1.211",
        ]);
        assert.deepStrictEqual(layout.generalPool.addresses, [
            "192.168.1.200-192.168.1.209",
            "192.168.1.212-192.168.1.239",
            "192.168.1.241-192.168.1.250",
        ]);
        assert.deepStrictEqual(
            layout.reservedPools.map((pool) => pool.addresses[0]),
            ["192.168.1.240/32", "192.168.1.210/32", "192.168.1.211/32"],
        );
    });

    it("handles a CIDR-form general range and IPv6", () => {
        assert.deepStrictEqual(split("192.168.1.192/27", ["192.168.1.200"]).generalPool.addresses, [
            "192.168.1.192/29",
            "192.168.1.201-192.168.1.223",
        ]);
        const v6 = split("fd00::/126", ["fd00::1"]);
        assert.deepStrictEqual(v6.generalPool.addresses, ["fd00::/128", "fd00::2/127"]);
        assert.deepStrictEqual(v6.reservedPools[0].addresses, ["fd00::1/128"]);
    });
});
