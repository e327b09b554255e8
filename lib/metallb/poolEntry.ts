// How MetalLB v0.15.2 reads the `spec.addresses` of an IPAddressPool: the one parser the stack's
// settings validation and every policy use, so neither refuses what MetalLB accepts nor lets
// through what its webhook rejects.
//
// It follows go.universe.tf/metallb@v0.15.2 internal/config/config.go (ParseCIDR, cidrsOverlap,
// cidrContainsCIDR, poolsFor, addressPoolFromCR) and what they call: Go's net.ParseCIDR and
// net.ParseIP (net/netip.ParseAddr underneath, zones refused), strings.TrimSpace, and
// github.com/mikioh/ipaddr.Summarize. test/policy/metallbParity.data.ts holds MetalLB's own
// verdicts on its test cases and on probes, and the tests compare this module with them.

import { goQuote, goTrimSpace, quoteForPerson } from "../addresses/goText";
import { familyBits, formatIp, IpAddress, IpFamily, IpRange, ParsedAddress, readIp } from "../addresses/ip";

export { goQuote, goTrimSpace, quoteForPerson };
import { formatAddressRange } from "../addresses/ranges";

/**
 * One CIDR as MetalLB holds it (a *net.IPNet): the addresses, by family as Go's To4 sees them (an
 * IPv4-mapped IPv6 address is IPv4), and the number of ones in its mask as Mask.Size() counts
 * them. The two scales differ for an IPv4-mapped CIDR (`::ffff:10.0.0.0/120` is 10.0.0.0/24 with
 * 120 ones), which is what MetalLB's overlap check trips on.
 */
export interface MetallbBlock extends IpRange {
    maskOnes: number;
}

/** Ways MetalLB's reading of an accepted entry differs from how it is written. */
export type ReadingDifference = "host-bits" | "ipv4-mapped" | "mixed-families";

export interface AcceptedEntry {
    accepted: true;
    /** Which of ParseCIDR's two forms MetalLB read: a CIDR, or `first-last` (any entry with a `-`). */
    form: "cidr" | "range";
    /** A CIDR's address as written (`192.168.1.249` of `192.168.1.249/29`), IPv4-mapped ones as IPv4. */
    address?: IpAddress;
    /** The addresses MetalLB reads; undefined for a range whose ends are of different families (it reads none). */
    range?: IpRange;
    /** MetalLB's CIDRs for the entry, in its order (a start-end range is summarized into blocks). */
    blocks: MetallbBlock[];
    differences: ReadingDifference[];
    /** What MetalLB reads, spelled plainly: `192.168.1.248/29`, `10.0.0.1-10.0.0.9`; undefined when it reads nothing. */
    readAs?: string;
}

export interface RejectedEntry {
    accepted: false;
    /** Why, for a person: `a CIDR must not have whitespace around it (...)`. */
    reason: string;
    /** MetalLB's own error from ParseCIDR: `invalid CIDR " 10.0.0.0/8"`. */
    metallbError: string;
    /** A corrected entry when what was meant is clear (whitespace, a single address, reversed ends), spelled plainly. */
    suggestion?: string;
}

export type PoolEntryReading = AcceptedEntry | RejectedEntry;

const ipv4MappedPrefix = 0xffffn;

function isMapped(raw: bigint): boolean {
    return raw >> 32n === ipv4MappedPrefix;
}

/** Go's To4: IPv4 and IPv4-mapped IPv6 addresses are IPv4. */
function familyOf(address: ParsedAddress): { family: IpFamily; value: bigint } {
    if (address.written === 6 && isMapped(address.raw)) {
        return { family: 4, value: address.raw & 0xffffffffn };
    }
    return { family: address.written, value: address.raw };
}

/** How net.IP's String() prints an address (IPv4-mapped ones in dotted form). */
function goIpString(address: ParsedAddress): string {
    const { family, value } = familyOf(address);
    return formatIp(family, value);
}

/** The CIDR blocks that cover a range exactly, largest first where aligned (ipaddr.Summarize). */
function summarize(range: IpRange): MetallbBlock[] {
    const bits = familyBits[range.family];
    const blocks: MetallbBlock[] = [];
    let start = range.first;
    for (;;) {
        let size = start === 0n ? 1n << BigInt(bits) : start & -start;
        while (start + size - 1n > range.last) {
            size >>= 1n;
        }
        const last = start + size - 1n;
        blocks.push({
            family: range.family,
            first: start,
            last,
            maskOnes: bits - (size.toString(2).length - 1),
        });
        if (last >= range.last) {
            return blocks;
        }
        start = last + 1n;
    }
}

const whitespaceAroundCidr =
    "a CIDR must not have whitespace around it (MetalLB trims only the two ends of a start-end range)";

function rejectCidr(text: string, reason: string): RejectedEntry {
    return { accepted: false, reason, metallbError: `invalid CIDR ${goQuote(text)}` };
}

/** ParseCIDR's first branch: net.ParseCIDR, untrimmed, host bits cleared. */
function readCidr(text: string): PoolEntryReading {
    const trimmed = goTrimSpace(text);
    if (trimmed !== text && readCidr(trimmed).accepted) {
        return rejectCidr(text, whitespaceAroundCidr);
    }
    const slash = text.indexOf("/");
    if (slash < 0) {
        return rejectCidr(
            text,
            "address" in readIp(trimmed)
                ? "it is a single address; MetalLB takes CIDRs and start-end ranges only"
                : "it is neither a CIDR (address/prefix length) nor a start-end range (first-last)",
        );
    }
    const addressText = text.slice(0, slash);
    const prefixText = text.slice(slash + 1);
    const parsed = readIp(addressText);
    if ("problem" in parsed) {
        return rejectCidr(text, `${quoteForPerson(addressText)} is not an IP address: ${parsed.problem}`);
    }
    if (!/^[0-9]+$/.test(prefixText)) {
        return rejectCidr(
            text,
            prefixText === ""
                ? "the prefix length after / is missing"
                : `the prefix length ${quoteForPerson(prefixText)} is not a decimal number`,
        );
    }
    // net's dtoi: leading zeros are fine (`/024` is /24); anything past 128 is refused.
    const significant = prefixText.replace(/^0+(?=.)/, "");
    const width = familyBits[parsed.address.written];
    const prefixLength = significant.length > 3 ? Infinity : Number(significant);
    if (prefixLength > width) {
        const what =
            parsed.address.written === 4
                ? "an IPv4 address (32 bits)"
                : isMapped(parsed.address.raw)
                  ? "an IPv4-mapped IPv6 address (128 bits)"
                  : "an IPv6 address (128 bits)";
        const shown = significant.length > 12 ? `of ${significant.length} digits` : `/${significant}`;
        return rejectCidr(text, `the prefix length ${shown} is longer than ${what}`);
    }
    const hostMask = (1n << BigInt(width - prefixLength)) - 1n;
    const network = parsed.address.raw & ~hostMask;
    const differences: ReadingDifference[] = [];
    if ((parsed.address.raw & hostMask) !== 0n) {
        differences.push("host-bits");
    }
    let block: MetallbBlock;
    if (parsed.address.written === 6 && isMapped(network)) {
        differences.push("ipv4-mapped");
        const first = network & 0xffffffffn;
        block = { family: 4, first, last: first | hostMask, maskOnes: prefixLength };
    } else {
        block = {
            family: parsed.address.written,
            first: network,
            last: network | hostMask,
            maskOnes: prefixLength,
        };
    }
    const range: IpRange = { family: block.family, first: block.first, last: block.last };
    return {
        accepted: true,
        form: "cidr",
        address: familyOf(parsed.address),
        range,
        blocks: [block],
        differences,
        readAs: formatAddressRange(range),
    };
}

/** ParseCIDR's second branch: `first-last`, split at the first `-`, each end trimmed. */
function readRange(text: string): PoolEntryReading {
    const dash = text.indexOf("-");
    const startText = text.slice(0, dash);
    const endText = text.slice(dash + 1);
    const start = readIp(goTrimSpace(startText));
    if ("problem" in start) {
        return {
            accepted: false,
            reason: `its start ${quoteForPerson(startText)} is not an IP address: ${start.problem}`,
            metallbError: `invalid IP range ${goQuote(text)}: invalid start IP ${goQuote(startText)}`,
        };
    }
    const end = readIp(goTrimSpace(endText));
    if ("problem" in end) {
        const extraDash = endText.includes("-") ? ` (a range has exactly one "-")` : "";
        return {
            accepted: false,
            reason: `its end ${quoteForPerson(endText)} is not an IP address: ${end.problem}${extraDash}`,
            metallbError: `invalid IP range ${goQuote(text)}: invalid end IP ${goQuote(endText)}`,
        };
    }
    const first = familyOf(start.address);
    const last = familyOf(end.address);
    // net.ParseIP returns 16 bytes for IPv4 too (::ffff:a.b.c.d), and that is what bytes.Compare sees.
    const sixteenBytes = (address: { family: IpFamily; value: bigint }) =>
        address.family === 4 ? (ipv4MappedPrefix << 32n) | address.value : address.value;
    const startString = goIpString(start.address);
    const endString = goIpString(end.address);
    if (sixteenBytes(first) > sixteenBytes(last)) {
        const families =
            first.family === last.family
                ? ""
                : "; its ends are of different families, which no range can span";
        return {
            accepted: false,
            reason: `it starts at ${startString}, after its end ${endString}${families}`,
            metallbError: `invalid IP range ${goQuote(text)}: start IP ${goQuote(startString)} is after the end IP ${goQuote(endString)}`,
        };
    }
    const differences: ReadingDifference[] = [];
    if (first.family !== last.family) {
        // ipaddr.Summarize returns no prefixes for ends of two families; ParseCIDR returns no error.
        return { accepted: true, form: "range", blocks: [], differences: ["mixed-families"] };
    }
    if (start.address.written !== first.family || end.address.written !== last.family) {
        differences.push("ipv4-mapped");
    }
    const range: IpRange = { family: first.family, first: first.value, last: last.value };
    return {
        accepted: true,
        form: "range",
        range,
        blocks: summarize(range),
        differences,
        readAs: formatAddressRange(range),
    };
}

/** Reads one `spec.addresses` entry exactly as MetalLB's ParseCIDR does. Never throws. */
export function readPoolEntry(text: string): PoolEntryReading {
    const reading = text.includes("-") ? readRange(text) : readCidr(text);
    if (!reading.accepted) {
        const suggestion = suggestSpelling(text);
        if (suggestion !== undefined) {
            reading.suggestion = suggestion;
        }
    }
    return reading;
}

const typographicDashes = /[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]/g;
const dottedQuad = /(?<![0-9A-Za-z.])([0-9]+)\.([0-9]+)\.([0-9]+)\.([0-9]+)(?![0-9A-Za-z.])/g;

/**
 * The plain spelling of what a rejected entry most likely meant, when that is clear: whitespace
 * around a CIDR, a typographic dash, a zone, leading zeros in octets, a single address (as /32 or
 * /128), or reversed ends. Undefined when no such repair makes MetalLB read addresses from it.
 */
function suggestSpelling(text: string): string | undefined {
    if (text.length > 1000) {
        return undefined;
    }
    let candidate = goTrimSpace(text.trim())
        .replace(typographicDashes, "-")
        .replace(/%[^/\-\s]*/g, "")
        .replace(dottedQuad, (_, ...octets: string[]) =>
            octets
                .slice(0, 4)
                .map((octet) => octet.replace(/^0+(?=.)/, ""))
                .join("."),
        );
    if (!candidate.includes("-") && !candidate.includes("/")) {
        const single = readIp(candidate);
        if ("address" in single) {
            candidate = `${candidate}/${familyBits[single.address.written]}`;
        }
    }
    if (candidate.includes("-")) {
        const dash = candidate.indexOf("-");
        const [startText, endText] = [candidate.slice(0, dash), candidate.slice(dash + 1)];
        candidate = `${goTrimSpace(startText)}-${goTrimSpace(endText)}`;
        const start = readIp(goTrimSpace(startText));
        const end = readIp(goTrimSpace(endText));
        if ("address" in start && "address" in end) {
            const [first, last] = [familyOf(start.address), familyOf(end.address)];
            if (first.family === last.family && first.value > last.value) {
                candidate = `${goTrimSpace(endText)}-${goTrimSpace(startText)}`;
            }
        }
    }
    const reading = candidate.includes("-") ? readRange(candidate) : readCidr(candidate);
    return reading.accepted && reading.range ? formatAddressRange(reading.range) : undefined;
}

/**
 * What a person should be told about an entry, phrased to follow the quoted entry: `is not an
 * address range MetalLB reads: ...` for an entry MetalLB rejects, `is read by MetalLB as ...` for
 * one it reads differently from how it is written; undefined for an entry read as written. The
 * settings validation and the policies print the same words.
 */
export function describeEntryProblem(reading: PoolEntryReading): string | undefined {
    if (!reading.accepted) {
        return `is not an address range MetalLB reads: ${reading.reason}`;
    }
    if (reading.differences.includes("mixed-families")) {
        return (
            "names no addresses for MetalLB: its ends are an IPv4 and an IPv6 address, and MetalLB accepts such a " +
            "range but reads nothing from it"
        );
    }
    const why: string[] = [];
    if (reading.differences.includes("host-bits")) {
        why.push("a CIDR names a whole block, so MetalLB clears the host bits of its address");
    }
    if (reading.differences.includes("ipv4-mapped")) {
        why.push(
            reading.form === "cidr"
                ? "MetalLB reads an IPv4-mapped IPv6 CIDR (::ffff:a.b.c.d/96-128) as IPv4, and its overlap check " +
                      "compares that prefix length with IPv4 ones, so it misses overlaps with IPv4 entries"
                : "MetalLB reads IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) as IPv4",
        );
    }
    return why.length === 0 ? undefined : `is read by MetalLB as ${reading.readAs} (${why.join("; ")})`;
}

/** cidrContainsCIDR: the same prefix length and address, or a shorter mask containing the other's address. */
function blockContains(outer: MetallbBlock, inner: MetallbBlock): boolean {
    if (outer.family !== inner.family) {
        return false;
    }
    if (outer.maskOnes === inner.maskOnes && outer.first === inner.first) {
        return true;
    }
    return outer.maskOnes < inner.maskOnes && outer.first <= inner.first && inner.first <= outer.last;
}

/**
 * cidrsOverlap, MetalLB's overlap check, bug included: it compares mask sizes across scales, so an
 * IPv4 CIDR strictly inside an IPv4-mapped one that does not hold its first address goes unseen
 * (`10.0.0.5/32` against `::ffff:10.0.0.0/120`).
 */
export function metallbBlocksOverlap(a: MetallbBlock, b: MetallbBlock): boolean {
    return blockContains(a, b) || blockContains(b, a);
}

/** Whether MetalLB's webhook sees two accepted entries as overlapping. */
export function metallbEntriesOverlap(a: AcceptedEntry, b: AcceptedEntry): boolean {
    return a.blocks.some((blockA) => b.blocks.some((blockB) => metallbBlocksOverlap(blockA, blockB)));
}
