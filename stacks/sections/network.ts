// `network`: the LAN and the cluster's own ranges, which must not overlap.

import { IpRange, parseAddressOrCidr, parseCidr } from "../../lib/addresses/ip";
import { rangesOverlap } from "../../lib/addresses/ranges";
import { Problems } from "../problems";
import { dns1123Subdomain, isPort, Reader } from "../reader";
import { NetworkSettings } from "../settings";

export type NetworkRanges = Partial<Record<"lanCidr" | "podCidr" | "serviceCidr", IpRange>> & {
    /** `network.nodeAddresses`, each with the path that names it. */
    nodeAddresses: { path: string; text: string; range: IpRange }[];
};

/** k3s' API server port. */
export const defaultApiServerPort = 6443;

function readNodeAddresses(problems: Problems, reader: Reader): NetworkRanges["nodeAddresses"] {
    if (reader.peek("nodeAddresses") === undefined) {
        return [];
    }
    return reader.list("nodeAddresses").flatMap(({ path, value }) => {
        const range = typeof value === "string" ? parseAddressOrCidr(value) : undefined;
        if (!range) {
            problems.invalid(path, value, "is not an IP address or a CIDR");
            return [];
        }
        return [{ path, text: value as string, range }];
    });
}

function readPorts(problems: Problems, reader: Reader, key: string): number[] {
    if (reader.peek(key) === undefined) {
        return [];
    }
    return reader.list(key).flatMap(({ path, value }) => {
        if (!isPort(value)) {
            problems.invalid(path, value, "is not a port number (1-65535)");
            return [];
        }
        return [value];
    });
}

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
    const lanCidr = reader.string("lanCidr");
    const podCidr = reader.string("podCidr");
    const serviceCidr = reader.string("serviceCidr");
    const clusterDomain = reader.string("clusterDomain", dns1123Subdomain, "a valid DNS domain");
    const nodeAddresses = readNodeAddresses(problems, reader);
    const apiServerPort = reader.peek("apiServerPort") ?? defaultApiServerPort;
    if (!isPort(apiServerPort)) {
        problems.invalid(reader.pathOf("apiServerPort"), apiServerPort, "is not a port number (1-65535)");
    }
    const settings: NetworkSettings = {
        lanCidr,
        podCidr,
        serviceCidr,
        clusterDomain,
        nodeAddresses: nodeAddresses.map((entry) => entry.text),
        apiServerPort: isPort(apiServerPort) ? apiServerPort : defaultApiServerPort,
        nodePorts: readPorts(problems, reader, "nodePorts"),
    };
    const ranges: NetworkRanges = {
        lanCidr: readCidr(problems, reader, "lanCidr", settings.lanCidr),
        podCidr: readCidr(problems, reader, "podCidr", settings.podCidr),
        serviceCidr: readCidr(problems, reader, "serviceCidr", settings.serviceCidr),
        nodeAddresses,
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
    for (const node of nodeAddresses) {
        for (const [key, range] of clusterRanges) {
            if (range && rangesOverlap(range, node.range)) {
                problems.conflict(
                    `${node.path}: "${node.text}" overlaps network.${key} "${settings[key]}": a node's address is not a pod's or a Service's`,
                );
            }
        }
    }
    if (ranges.podCidr && ranges.serviceCidr && rangesOverlap(ranges.podCidr, ranges.serviceCidr)) {
        problems.conflict(
            `network.serviceCidr: "${settings.serviceCidr}" overlaps network.podCidr "${settings.podCidr}"`,
        );
    }
    return { settings, ranges };
}
