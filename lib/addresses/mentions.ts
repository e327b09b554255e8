// Addresses written in free text (an environment value, a ConfigMap entry): where they are and
// how they are written, and whether they are private.

import { Cidr, IpAddress, parseCidr, parseIp } from "./ip";
import { rangeContains } from "./ranges";

const privateRanges = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7"].map(
    (text) => parseCidr(text) as Cidr,
);

/** RFC 1918, shared address space (CGNAT) and IPv6 unique local addresses. */
export function isPrivateAddress(address: IpAddress): boolean {
    return privateRanges.some((range) => rangeContains(range, address));
}

/**
 * How an address is written in a piece of text: as the host of a URL (`http://10.0.0.1:80`), as
 * `host:port`, on its own, or as part of a network (`10.0.0.0/8`, `10.0.0.1-10.0.0.9`), which names
 * addresses rather than pointing at one.
 */
export type AddressMentionForm = "url" | "host-port" | "bare" | "network";

export interface AddressMention {
    address: IpAddress;
    form: AddressMentionForm;
    /** The mention as written: `http://192.168.1.203:5000` (scheme, host, port; no credentials, no path), `10.0.0.1:80`, `10.0.0.1`. */
    text: string;
    /** The host as written inside `text`: `192.168.1.203` or `[fd00::1]`. */
    host: string;
}

const ipv4Candidate = /(?<![0-9A-Za-z.])((?:[0-9]{1,3}\.){3}[0-9]{1,3})(?![0-9.])/g;
const bracketedIpv6Candidate = /\[([0-9a-fA-F:.]+)\]/g;
const urlPrefix = /([A-Za-z][A-Za-z0-9+.-]*:\/\/)(?:[^\s/@'"]*@)?$/;
const portSuffix = /^:[0-9]{1,5}(?![0-9])/;
const ipv4RangeNeighbour = /^\s*-\s*(?:[0-9]{1,3}\.){3}[0-9]{1,3}(?![0-9.])/;
const ipv4RangeNeighbourBefore = /(?<![0-9.])(?:[0-9]{1,3}\.){3}[0-9]{1,3}\s*-\s*$/;

/**
 * Finds every IP address written in a piece of text (an env value, a ConfigMap entry) and says how
 * it is written, in text order. IPv6 is recognised in brackets (`http://[fd00::1]:80`) or when the
 * whole text is one address.
 */
export function findAddressMentions(text: string): AddressMention[] {
    const whole = parseIp(text);
    if (whole) {
        return [{ address: whole, form: "bare", text: text.trim(), host: text.trim() }];
    }
    const mentions: { index: number; mention: AddressMention }[] = [];
    const classify = (index: number, host: string, address: IpAddress): void => {
        // Only the neighbourhood matters; a bounded look-behind keeps long texts linear.
        const before = text.slice(Math.max(0, index - 256), index);
        const after = text.slice(index + host.length, index + host.length + 64);
        if (
            address.family === 4 &&
            (/^\/[0-9]/.test(after) ||
                ipv4RangeNeighbour.test(after) ||
                ipv4RangeNeighbourBefore.test(before))
        ) {
            mentions.push({ index, mention: { address, form: "network", text: host, host } });
            return;
        }
        const port = portSuffix.exec(after)?.[0] ?? "";
        const scheme = urlPrefix.exec(before);
        if (scheme) {
            // Credentials in the URL stay out of the mention: it ends up in messages.
            mentions.push({
                index,
                mention: { address, form: "url", text: `${scheme[1]}${host}${port}`, host },
            });
        } else {
            mentions.push({
                index,
                mention: { address, form: port ? "host-port" : "bare", text: `${host}${port}`, host },
            });
        }
    };
    const bracketed: [number, number][] = [];
    for (const match of text.matchAll(bracketedIpv6Candidate)) {
        const address = parseIp(match[1]);
        if (address?.family === 6) {
            bracketed.push([match.index, match.index + match[0].length]);
            classify(match.index, match[0], address);
        }
    }
    for (const match of text.matchAll(ipv4Candidate)) {
        const address = parseIp(match[1]);
        // An IPv4 tail inside a bracketed IPv6 address (`[::ffff:10.0.0.1]`) is part of that address.
        if (address && !bracketed.some(([start, end]) => start < match.index && match.index < end)) {
            classify(match.index, match[1], address);
        }
    }
    return mentions.sort((a, b) => a.index - b.index).map((entry) => entry.mention);
}
