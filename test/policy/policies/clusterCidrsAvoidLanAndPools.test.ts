import * as assert from "assert";
import { clusterCidrsAvoidLanAndPools } from "../../../policy/policies/clusterCidrsAvoidLanAndPools";
import { runStackPolicy, stackViolations, unknownString, urnOf } from "../../harness/policy/harness";
import { addressPool, helmRelease, homelabStack, types } from "../../harness/policy/resources";

const lan = { lanCidrs: ["192.168.1.0/24"] };

const shadowed =
    "the cluster routes those addresses internally, so the LAN hosts and LoadBalancer IPs they shadow (DNS upstreams " +
    "included) become unreachable from pods. Choose cluster ranges outside the LAN and the pools (k3s defaults: pods " +
    "10.42.0.0/16, services 10.43.0.0/16).";

function calicoPool(name: string, cidr: string) {
    return {
        type: types.calicoIpPool,
        name,
        props: { apiVersion: "crd.projectcalico.org/v1", kind: "IPPool", metadata: { name }, spec: { cidr } },
    };
}

describe("cluster-cidrs-avoid-lan-and-pools", () => {
    it("accepts the homelab with the k3s defaults, and a Calico IPPool equal to the pod CIDR", async () => {
        const specs = [...homelabStack(), calicoPool("default-ipv4-ippool", "10.42.0.0/16")];
        assert.deepStrictEqual(await stackViolations(clusterCidrsAvoidLanAndPools, specs, lan), []);
    });

    it("accepts ranges that end right before the LAN starts, and dual-stack ranges", async () => {
        const config = {
            lanCidrs: ["192.168.1.0/24", "fd00:1::/64"],
            podCidrs: ["192.168.0.0/24", "fd00:42::/56"],
            serviceCidrs: ["192.168.2.0/24", "fd00:43::/112"],
        };
        assert.deepStrictEqual(await stackViolations(clusterCidrsAvoidLanAndPools, [], config), []);
    });

    it("rejects Calico's quickstart pool 192.168.0.0/16 over the LAN and the MetalLB pool", async () => {
        const specs = [
            addressPool("homelab-pool", ["192.168.1.200-192.168.1.250"]),
            calicoPool("default-ipv4-ippool", "192.168.0.0/16"),
        ];
        assert.deepStrictEqual(await stackViolations(clusterCidrsAvoidLanAndPools, specs, lan), [
            {
                message:
                    'Calico IPPool default-ipv4-ippool (Pulumi name "default-ipv4-ippool") cidr 192.168.0.0/16 overlaps the LAN ' +
                    `192.168.1.0/24 (policy config lanCidrs) (shared: 192.168.1.0/24): ${shadowed}`,
                urn: urnOf({ type: types.calicoIpPool, name: "default-ipv4-ippool" }),
            },
            {
                message:
                    'Calico IPPool default-ipv4-ippool (Pulumi name "default-ipv4-ippool") cidr 192.168.0.0/16 overlaps ' +
                    'IPAddressPool metallb-system/homelab-pool (Pulumi name "homelab-pool") (192.168.1.200-192.168.1.250) ' +
                    `(shared: 192.168.1.200-192.168.1.250): ${shadowed}`,
                urn: urnOf({ type: types.calicoIpPool, name: "default-ipv4-ippool" }),
            },
        ]);
    });

    it("reads Calico's pools from the Tigera operator's Installation and the tigera-operator chart's values (the k3s quickstart)", async () => {
        const quickstart = {
            calicoNetwork: { ipPools: [{ cidr: "10.42.0.0/16" }, { cidr: "192.168.0.0/16" }] },
        };
        const installation = {
            type: "kubernetes:operator.tigera.io/v1:Installation",
            name: "default",
            props: {
                apiVersion: "operator.tigera.io/v1",
                kind: "Installation",
                metadata: { name: "default" },
                spec: quickstart,
            },
        };
        const specs = [
            installation,
            helmRelease("tigera-operator", "calico", "projectcalico/tigera-operator", {
                installation: quickstart,
            }),
        ];
        assert.deepStrictEqual(await stackViolations(clusterCidrsAvoidLanAndPools, specs, lan), [
            {
                message:
                    'Tigera Installation default (Pulumi name "default") spec.calicoNetwork.ipPools[1].cidr 192.168.0.0/16 ' +
                    `overlaps the LAN 192.168.1.0/24 (policy config lanCidrs) (shared: 192.168.1.0/24): ${shadowed}`,
                urn: urnOf({ type: "kubernetes:operator.tigera.io/v1:Installation", name: "default" }),
            },
            {
                message:
                    'Release tigera-operator/calico (Pulumi name "calico") values installation.calicoNetwork.ipPools[1].cidr ' +
                    `192.168.0.0/16 overlaps the LAN 192.168.1.0/24 (policy config lanCidrs) (shared: 192.168.1.0/24): ${shadowed}`,
                urn: urnOf({ type: types.helmRelease, name: "calico" }),
            },
        ]);
    });

    it("rejects configured pod and service CIDRs that overlap the LAN, a pool, or each other", async () => {
        const specs = [addressPool("v6", ["fd00:43::10/124"])];
        const config = {
            ...lan,
            podCidrs: ["192.168.1.128/25"],
            serviceCidrs: ["192.168.1.192/26", "fd00:43::/112"],
        };
        assert.deepStrictEqual(
            (await stackViolations(clusterCidrsAvoidLanAndPools, specs, config)).map(
                (violation) => violation.message,
            ),
            [
                "pod CIDR 192.168.1.128/25 (policy config podCidrs) overlaps the LAN 192.168.1.0/24 (policy config lanCidrs) " +
                    `(shared: 192.168.1.128/25): ${shadowed}`,
                "pod CIDR 192.168.1.128/25 (policy config podCidrs) overlaps service CIDR 192.168.1.192/26 (policy config " +
                    "serviceCidrs) (shared: 192.168.1.192/26): pod and ClusterIP addresses collide, so some Services are " +
                    "unreachable. Make the ranges disjoint.",
                "service CIDR 192.168.1.192/26 (policy config serviceCidrs) overlaps the LAN 192.168.1.0/24 (policy config " +
                    `lanCidrs) (shared: 192.168.1.192/26): ${shadowed}`,
                "service CIDR fd00:43::/112 (policy config serviceCidrs) overlaps IPAddressPool metallb-system/v6 (Pulumi " +
                    `name "v6") (fd00:43::10/124) (shared: fd00:43::10/124): ${shadowed}`,
            ],
        );
    });

    it("stops the preview on a configured CIDR with host bits", async () => {
        await assert.rejects(
            runStackPolicy(clusterCidrsAvoidLanAndPools, [], { ...lan, podCidrs: ["10.42.0.1/16"] }),
            {
                message:
                    'policy cluster-cidrs-avoid-lan-and-pools: invalid configuration: podCidrs[0] "10.42.0.1/16" is not a CIDR ' +
                    "(network address/prefix length, no host bits)",
            },
        );
    });

    it("stops the preview when the site's LAN is not configured", async () => {
        await assert.rejects(
            runStackPolicy(clusterCidrsAvoidLanAndPools, [], { podCidrs: ["10.42.0.0/16"] }),
            {
                message:
                    "policy cluster-cidrs-avoid-lan-and-pools: invalid configuration: lanCidrs is required",
            },
        );
    });

    it("during preview, skips IPPools and pools whose ranges are unknown", async () => {
        const specs = [calicoPool("pending", unknownString), addressPool("pending-pool", unknownString)];
        assert.deepStrictEqual(
            await runStackPolicy(clusterCidrsAvoidLanAndPools, specs, { ...lan, podCidrs: ["10.42.0.0/16"] }),
            {
                violations: [],
            },
        );
    });
});
