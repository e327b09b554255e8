import { StackValidationPolicy } from "@pulumi/policy";
import { IpRange, parseCidr } from "../../lib/addresses/ip";
import { formatAddressRange, rangeIntersection, rangesOverlap } from "../../lib/addresses/ranges";
import { readHelmInstalls } from "../support/helmCharts";
import { collectObjects, describe, kinds, objectsOf } from "../support/kubernetes";
import { poolIndex, readPools } from "../support/metallb";
import { arrayAt, isUnknown, PlainRecord, recordAt, stringAt, UnknownValue } from "../support/plainValues";
import { configSchemaOf, readPackConfig } from "../support/policyConfig";

const name = "cluster-cidrs-avoid-lan-and-pools";
const configKeys = ["lanCidrs", "podCidrs", "serviceCidrs"] as const;

interface ClusterRange {
    /** `pod CIDR 10.42.0.0/16 (policy config podCidrs)` or `IPPool default-ipv4-ippool (Pulumi name "…") cidr 192.168.0.0/16`. */
    description: string;
    range: IpRange;
    role: "pod" | "service";
    urn?: string;
}

/**
 * cluster-cidrs-avoid-lan-and-pools (mandatory, severity high)
 *
 * Pod or service addresses that overlap the LAN or a MetalLB pool are routed inside the cluster, so
 * the hosts (and LoadBalancer IPs) they shadow become unreachable from pods, DNS upstreams
 * included. Calico's k3s quickstart uses 192.168.0.0/16 for pods, which contains the usual home LAN.
 * Checks the configured pod and service CIDRs and Calico's pod pools wherever Calico takes them
 * from: IPPool objects, the Tigera operator's `Installation` (`spec.calicoNetwork.ipPools`, which
 * the operator turns into IPPools, as Calico's k3s quickstart installs it) and the
 * `tigera-operator` chart's `installation` values, which render that Installation.
 */
export const clusterCidrsAvoidLanAndPools: StackValidationPolicy = {
    name,
    description:
        "Pod and service CIDRs (and Calico IPPools) must not overlap the LAN, MetalLB pools or each other.",
    enforcementLevel: "mandatory",
    severity: "high",
    configSchema: configSchemaOf(...configKeys),
    validateStack: (args, reportViolation) => {
        const config = readPackConfig(name, [...configKeys], args.getConfig());
        const byKind = collectObjects(args.resources, [
            kinds.ipAddressPool,
            kinds.calicoIpPool,
            kinds.calicoIpPoolV3,
            kinds.tigeraInstallation,
            kinds.helmRelease,
            kinds.helmChart,
        ]);
        const clusterRanges: ClusterRange[] = [
            ...config.podCidrs.map((setting) => ({
                description: `pod CIDR ${setting.text} (policy config podCidrs)`,
                range: setting.cidr,
                role: "pod" as const,
            })),
            ...config.serviceCidrs.map((setting) => ({
                description: `service CIDR ${setting.text} (policy config serviceCidrs)`,
                range: setting.cidr,
                role: "service" as const,
            })),
        ];
        for (const ipPool of objectsOf(byKind, kinds.calicoIpPool, kinds.calicoIpPoolV3)) {
            const cidrText = stringAt(recordAt(ipPool.body, "spec"), "cidr");
            const cidr = cidrText === undefined || isUnknown(cidrText) ? undefined : parseCidr(cidrText);
            if (cidr) {
                clusterRanges.push({
                    description: `Calico ${describe(ipPool, false)} cidr ${cidrText as string}`,
                    range: cidr,
                    role: "pod",
                    urn: ipPool.resource.urn,
                });
            }
        }
        const installationPools = (
            spec: PlainRecord | UnknownValue,
            description: string,
            path: string,
            urn: string,
        ): void => {
            const ipPools = arrayAt(recordAt(spec, "calicoNetwork"), "ipPools");
            if (isUnknown(ipPools)) {
                return;
            }
            for (const [index, ipPool] of ipPools.entries()) {
                const cidrText = stringAt(ipPool, "cidr");
                const cidr = cidrText === undefined || isUnknown(cidrText) ? undefined : parseCidr(cidrText);
                if (cidr) {
                    clusterRanges.push({
                        description: `${description} ${path}calicoNetwork.ipPools[${index}].cidr ${cidrText as string}`,
                        range: cidr,
                        role: "pod",
                        urn,
                    });
                }
            }
        };
        for (const installation of objectsOf(byKind, kinds.tigeraInstallation)) {
            installationPools(
                recordAt(installation.body, "spec"),
                `Tigera ${describe(installation, false)}`,
                "spec.",
                installation.resource.urn,
            );
        }
        const installs = readHelmInstalls(
            objectsOf(byKind, kinds.helmRelease, kinds.helmChart),
            args.resources,
        );
        for (const install of installs) {
            // A rendered chart shows its Installation as an object, read above.
            if (install.chart === "tigera-operator" && !install.rendered) {
                installationPools(
                    recordAt(install.values, "installation"),
                    `${install.description} values`,
                    "installation.",
                    install.object.resource.urn,
                );
            }
        }
        const pools = poolIndex(readPools(objectsOf(byKind, kinds.ipAddressPool)));
        const conflict = (
            range: ClusterRange,
            other: string,
            otherRange: IpRange,
            consequence: string,
        ): void => {
            const shared = formatAddressRange(rangeIntersection(range.range, otherRange)!);
            reportViolation(
                `${range.description} overlaps ${other} (shared: ${shared}): ${consequence}`,
                range.urn,
            );
        };
        const shadowed =
            "the cluster routes those addresses internally, so the LAN hosts and LoadBalancer IPs they shadow (DNS " +
            "upstreams included) become unreachable from pods. Choose cluster ranges outside the LAN and the pools " +
            "(k3s defaults: pods 10.42.0.0/16, services 10.43.0.0/16).";
        const serviceRanges = clusterRanges.filter((range) => range.role === "service");
        for (const range of clusterRanges) {
            for (const lan of config.lanCidrs) {
                if (rangesOverlap(range.range, lan.cidr)) {
                    conflict(range, `the LAN ${lan.text} (policy config lanCidrs)`, lan.cidr, shadowed);
                }
            }
            for (const { label, range: poolRange } of pools.overlapping(range.range)) {
                conflict(range, `${label.pool.description} (${label.entry.text})`, poolRange, shadowed);
            }
            // Pod ranges against the (one or two, dual-stack) service CIDRs.
            if (range.role === "pod") {
                for (const service of serviceRanges) {
                    if (rangesOverlap(range.range, service.range)) {
                        conflict(
                            range,
                            service.description,
                            service.range,
                            "pod and ClusterIP addresses collide, so some Services are unreachable. Make the ranges disjoint.",
                        );
                    }
                }
            }
        }
    },
};
