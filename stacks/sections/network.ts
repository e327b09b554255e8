// `network`: the LAN and the cluster's own ranges, which must not overlap.

import { IpRange, parseCidr } from "../../lib/addresses/ip";
import { rangesOverlap } from "../../lib/addresses/ranges";
import { Problems } from "../problems";
import { dns1123Subdomain, Reader } from "../reader";
import { NetworkSettings } from "../settings";

export type NetworkRanges = Partial<Record<"lanCidr" | "podCidr" | "serviceCidr", IpRange>>;

function readCidr(problems: Problems, reader: Reader, key: string, text: string): IpRange | undefined {
    if (text === "") {
        return undefined;
    }
    const cidr = parseCidr(text);
    if (!cidr) {
        problems.invalid(reader.pathOf(key), text, "is not a valid CIDR (network address / prefix length)");
    }
    return cidr;
}

export function readNetwork(
    problems: Problems,
    raw: unknown,
): { settings: NetworkSettings; ranges: NetworkRanges } {
    const reader = Reader.of(problems, "network", raw);
    const settings: NetworkSettings = {
        lanCidr: reader.string("lanCidr"),
        podCidr: reader.string("podCidr"),
        serviceCidr: reader.string("serviceCidr"),
        clusterDomain: reader.string("clusterDomain", dns1123Subdomain, "a valid DNS domain"),
    };
    const ranges = {
        lanCidr: readCidr(problems, reader, "lanCidr", settings.lanCidr),
        podCidr: readCidr(problems, reader, "podCidr", settings.podCidr),
        serviceCidr: readCidr(problems, reader, "serviceCidr", settings.serviceCidr),
    };
    const clusterRanges = [
        ["podCidr", ranges.podCidr],
        ["serviceCidr", ranges.serviceCidr],
    ] as const;
    for (const [key, range] of clusterRanges) {
        if (range && ranges.lanCidr && rangesOverlap(range, ranges.lanCidr)) {
            problems.conflict(
                `network.${key}: "${settings[key]}" overlaps network.lanCidr "${settings.lanCidr}": ` +
                    "pod and service addresses must not shadow the home network (a common cause of in-cluster DNS timeouts)",
            );
        }
    }
    if (ranges.podCidr && ranges.serviceCidr && rangesOverlap(ranges.podCidr, ranges.serviceCidr)) {
        problems.conflict(
            `network.serviceCidr: "${settings.serviceCidr}" overlaps network.podCidr "${settings.podCidr}"`,
        );
    }
    return { settings, ranges };
}
